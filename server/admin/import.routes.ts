import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { AppError } from '../errors.js';
import { formatFromName, formatRowError, type ImportReport, type KbFileFormat } from '../knowledge/index.js';
import { SITUATION_STATUSES } from '../knowledge/kb.format.js';
import { requireCsrf, requireStaff } from '../staff/index.js';
import { actorOf, bodyOf, parseAdminForm, type AdminContext } from './admin.context.js';
import { todayInVietnam } from './admin.presenter.js';
import { renderAdmin } from './admin.views.js';
import type { ImportService } from './import.service.js';
import type { UploadStore } from './import.uploads.js';
import { text } from './situation.form.js';

const MIME: Record<KbFileFormat, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const exportQuery = z.object({
  format: z.enum(['jsonl', 'csv', 'xlsx']).default('jsonl').catch('jsonl'),
  field: z.string().trim().max(100).optional().catch(undefined),
  status: z.enum(SITUATION_STATUSES).optional().catch(undefined),
});

/** Bulk import (upload, dry run, commit) and export. */
export function importRoutes(ctx: AdminContext, deps: { imports: ImportService; uploads: UploadStore }): Router {
  const router = Router();
  const admin = requireStaff('admin');
  const maxBytes = Math.round(ctx.config.ADMIN_IMPORT_MAX_MB * 1024 * 1024);

  // Memory storage with a size limit: the file is read once, then kept in import_uploads.
  const single = multer({ storage: multer.memoryStorage(), defParamCharset: 'utf8', limits: { fileSize: maxBytes, files: 1, fields: 10, parts: 12 } }).single('file');
  const receiveFile: RequestHandler = (req, res, next) => {
    single(req, res, (error: unknown) => {
      if (!error) return next();
      if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
        return next(new AppError('file_too_large', 413, `Tệp lớn quá ${ctx.config.ADMIN_IMPORT_MAX_MB} MB.`));
      }
      if (error instanceof multer.MulterError) return next(new AppError('invalid_upload', 400, 'Không đọc được tệp tải lên.'));
      next(error);
    });
  };

  const page = async (req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1], data: Record<string, unknown>, status = 200) => {
    const fields = await ctx.knowledge.listFields();
    renderAdmin(
      req,
      res,
      'import',
      { fields, statuses: SITUATION_STATUSES, maxMb: ctx.config.ADMIN_IMPORT_MAX_MB, ttlMinutes: ctx.config.ADMIN_IMPORT_TTL_MINUTES, ...data },
      { title: 'Nhập / Xuất tình huống', section: 'import', status },
    );
  };

  router.get('/admin/import', admin, async (req, res) => {
    await page(req, res, {});
  });

  router.post('/admin/import', admin, receiveFile, requireCsrf, async (req, res) => {
    const file = req.file;
    if (!file) throw new AppError('no_file', 400, 'Vui lòng chọn tệp để nhập (.jsonl, .csv hoặc .xlsx).');
    const fileName = file.originalname.replace(/[\u0000-\u001f\\/]/g, '').slice(0, 255) || 'tep-nhap';
    let format: KbFileFormat;
    try {
      format = formatFromName(fileName);
    } catch (error) {
      throw new AppError('unsupported_format', 400, (error as Error).message);
    }
    const body = bodyOf(req);
    const options = { replace: text(body, 'replace') === '1', createFields: text(body, 'create_fields') === '1' };
    const upload = await deps.uploads.save({ staffId: req.staff!.id, fileName, format, bytes: file.buffer, options });
    const report = await deps.imports.dryRun(upload, actorOf(req));
    if (!report.ok) await deps.uploads.remove(upload.id);
    if (req.accepts(['json', 'html']) === 'json') {
      res.status(report.ok ? 200 : 422).json({ upload_id: report.ok ? upload.id : null, expires_at: upload.expiresAt, report: presentReport(report) });
      return;
    }
    await page(req, res, { report: reportModel(report), upload: report.ok ? upload : null, fileName }, report.ok ? 200 : 422);
  });

  router.post('/admin/import/:id/commit', parseAdminForm, admin, requireCsrf, async (req, res) => {
    const upload = await deps.uploads.find(String(req.params.id), req.staff!.id);
    if (!upload) throw new AppError('upload_expired', 410, 'Tệp đã tải lên không còn (quá hạn hoặc đã nhập). Vui lòng tải lên lại.');
    const report = await deps.imports.commit(upload, actorOf(req));
    if (report.ok) await deps.uploads.remove(upload.id);
    if (req.accepts(['json', 'html']) === 'json') {
      res.status(report.ok ? 200 : 422).json({ report: presentReport(report) });
      return;
    }
    await page(req, res, { report: reportModel(report), committed: report.ok, fileName: upload.fileName, upload: report.ok ? null : upload }, report.ok ? 200 : 422);
  });

  router.get('/admin/export', admin, async (req, res) => {
    const query = exportQuery.parse(req.query);
    const fields = await ctx.knowledge.listFields();
    const field = fields.some((f) => f.slug === query.field) ? query.field : undefined;
    const { bytes } = await deps.imports.export(actorOf(req), { field, status: query.status }, query.format);
    const name = ['tinh-huong', todayInVietnam(ctx.now()), field, query.status].filter(Boolean).join('-') + `.${query.format}`;
    res.setHeader('Content-Type', MIME[query.format]);
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.end(bytes);
  });

  return router;
}

/** The report as JSON for scripts. */
function presentReport(report: ImportReport) {
  return {
    ok: report.ok,
    dry_run: report.dryRun,
    total: report.total,
    created: report.created,
    updated: report.updated,
    unchanged: report.unchanged,
    archived: report.archived,
    fields_created: report.fieldsCreated,
    unlinked_citations: report.unlinkedCitations,
    errors: report.errors.map((e) => ({ line: e.line, field: e.field, message: e.message })),
  };
}

function reportModel(report: ImportReport) {
  return {
    ...report,
    errors: report.errors.slice(0, 1000).map((e) => ({ ...e, text: formatRowError(e) })),
    moreErrors: Math.max(0, report.errors.length - 1000),
    changedSample: report.changedCodes.slice(0, 100),
    moreChanged: Math.max(0, report.changedCodes.length - 100),
  };
}
