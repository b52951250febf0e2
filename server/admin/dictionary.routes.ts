import { Router, type Request, type Response } from 'express';
import { AppError } from '../errors.js';
import { foldName } from '../knowledge/text.js';
import { requireCsrf, requireStaff } from '../staff/index.js';
import { actorOf, bodyOf, errorsOf, parseAdminForm, parseLargeAdminForm, showsFormError, type AdminContext } from './admin.context.js';
import { pager } from './admin.presenter.js';
import { renderAdmin } from './admin.views.js';
import type { DictionaryService } from './dictionary.service.js';
import { text } from './situation.form.js';

const PAGE_SIZE = 100;
const KINDS = [
  { kind: 'abbreviation', label: 'Viết tắt (các cách viết tương đương)' },
  { kind: 'synonym', label: 'Đồng nghĩa' },
  { kind: 'shorthand', label: 'Cách viết khi chat (dòng đầu là cách viết chuẩn)' },
];

/** Reads the entry form into a dictionary entry (validated later with the whole dictionary). */
export function parseEntryForm(body: Record<string, unknown>): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    kind: text(body, 'kind'),
    terms: text(body, 'terms')
      .split(/\r?\n/)
      .map((t) => t.trim())
      .filter(Boolean),
  };
  const weight = text(body, 'weight').trim().replace(',', '.');
  if (weight !== '') entry.weight = Number(weight);
  const note = text(body, 'note').trim();
  if (note !== '') entry.note = note;
  return entry;
}

/** The matching dictionary: browse, add, edit, delete entries, or edit the whole file. */
export function dictionaryRoutes(ctx: AdminContext, dictionary: DictionaryService): Router {
  const router = Router();
  const admin = requireStaff('admin');

  router.get('/admin/dictionary', admin, async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
    const page = Math.max(1, Math.min(10_000, Number(req.query.page) || 1));
    const copy = await dictionary.read();
    const needle = foldName(q);
    const all = copy.dictionary.entries
      .map((entry, index) => ({ ...entry, index }))
      .filter((e) => !needle || e.terms.some((t) => foldName(t).includes(needle)) || foldName(e.note ?? '').includes(needle));
    const flash = req.query.done === 'saved' ? 'Đã lưu từ điển. Trợ lý dùng từ điển mới ngay.' : req.query.done === 'deleted' ? 'Đã xóa mục khỏi từ điển.' : undefined;
    renderAdmin(
      req,
      res,
      'dictionary',
      {
        q,
        entries: all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((e) => ({ ...e, kindLabel: KINDS.find((k) => k.kind === e.kind)?.label ?? e.kind })),
        total: copy.dictionary.entries.length,
        pager: pager('/admin/dictionary', { q }, page, PAGE_SIZE, all.length),
        flash,
      },
      { title: 'Từ điển so khớp', section: 'dictionary' },
    );
  });

  router.get('/admin/dictionary/new', admin, async (req, res) => {
    const copy = await dictionary.read();
    renderEntry(req, res, { etag: copy.etag, entry: { kind: 'synonym', terms: [] } });
  });

  router.post('/admin/dictionary', parseAdminForm, admin, requireCsrf, async (req, res) => {
    const entry = parseEntryForm(bodyOf(req));
    try {
      await dictionary.addEntry(actorOf(req), text(bodyOf(req), 'etag'), entry);
      res.redirect(303, '/admin/dictionary?done=saved');
    } catch (error) {
      if (!showsFormError(req, error)) throw error;
      renderEntry(req, res, { etag: text(bodyOf(req), 'etag'), entry, errors: entryErrors(error), status: error.status });
    }
  });

  router.get('/admin/dictionary/raw', admin, async (req, res) => {
    const copy = await dictionary.readText();
    renderRaw(req, res, { etag: copy.etag, text: copy.text });
  });

  router.post('/admin/dictionary/raw', parseLargeAdminForm, admin, requireCsrf, async (req, res) => {
    const raw = text(bodyOf(req), 'dictionary');
    try {
      await dictionary.replaceAll(actorOf(req), text(bodyOf(req), 'etag'), raw);
      res.redirect(303, '/admin/dictionary?done=saved');
    } catch (error) {
      if (!showsFormError(req, error)) throw error;
      renderRaw(req, res, { etag: text(bodyOf(req), 'etag'), text: raw, errors: errorsOf(error), status: error.status });
    }
  });

  router.get('/admin/dictionary/:index', admin, async (req, res) => {
    const index = indexOf(req);
    const copy = await dictionary.read();
    const entry = copy.dictionary.entries[index];
    if (!entry) throw new AppError('entry_not_found', 404, 'Không tìm thấy mục này trong từ điển.');
    renderEntry(req, res, { etag: copy.etag, entry, index });
  });

  router.post('/admin/dictionary/:index', parseAdminForm, admin, requireCsrf, async (req, res) => {
    const index = indexOf(req);
    const entry = parseEntryForm(bodyOf(req));
    try {
      await dictionary.replaceEntry(actorOf(req), text(bodyOf(req), 'etag'), index, entry);
      res.redirect(303, '/admin/dictionary?done=saved');
    } catch (error) {
      if (!showsFormError(req, error)) throw error;
      renderEntry(req, res, { etag: text(bodyOf(req), 'etag'), entry, index, errors: entryErrors(error), status: error.status });
    }
  });

  router.post('/admin/dictionary/:index/delete', parseAdminForm, admin, requireCsrf, async (req, res) => {
    await dictionary.removeEntry(actorOf(req), text(bodyOf(req), 'etag'), indexOf(req));
    res.redirect(303, '/admin/dictionary?done=deleted');
  });

  function renderEntry(
    req: Request,
    res: Response,
    state: { etag: string; entry: Record<string, unknown>; index?: number; errors?: { field: string; message: string }[]; status?: number },
  ): void {
    const entry = state.entry;
    renderAdmin(
      req,
      res,
      'dictionary-entry',
      {
        etag: state.etag,
        index: state.index,
        editing: state.index !== undefined,
        action: state.index !== undefined ? `/admin/dictionary/${state.index}` : '/admin/dictionary',
        kinds: KINDS,
        form: {
          kind: entry.kind ?? 'synonym',
          terms: Array.isArray(entry.terms) ? (entry.terms as string[]).join('\n') : '',
          weight: entry.weight ?? '',
          note: entry.note ?? '',
        },
        errors: state.errors,
      },
      { title: state.index !== undefined ? `Mục từ điển #${state.index + 1}` : 'Mục từ điển mới', section: 'dictionary', status: state.status },
    );
  }

  function renderRaw(req: Request, res: Response, state: { etag: string; text: string; errors?: { field: string; message: string }[]; status?: number }): void {
    renderAdmin(req, res, 'dictionary-raw', state, { title: 'Sửa toàn bộ từ điển', section: 'dictionary', status: state.status });
  }

  return router;
}

function indexOf(req: Request): number {
  const index = Number(req.params.index);
  if (!Number.isInteger(index) || index < 0 || index > 1_000_000) throw new AppError('entry_not_found', 404, 'Không tìm thấy mục này trong từ điển.');
  return index;
}

/** Problems of one entry, named by its own fields ("terms[0]" rather than "entries[12].terms[0]"). */
function entryErrors(error: AppError): { field: string; message: string }[] {
  return errorsOf(error).map((e) => ({ ...e, field: e.field.replace(/^entries\[\d+\]\.?/, '') }));
}
