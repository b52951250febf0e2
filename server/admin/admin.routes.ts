import { Router, type ErrorRequestHandler } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { KnowledgeRepository } from '../knowledge/index.js';
import type { Logger } from '../logger.js';
import type { MatchingService } from '../matching/matching.service.js';
import { requireStaff, staffErrorPage, wantsHtml } from '../staff/index.js';
import type { AdminContext } from './admin.context.js';
import { ADMIN_CSS, renderAdmin } from './admin.views.js';
import { askRoutes } from './ask.routes.js';
import { createCurationService, type CurationService } from './curation.service.js';
import { createDictionaryService } from './dictionary.service.js';
import { dictionaryRoutes } from './dictionary.routes.js';
import { documentRoutes } from './documents.routes.js';
import { createImportService } from './import.service.js';
import { importRoutes } from './import.routes.js';
import { createUploadStore } from './import.uploads.js';
import { revisionRoutes } from './revisions.routes.js';
import { situationRoutes } from './situations.routes.js';

export interface AdminModuleDeps {
  dataSource: DataSource;
  knowledge: KnowledgeRepository;
  matching: MatchingService;
  config: Pick<Config, 'WITHHOLD_UNREVIEWED' | 'ADMIN_IMPORT_MAX_MB' | 'ADMIN_IMPORT_TTL_MINUTES'>;
  /** Absolute path of the matching dictionary (knowledge-base/dictionary.json). */
  dictionaryPath: string;
  logger: Logger;
  /** Tells the other instances that the dictionary file changed (cluster.dictionaryChanged). */
  announceDictionaryChange?: () => Promise<void>;
  /** The current time (tests move it). */
  now?: () => Date;
}

export interface AdminModule {
  router: Router;
  /** The knowledge-base changes admins make, for other modules and tests. */
  curation: CurationService;
}

/**
 * The admins' curation console under /admin: situations, review queue, revisions, legal
 * documents, the matching dictionary, "ask as a citizen", import and export. Every route
 * requires an admin session; every form posts the session's CSRF token.
 */
export function createAdminModule(deps: AdminModuleDeps): AdminModule {
  const now = deps.now ?? (() => new Date());
  const curation = createCurationService({ dataSource: deps.dataSource, matching: deps.matching, invalidate: (codes) => deps.knowledge.invalidate(codes), logger: deps.logger, now });
  const ctx: AdminContext = { ...deps, curation, now };
  const imports = createImportService({ dataSource: deps.dataSource, matching: deps.matching, logger: deps.logger });
  const uploads = createUploadStore(deps.dataSource, { ttlMinutes: deps.config.ADMIN_IMPORT_TTL_MINUTES, now });
  const dictionary = createDictionaryService({ path: deps.dictionaryPath, dataSource: deps.dataSource, matching: deps.matching, announce: deps.announceDictionaryChange, logger: deps.logger });

  const router = Router();
  router.get('/admin/admin.css', (_req, res) => {
    res.type('text/css').setHeader('Cache-Control', 'public, max-age=300');
    res.end(ADMIN_CSS);
  });
  router.get('/admin', requireStaff('admin'), (_req, res) => res.redirect(303, '/admin/situations'));
  router.use(situationRoutes(ctx));
  router.use(revisionRoutes(ctx));
  router.use(documentRoutes(ctx));
  router.use(importRoutes(ctx, { imports, uploads }));
  router.use(dictionaryRoutes(ctx, dictionary));
  router.use(askRoutes(ctx));
  router.use(adminErrorPage);
  return { router, curation };
}

/**
 * Errors on admin routes: an admin in a browser gets the message inside the console; anyone
 * else a plain staff error page; programs the usual JSON.
 */
const adminErrorPage: ErrorRequestHandler = (error, req, res, next) => {
  if (!(error instanceof AppError) || res.headersSent || !wantsHtml(req)) return next(error);
  if (req.staff?.role !== 'admin' || req.staff.mustChangePassword) return staffErrorPage(error, req, res, next);
  renderAdmin(req, res, 'error', { heading: 'Không thực hiện được', message: error.message }, { title: 'Không thực hiện được', section: 'situations', status: error.status });
};
