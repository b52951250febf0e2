import type { DataSource, EntityManager } from 'typeorm';
import type { SituationRecord } from './kb.format.js';
import type { ParsedFile, RowError } from './kb.parse.js';
import {
  documentIdsByKey,
  findActiveSituationsExcept,
  findSituationsByCodes,
  insertFields,
  insertRevisions,
  insertSituations,
  listKnownFields,
  replaceCitations,
  setSituationStatus,
  updateSituations,
  type CitationWrite,
  type RevisionWrite,
  type SituationSnapshot,
  type SituationWrite,
  type StoredSituation,
  sameSnapshot,
  toSituationWrite,
} from './kb.repository.js';
import { validateRows } from './kb.validate.js';
import { documentKey } from './text.js';

export interface ImportOptions {
  /** Validate and count, then roll everything back. */
  dryRun?: boolean;
  /** Archive every situation that the file does not contain. */
  replace?: boolean;
  /** Create fields the file names that do not exist yet (otherwise they are errors). */
  createFields?: boolean;
  /** Who is importing, recorded on every revision ("cli", "seed", a staff email). */
  actor: string;
  /** Where the data came from (file name), recorded on every revision. */
  source: string;
}

export interface ImportReport {
  /** False when any row was invalid; then nothing was written. */
  ok: boolean;
  dryRun: boolean;
  errors: RowError[];
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  archived: number;
  fieldsCreated: string[];
  /** Citations whose document is not in the registry (kept as written, not linked). */
  unlinkedCitations: number;
  /** Codes of the situations created, updated or archived (to refresh the matcher). */
  changedCodes: string[];
}

class DryRunRollback extends Error {}

/**
 * Imports parsed rows all-or-nothing in one transaction: new codes are created, changed ones
 * updated, identical ones counted and left alone, and (with replace) the rest archived; every
 * change writes a revision. Any invalid row means nothing is written.
 */
export async function importSituations(dataSource: DataSource, parsed: ParsedFile, options: ImportOptions): Promise<ImportReport> {
  const report = emptyReport(parsed, Boolean(options.dryRun));

  try {
    await dataSource.transaction((manager) => importInTransaction(manager, parsed, options, report));
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error;
  }
  report.ok = report.errors.length === 0;
  if (!report.ok) {
    Object.assign(report, { created: 0, updated: 0, unchanged: 0, archived: 0, fieldsCreated: [], changedCodes: [] });
  }
  return report;
}

/**
 * The import inside a caller's transaction. Throws DryRunRollback (caught by importSituations)
 * to undo everything when a row is invalid or for a dry run; callers with their own transaction
 * use {@link importSituationsInTransaction}.
 */
async function importInTransaction(manager: EntityManager, parsed: ParsedFile, options: ImportOptions, report: ImportReport): Promise<void> {
  const fields = await listKnownFields(manager);
  const validation = validateRows(parsed.rows, fields, { createFields: Boolean(options.createFields) });
  if (parsed.errors.length > 0 || validation.errors.length > 0) {
    // Report unreadable lines and invalid rows together, in file order.
    report.errors = [...parsed.errors, ...validation.errors].sort(
      (a, b) => (a.file ?? '').localeCompare(b.file ?? '') || a.line - b.line,
    );
    throw new DryRunRollback();
  }
  const created = await insertFields(manager, validation.newFields);
  report.fieldsCreated = created.map((f) => f.slug);
  const fieldIdBySlug = new Map([...fields, ...created].map((f) => [f.slug, f.id]));
  const slugById = new Map([...fields, ...created].map((f) => [f.id, f.slug]));
  const records = validation.rows.map((row) => ({
    record: row.record,
    fieldId: row.fieldId ?? (fieldIdBySlug.get(row.newFieldSlug!) as number),
  }));
  await applyRecords(manager, records, slugById, options, report);
  if (options.dryRun) throw new DryRunRollback();
}

/**
 * Imports within a transaction the caller owns (seeding). Invalid rows throw an
 * {@link ImportFailedError} so that the caller's transaction rolls back.
 */
export async function importSituationsInTransaction(manager: EntityManager, parsed: ParsedFile, options: Omit<ImportOptions, 'dryRun'>): Promise<ImportReport> {
  const report = emptyReport(parsed, false);
  try {
    await importInTransaction(manager, parsed, options, report);
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error;
  }
  if (report.errors.length > 0) throw new ImportFailedError(report.errors);
  report.ok = true;
  return report;
}

