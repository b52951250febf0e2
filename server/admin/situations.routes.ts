import { Router, type Request, type Response } from 'express';
import { AppError } from '../errors.js';
import { curation, findCodesByText, listSituations, registry, type CuratedSituation, type SituationView } from '../knowledge/index.js';
import { SITUATION_STATUSES, type SituationStatus } from '../knowledge/kb.format.js';
import { requireCsrf, requireStaff } from '../staff/index.js';
import { actorOf, bodyOf, errorsOf, parseAdminForm, showsFormError, type AdminContext } from './admin.context.js';
import { monthsAgo, pager, previewOf, withQuery } from './admin.presenter.js';
import { renderAdmin } from './admin.views.js';
import { formModel, listQuerySchema, parseSituationForm, text } from './situation.form.js';

const PAGE_SIZE = 50;
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const FLASH: Record<string, string> = {
  created: 'Đã tạo tình huống.',
  saved: 'Đã lưu thay đổi. Trợ lý dùng nội dung mới ngay.',
  unchanged: 'Không có gì thay đổi.',
  status: 'Đã đổi trạng thái.',
  reviewed: 'Đã đánh dấu rà soát: tình huống được dùng để trả lời trở lại.',
  restored: 'Đã khôi phục phiên bản cũ (ghi thành một phiên bản mới).',
};

const STATUS_ACTIONS: Record<SituationStatus, string> = { published: 'Xuất bản', draft: 'Chuyển về nháp', archived: 'Lưu trữ' };

