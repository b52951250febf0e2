import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { registry, type RegistryDocument } from '../knowledge/index.js';
import { DOCUMENT_STATUSES, DOCUMENT_TYPES, documentSchema, type DocumentRecord } from '../knowledge/documents.js';
import { cleanText } from '../knowledge/text.js';
import { requireCsrf, requireStaff } from '../staff/index.js';
import { actorOf, bodyOf, errorsOf, parseAdminForm, showsFormError, type AdminContext } from './admin.context.js';
import { pager } from './admin.presenter.js';
import { renderAdmin } from './admin.views.js';
import { text } from './situation.form.js';

const PAGE_SIZE = 50;
const listQuery = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  status: z.enum(DOCUMENT_STATUSES).optional().catch(undefined),
  type: z.enum(DOCUMENT_TYPES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});

/** Reads the document form into registry values (blank dates and successor are "unknown"). */
export function parseDocumentForm(body: Record<string, unknown>): Record<string, unknown> {
  const blankToNull = (v: string) => (v.trim() === '' ? null : v.trim());
  return {
    number: text(body, 'number'),
    title: text(body, 'title'),
    type: text(body, 'type') || 'other',
    issuer: text(body, 'issuer'),
    issued_date: blankToNull(text(body, 'issued_date')),
    effective_date: blankToNull(text(body, 'effective_date')),
    status: text(body, 'status') || 'in_force',
    replaced_by: blankToNull(text(body, 'replaced_by')),
    amended_by: [
      ...new Set(
        text(body, 'amended_by')
          .split(/[,;\n]/)
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ],
  };
}

/** Validates registry values with the import's schema. */
function validateDocument(values: Record<string, unknown>): DocumentRecord {
  const parsed = documentSchema.safeParse(values);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    throw new AppError('invalid_document', 400, 'Văn bản chưa hợp lệ: ' + errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors });
  }
  const record = { ...parsed.data, number: cleanText(parsed.data.number), title: cleanText(parsed.data.title) };
  if (record.status === 'in_force' && record.replaced_by) {
    throw new AppError('invalid_document', 400, 'Văn bản còn hiệu lực thì không có văn bản thay thế.', {
      errors: [{ field: 'replaced_by', message: 'chỉ ghi khi văn bản đã hết hiệu lực' }],
    });
  }
  return record;
}

/** The legal-document registry: list, create, edit; marking one amended or repealed flags its situations. */
export function documentRoutes(ctx: AdminContext): Router {
  const router = Router();
  const admin = requireStaff('admin');

  router.get('/admin/documents', admin, async (req, res) => {
    const query = listQuery.parse(req.query);
    const { items, total } = await registry.listDocuments(ctx.dataSource, { q: query.q, status: query.status, type: query.type, limit: PAGE_SIZE, offset: (query.page - 1) * PAGE_SIZE });
    const filters = { q: query.q, status: query.status, type: query.type };
    renderAdmin(
      req,
      res,
      'documents',
      { items, total, query: filters, statuses: DOCUMENT_STATUSES, types: DOCUMENT_TYPES, pager: pager('/admin/documents', filters, query.page, PAGE_SIZE, total) },
      { title: 'Văn bản pháp luật', section: 'documents' },
    );
  });

  router.get('/admin/documents/new', admin, async (req, res) => {
    await renderForm(req, res, { values: { type: 'law', status: 'in_force', amended_by: [] } });
  });

  router.post('/admin/documents', parseAdminForm, admin, requireCsrf, async (req, res) => {
    const values = parseDocumentForm(bodyOf(req));
    try {
      const change = await ctx.curation.saveDocument(actorOf(req), null, validateDocument(values));
      res.redirect(303, `/admin/documents/${change.id}?done=created&flagged=${change.flaggedCodes.length}`);
    } catch (error) {
      if (!showsFormError(req, error)) throw error;
      await renderForm(req, res, { values, errors: errorsOf(error), status: error.status });
    }
  });

  router.get('/admin/documents/:id', admin, async (req, res) => {
    const document = await load(String(req.params.id));
    const flagged = Number(req.query.flagged ?? 0);
    const done = String(req.query.done ?? '');
    let flash: string | undefined;
    if (done === 'created' || done === 'saved') {
      flash = done === 'created' ? 'Đã thêm văn bản vào danh mục.' : 'Đã lưu văn bản.';
      if (flagged > 0) {
        flash += ` ${flagged} tình huống trích dẫn văn bản này được đánh dấu cần rà soát` + (ctx.config.WITHHOLD_UNREVIEWED ? ' và tạm ngưng trả lời cho đến khi được rà soát.' : '.');
      }
    }
    await renderForm(req, res, { document, values: { ...document }, flash });
  });

  router.post('/admin/documents/:id', parseAdminForm, admin, requireCsrf, async (req, res) => {
    const document = await load(String(req.params.id));
    const values = parseDocumentForm(bodyOf(req));
    try {
      const change = await ctx.curation.saveDocument(actorOf(req), document.id, validateDocument(values));
      res.redirect(303, `/admin/documents/${change.id}?done=saved&flagged=${change.flaggedCodes.length}`);
    } catch (error) {
      if (!showsFormError(req, error)) throw error;
      await renderForm(req, res, { document, values, errors: errorsOf(error), status: error.status });
    }
  });

  async function load(id: string): Promise<RegistryDocument> {
    const document = await registry.findDocument(ctx.dataSource, id);
    if (!document) throw registry.registryErrors.notFound();
    return document;
  }

  async function renderForm(
    req: Request,
    res: Response,
    state: { document?: RegistryDocument; values: Record<string, unknown>; errors?: { field: string; message: string }[]; flash?: string; status?: number },
  ): Promise<void> {
    const [choices, citing] = await Promise.all([
      registry.listDocumentChoices(ctx.dataSource),
      state.document ? registry.listSituationsCiting(ctx.dataSource, state.document.id) : Promise.resolve([]),
    ]);
    const v = state.values;
    renderAdmin(
      req,
      res,
      'document-form',
      {
        document: state.document,
        action: state.document ? `/admin/documents/${state.document.id}` : '/admin/documents',
        form: {
          number: v.number ?? '',
          title: v.title ?? '',
          type: v.type ?? 'other',
          issuer: v.issuer ?? '',
          issued_date: v.issued_date ?? '',
          effective_date: v.effective_date ?? '',
          status: v.status ?? 'in_force',
          replaced_by: v.replaced_by ?? '',
          amended_by: Array.isArray(v.amended_by) ? (v.amended_by as string[]).join('\n') : '',
        },
        types: DOCUMENT_TYPES,
        statuses: DOCUMENT_STATUSES,
        choices: choices.filter((c) => c.number !== state.document?.number),
        citing: citing.map((s) => ({ ...s, withheld: s.needsReview && s.status === 'published' && ctx.config.WITHHOLD_UNREVIEWED })),
        errors: state.errors,
        flash: state.flash,
      },
      { title: state.document ? `Văn bản ${state.document.number}` : 'Văn bản mới', section: 'documents', status: state.status },
    );
  }

  return router;
}
