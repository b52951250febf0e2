import type { DataSource } from 'typeorm';
import { recordAudit } from '../audit/index.js';
import {
  ImportFailedError,
  importSituations,
  importSituationsInTransaction,
  loadSnapshots,
  parseKbFile,
  serialiseSnapshots,
  type ImportReport,
  type KbFileFormat,
} from '../knowledge/index.js';
import type { Logger } from '../logger.js';
import type { MatchingService } from '../matching/matching.service.js';
import type { Actor } from './curation.service.js';
import type { ImportUpload } from './import.uploads.js';

export interface ImportServiceDeps {
  dataSource: DataSource;
  matching: Pick<MatchingService, 'refresh'>;
  logger: Logger;
}

/**
 * Bulk import and export from the console, through the knowledge base's own importer: a dry run
 * reports exact counts and every bad row; the commit is one transaction with its audit entry,
 * after which the matcher re-reads every changed code.
 */
export function createImportService({ dataSource, matching, logger }: ImportServiceDeps) {
  const source = (upload: ImportUpload) => `admin: ${upload.fileName}`.slice(0, 500);

  return {
    /** Validates and counts, then rolls back: nothing is written. */
    async dryRun(upload: ImportUpload, actor: Actor): Promise<ImportReport> {
      const parsed = await parseKbFile(upload.bytes, upload.format);
      return importSituations(dataSource, parsed, { ...upload.options, dryRun: true, actor: actor.email, source: source(upload) });
    },

    /** All or nothing; an invalid row (the base may have changed since the dry run) writes nothing. */
    async commit(upload: ImportUpload, actor: Actor): Promise<ImportReport> {
      const parsed = await parseKbFile(upload.bytes, upload.format);
      let report: ImportReport;
      try {
        report = await dataSource.transaction(async (manager) => {
          const result = await importSituationsInTransaction(manager, parsed, { ...upload.options, actor: actor.email, source: source(upload) });
          await recordAudit(manager, {
            actorId: actor.id,
            actorEmail: actor.email,
            action: 'kb.import',
            entityType: 'knowledge_base',
            entityId: upload.fileName.slice(0, 200),
            after: {
              file: upload.fileName,
              options: upload.options,
              total: result.total,
              created: result.created,
              updated: result.updated,
              unchanged: result.unchanged,
              archived: result.archived,
              fields_created: result.fieldsCreated,
              changed_codes: result.changedCodes,
            },
          });
          return result;
        });
      } catch (error) {
        if (!(error instanceof ImportFailedError)) throw error;
        return { ok: false, dryRun: false, errors: error.errors, total: parsed.rows.length, created: 0, updated: 0, unchanged: 0, archived: 0, fieldsCreated: [], unlinkedCitations: 0, changedCodes: [] };
      }
      try {
        await matching.refresh(report.changedCodes);
      } catch (err) {
        logger.error({ err, codes: report.changedCodes.length }, 'matcher refresh failed after an import');
      }
      return report;
    },

    /** The whole base or a filtered part in the interchange format, and an audit entry. */
    async export(actor: Actor, filter: { field?: string; status?: string }, format: KbFileFormat): Promise<{ bytes: Buffer; count: number }> {
      const snapshots = await loadSnapshots(dataSource.manager, { field: filter.field, statuses: filter.status ? [filter.status] : undefined });
      const bytes = await serialiseSnapshots(snapshots, format);
      await recordAudit(dataSource, {
        actorId: actor.id,
        actorEmail: actor.email,
        action: 'kb.export',
        entityType: 'knowledge_base',
        entityId: format,
        after: { format, field: filter.field ?? null, status: filter.status ?? null, count: snapshots.length },
      });
      return { bytes, count: snapshots.length };
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;