/** Situations: the list with search and filters, create, edit with preview, status, review. */
export function situationRoutes(ctx: AdminContext): Router {
  const router = Router();
  const { dataSource, knowledge, matching } = ctx;
  const admin = requireStaff('admin');

  router.get('/admin/situations', admin, async (req, res) => {
    const query = listQuerySchema.parse(req.query);
    const fields = await knowledge.listFields();
    const field = fields.some((f) => f.slug === query.field) ? query.field : undefined;
    let codes: string[] | undefined;
    const scores = new Map<string, number>();
    if (query.q) {
      const ranked = matching.explain(query.q, { field, limit: 20 }).ranked;
      for (const r of ranked) scores.set(r.code, r.score);
      const byText = await findCodesByText(dataSource, query.q);
      const exact = byText.filter((c) => c.toLowerCase() === query.q!.toLowerCase());
      codes = [...new Set([...exact, ...ranked.map((r) => r.code), ...byText])];
    }
    const { items, total } = await listSituations(dataSource, {
      codes,
      field,
      status: query.status,
      reviewedBefore: query.older ? monthsAgo(query.older, ctx.now()) : undefined,
      needsReview: query.review === '1',
      limit: PAGE_SIZE,
      offset: (query.page - 1) * PAGE_SIZE,
    });
    const filters = { q: query.q, field, status: query.status, older: query.older, review: query.review };
    renderAdmin(
      req,
      res,
      'situations',
      {
        query: filters,
        fields,
        statuses: SITUATION_STATUSES,
        items: items.map((i) => ({ ...i, score: scores.get(i.code), withheld: withheld(ctx, i) })),
        total,
        pager: pager('/admin/situations', filters, query.page, PAGE_SIZE, total),
        exportUrl: withQuery('/admin/export', { format: 'jsonl', field, status: query.status }),
      },
      { title: 'Tình huống pháp lý', section: 'situations' },
    );
  });

  router.get('/admin/review', admin, async (req, res) => {
    const [drafts, flagged] = await Promise.all([
      listSituations(dataSource, { consultantDrafts: true, limit: 500 }),
      listSituations(dataSource, { needsReview: true, limit: 500 }),
    ]);
    renderAdmin(
      req,
      res,
      'review',
      {
        drafts: drafts.items,
        draftsTotal: drafts.total,
        flagged: flagged.items.map((i) => ({ ...i, withheld: withheld(ctx, i) })),
        flaggedTotal: flagged.total,
        withholding: ctx.config.WITHHOLD_UNREVIEWED,
        flash: FLASH[String(req.query.done ?? '')],
      },
      { title: 'Chờ duyệt', section: 'review' },
    );
  });

  router.get('/admin/situations/new', admin, async (req, res) => {
    await renderForm(req, res, { mode: 'create', values: { status: 'draft', field: String(req.query.field ?? '') } });
  });

  router.post('/admin/situations', parseAdminForm, admin, requireCsrf, async (req, res) => {
    const form = parseSituationForm(bodyOf(req));
    if (text(bodyOf(req), 'intent') === 'preview') return renderForm(req, res, { mode: 'create', values: form.values, preview: true });
    try {
      const change = await ctx.curation.createSituation(actorOf(req), form.values);
      res.redirect(303, `/admin/situations/${encodeURIComponent(change.code)}?done=created`);
    } catch (error) {
      if (!showsFormError(req, error)) throw error;
      await renderForm(req, res, { mode: 'create', values: form.values, errors: errorsOf(error), status: error.status });
    }
  });

  router.get('/admin/situations/:code', admin, async (req, res) => {
    const situation = await load(String(req.params.code));
    if (situation.code !== req.params.code) return res.redirect(303, `/admin/situations/${encodeURIComponent(situation.code)}`);
    await renderForm(req, res, { mode: 'edit', situation, values: valuesOf(situation), flash: FLASH[String(req.query.done ?? '')] });
  });

  router.post('/admin/situations/:code', parseAdminForm, admin, requireCsrf, async (req, res) => {
    const situation = await load(String(req.params.code));
    const form = parseSituationForm(bodyOf(req), { status: situation.status });
    if (text(bodyOf(req), 'intent') === 'preview') return renderForm(req, res, { mode: 'edit', situation, values: form.values, preview: true, version: form.expectedVersion });
    try {
      const change = await ctx.curation.updateSituation(actorOf(req), situation.code, form.values, {
        expectedVersion: form.expectedVersion,
        markReviewed: form.markReviewed,
      });
      const done = change.changed ? (form.markReviewed ? 'reviewed' : 'saved') : change.reviewCleared ? 'reviewed' : 'unchanged';
      res.redirect(303, `/admin/situations/${encodeURIComponent(change.code)}?done=${done}`);
    } catch (error) {
      if (!showsFormError(req, error)) throw error;
      await renderForm(req, res, { mode: 'edit', situation, values: form.values, errors: errorsOf(error), status: error.status, version: form.expectedVersion });
    }
  });

  router.post('/admin/situations/:code/status', parseAdminForm, admin, requireCsrf, async (req, res) => {
    const status = text(bodyOf(req), 'status');
    if (!(SITUATION_STATUSES as readonly string[]).includes(status)) throw new AppError('invalid_status', 400, 'Trạng thái phải là draft, published hoặc archived.');
    const version = Number(text(bodyOf(req), 'version'));
    const change = await ctx.curation.setStatus(actorOf(req), checkedCode(req), status as SituationStatus, Number.isInteger(version) && version > 0 ? version : undefined);
    res.redirect(303, backTo(req, change.code, 'status'));
  });

  router.post('/admin/situations/:code/reviewed', parseAdminForm, admin, requireCsrf, async (req, res) => {
    const change = await ctx.curation.markReviewed(actorOf(req), checkedCode(req));
    res.redirect(303, backTo(req, change.code, 'reviewed'));
  });

  async function load(code: string): Promise<CuratedSituation> {
    if (!CODE.test(code)) throw curation.curationErrors.notFound();
    const situation = await curation.findCuratedSituation(dataSource.manager, code);
    if (!situation) throw curation.curationErrors.notFound();
    return situation;
  }

  interface FormState {
    mode: 'create' | 'edit';
    situation?: CuratedSituation;
    values: Record<string, unknown>;
    errors?: { field: string; message: string }[];
    preview?: boolean;
    flash?: string;
    status?: number;
    version?: number;
  }

  async function renderForm(req: Request, res: Response, state: FormState): Promise<void> {
    const [fields, documents] = await Promise.all([knowledge.listFields(), registry.listDocumentChoices(dataSource)]);
    const situation = state.situation;
    let preview;
    let previewErrors: { field: string; message: string }[] = [];
    if (state.preview) {
      // An unsaved edit, resolved against the registry the way the bot reads stored ones.
      try {
        const { record } = await curation.validateSituationInput(dataSource.manager, { ...state.values, code: state.values.code || situation?.code || 'XEM-TRUOC' });
        const field = fields.find((f) => f.slug === record.field || f.name === record.field);
        preview = previewOf({
          code: record.code,
          question: record.question,
          answer: record.answer,
          field: { slug: field?.slug ?? '', name: field?.name ?? '' },
          reviewedAt: record.reviewed_at ?? null,
          citations: await registry.resolveCitations(dataSource, record.legal_basis),
        });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        previewErrors = errorsOf(error);
      }
    } else if (situation) {
      const [view] = await knowledge.findSituations([situation.code], { publishedOnly: false });
      if (view) preview = previewOf(view as SituationView);
    }
    const changedDocuments = situation ? (await listSituations(dataSource, { codes: [situation.code] })).items[0]?.changedDocuments ?? [] : [];
    const otherStatuses = situation ? SITUATION_STATUSES.filter((s) => s !== situation.status).map((s) => ({ status: s, label: STATUS_ACTIONS[s] })) : [];
    renderAdmin(
      req,
      res,
      'situation-form',
      {
        mode: state.mode,
        creating: state.mode === 'create',
        action: situation ? `/admin/situations/${encodeURIComponent(situation.code)}` : '/admin/situations',
        situation,
        withheld: situation ? situation.needsReview && situation.status === 'published' && ctx.config.WITHHOLD_UNREVIEWED : false,
        changedDocuments,
        form: formModel(state.values),
        version: state.version ?? situation?.version,
        fields: fields.map((f) => ({ slug: f.slug, name: f.name })),
        statuses: SITUATION_STATUSES,
        documents,
        preview,
        previewUnsaved: Boolean(state.preview),
        previewErrors,
        otherStatuses,
        errors: state.errors,
        flash: state.flash,
      },
      { title: situation ? `Tình huống ${situation.code}` : 'Tình huống mới', section: situation?.code.startsWith('NHAP-') && situation.status === 'draft' ? 'review' : 'situations', status: state.status },
    );
  }

  return router;
}

function withheld(ctx: AdminContext, item: { needsReview: boolean; status: string }): boolean {
  return ctx.config.WITHHOLD_UNREVIEWED && item.needsReview && item.status === 'published';
}

function checkedCode(req: Request): string {
  const code = String(req.params.code);
  if (!CODE.test(code)) throw curation.curationErrors.notFound();
  return code;
}

/** After an action from a list page (review list), go back there; otherwise to the situation. */
function backTo(req: Request, code: string, done: string): string {
  const back = text(bodyOf(req), 'back');
  if (back === 'review') return `/admin/review?done=${done}`;
  return `/admin/situations/${encodeURIComponent(code)}?done=${done}`;
}

function valuesOf(s: CuratedSituation): Record<string, unknown> {
  return {
    code: s.code,
    field: s.field,
    question: s.question,
    alternates: s.alternates,
    answer: s.answer,
    legal_basis: s.legal_basis,
    tags: s.tags,
    status: s.status,
    reviewed_at: s.reviewed_at ?? '',
  };
}