/** Thrown when rows are invalid inside a caller's transaction. */
export class ImportFailedError extends Error {
  constructor(public readonly errors: RowError[]) {
    super(`Import failed: ${errors.length} invalid row(s); first: ${formatRowError(errors[0] as RowError)}`);
    this.name = 'ImportFailedError';
  }
}

/** "tệp.jsonl, dòng 12, trường question: thiếu giá trị bắt buộc" */
export function formatRowError(error: RowError): string {
  const where = [error.file, error.line > 0 ? `dòng ${error.line}` : '', error.field ? `trường ${error.field}` : '']
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ${error.message}` : error.message;
}

function emptyReport(parsed: ParsedFile, dryRun: boolean): ImportReport {
  return {
    ok: false,
    dryRun,
    errors: [...parsed.errors],
    total: parsed.rows.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    archived: 0,
    fieldsCreated: [],
    unlinkedCitations: 0,
    changedCodes: [],
  };
}

async function applyRecords(
  manager: EntityManager,
  records: { record: SituationRecord; fieldId: number }[],
  slugById: Map<number, string>,
  options: ImportOptions,
  report: ImportReport,
): Promise<void> {
  const existing = await findSituationsByCodes(manager, records.map((r) => r.record.code));
  const documents = await documentIdsByKey(manager);
  const toInsert: SituationWrite[] = [];
  const toUpdate: { write: SituationWrite; before: StoredSituation; after: SituationSnapshot }[] = [];
  const afterByCode = new Map<string, SituationSnapshot>();

  for (const { record, fieldId } of records) {
    const before = existing.get(record.code);
    const reviewedAt = record.reviewed_at !== undefined ? record.reviewed_at : (before?.reviewed_at ?? null);
    const after: SituationSnapshot = {
      code: record.code,
      field: slugById.get(fieldId) as string,
      question: record.question,
      alternates: record.alternates,
      answer: record.answer,
      legal_basis: record.legal_basis,
      tags: record.tags,
      status: record.status,
      reviewed_at: reviewedAt,
    };
    const write = toSituationWrite(record, fieldId, reviewedAt);
    if (!before) {
      toInsert.push(write);
      afterByCode.set(record.code, after);
    } else if (sameSnapshot(snapshotOf(before), after)) {
      report.unchanged++;
    } else {
      toUpdate.push({ write, before, after });
      afterByCode.set(record.code, after);
    }
  }

  const insertedIds = await insertSituations(manager, toInsert);
  await updateSituations(manager, toUpdate.map((u) => u.write));

  const citations: CitationWrite[] = [];
  const touchedIds: string[] = [];
  for (const [code, after] of afterByCode) {
    const id = insertedIds.get(code) ?? (existing.get(code) as StoredSituation).id;
    touchedIds.push(id);
    after.legal_basis.forEach((c, position) => {
      const documentId = (c.document && documents.get(documentKey(c.document))) || null;
      if (!documentId) report.unlinkedCitations++;
      citations.push({
        situationId: id,
        position,
        documentId,
        documentRef: c.document ?? '',
        title: c.title ?? '',
        article: c.article ?? '',
        clause: c.clause ?? '',
      });
    });
  }
  await replaceCitations(manager, touchedIds, citations);

  const revisions: RevisionWrite[] = [];
  const meta = { actor: options.actor, source: options.source };
  for (const write of toInsert) {
    const after = afterByCode.get(write.code) as SituationSnapshot;
    revisions.push({ ...meta, situationId: insertedIds.get(write.code) as string, version: 1, action: 'create', before: null, after });
  }
  for (const { before, after } of toUpdate) {
    revisions.push({ ...meta, situationId: before.id, version: before.version + 1, action: 'update', before: snapshotOf(before), after });
  }

  if (options.replace) {
    const stale = await findActiveSituationsExcept(manager, records.map((r) => r.record.code));
    await setSituationStatus(manager, stale.map((s) => s.id), 'archived');
    for (const s of stale) {
      revisions.push({ ...meta, situationId: s.id, version: s.version + 1, action: 'archive', before: snapshotOf(s), after: { ...snapshotOf(s), status: 'archived' } });
    }
    report.archived = stale.length;
    report.changedCodes.push(...stale.map((s) => s.code));
  }
  await insertRevisions(manager, revisions);

  report.created = toInsert.length;
  report.updated = toUpdate.length;
  report.changedCodes.push(...afterByCode.keys());
}

function snapshotOf(stored: StoredSituation): SituationSnapshot {
  const { id: _id, version: _version, ...snapshot } = stored;
  return snapshot;
}

