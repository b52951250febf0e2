import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { curation, type CuratedSituation } from '../knowledge/index.js';
import { requireCsrf, requireStaff } from '../staff/index.js';
import { actorOf, bodyOf, parseAdminForm, type AdminContext } from './admin.context.js';
import { renderAdmin } from './admin.views.js';
import { changedFields, diffSnapshots } from './revision.diff.js';
import { text } from './situation.form.js';

const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ACTION_LABELS: Record<string, string> = { create: 'Tạo', update: 'Sửa', archive: 'Lưu trữ', restore: 'Khôi phục', status: 'Đổi trạng thái' };
const versionsQuery = z.object({
  from: z.coerce.number().int().min(1).optional().catch(undefined),
  to: z.coerce.number().int().min(1).optional().catch(undefined),
});

/** The history of a situation: its revisions, a diff between any two, restore. */
export function revisionRoutes(ctx: AdminContext): Router {
  const router = Router();
  const admin = requireStaff('admin');

  async function load(code: string): Promise<CuratedSituation> {
    const situation = CODE.test(code) ? await curation.findCuratedSituation(ctx.dataSource.manager, code) : null;
    if (!situation) throw curation.curationErrors.notFound();
    return situation;
  }

  router.get('/admin/situations/:code/revisions', admin, async (req, res) => {
    const situation = await load(String(req.params.code));
    const revisions = await curation.listRevisions(ctx.dataSource.manager, situation.id);
    renderAdmin(
      req,
      res,
      'revisions',
      {
        situation,
        revisions: revisions.map((r) => ({
          ...r,
          actionLabel: ACTION_LABELS[r.action] ?? r.action,
          changes: changedFields(r.before, r.after),
          isCurrent: r.version === situation.version,
          previous: revisions.some((o) => o.version < r.version) ? Math.max(...revisions.filter((o) => o.version < r.version).map((o) => o.version)) : null,
        })),
        versions: revisions.map((r) => r.version),
        defaultFrom: revisions[1]?.version ?? revisions[0]?.version,
        defaultTo: revisions[0]?.version,
      },
      { title: `Lịch sử ${situation.code}`, section: 'situations' },
    );
  });

  router.get('/admin/situations/:code/diff', admin, async (req, res) => {
    const situation = await load(String(req.params.code));
    const revisions = await curation.listRevisions(ctx.dataSource.manager, situation.id);
    const query = versionsQuery.parse(req.query);
    const to = revisions.find((r) => r.version === (query.to ?? revisions[0]?.version));
    const from = revisions.find((r) => r.version === (query.from ?? revisions[1]?.version ?? revisions[0]?.version));
    if (!to || !from) throw curation.curationErrors.revisionNotFound();
    const [older, newer] = from.version <= to.version ? [from, to] : [to, from];
    const fieldNames = new Map((await ctx.knowledge.listFields()).map((f) => [f.slug, f.name]));
    const fields = diffSnapshots(older.after, newer.after, fieldNames);
    renderAdmin(
      req,
      res,
      'diff',
      {
        situation,
        older,
        newer,
        fields: fields.filter((f) => f.changed),
        unchanged: fields.filter((f) => !f.changed),
        changedCount: fields.filter((f) => f.changed).length,
        versions: revisions.map((r) => r.version),
      },
      { title: `So sánh phiên bản ${older.version} và ${newer.version} · ${situation.code}`, section: 'situations' },
    );
  });

  router.post('/admin/situations/:code/revisions/:version/restore', parseAdminForm, admin, requireCsrf, async (req, res) => {
    const situation = await load(String(req.params.code));
    const version = Number(req.params.version);
    if (!Number.isInteger(version) || version < 1) throw curation.curationErrors.revisionNotFound();
    const expected = Number(text(bodyOf(req), 'current'));
    const change = await ctx.curation.restore(actorOf(req), situation.code, version, Number.isInteger(expected) && expected > 0 ? expected : undefined);
    if (!change.changed) throw new AppError('nothing_to_restore', 409, `Phiên bản ${version} giống hệt nội dung hiện tại: không có gì để khôi phục.`);
    res.redirect(303, `/admin/situations/${encodeURIComponent(change.code)}?done=restored`);
  });

  return router;
}
