import express, { type Request } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { KnowledgeRepository } from '../knowledge/index.js';
import type { Logger } from '../logger.js';
import type { MatchingService } from '../matching/matching.service.js';
import { wantsHtml } from '../staff/index.js';
import type { CurationService } from './curation.service.js';

/** What every admin route module needs. */
export interface AdminContext {
  dataSource: DataSource;
  knowledge: KnowledgeRepository;
  matching: MatchingService;
  curation: CurationService;
  config: Pick<Config, 'WITHHOLD_UNREVIEWED' | 'ADMIN_IMPORT_MAX_MB' | 'ADMIN_IMPORT_TTL_MINUTES'>;
  /** Absolute path of the matching dictionary file. */
  dictionaryPath: string;
  logger: Logger;
  /** The current time (tests move it). */
  now: () => Date;
}

/**
 * Admin forms carry long answers and many citation rows: larger than the 8 KB staff forms.
 * Repeated fields (citation rows) arrive as arrays.
 */
export const parseAdminForm = express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 1000 });

/** The raw dictionary editor posts the whole file. */
export const parseLargeAdminForm = express.urlencoded({ extended: false, limit: '4mb', parameterLimit: 20 });

/** The signed-in admin (routes run after requireStaff('admin')). */
export const actorOf = (req: Request) => ({ id: req.staff!.id, email: req.staff!.email });

/** The parsed form body, or an empty object. */
export const bodyOf = (req: Request): Record<string, unknown> => (req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {});

/** Whether a failed change should re-render its form (a person in a browser) or answer JSON. */
export function showsFormError(req: Request, error: unknown): error is AppError {
  return error instanceof AppError && error.status < 500 && wantsHtml(req);
}

/** Row-level problems carried by an AppError (validation), for the form's error box. */
export function errorsOf(error: AppError): { field: string; message: string }[] {
  const details = error.details as { errors?: { field: string; message: string }[] } | undefined;
  return details?.errors?.length ? details.errors : [{ field: '', message: error.message }];
}
