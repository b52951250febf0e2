import type { EntityManager } from 'typeorm';
import { AppError, conflict, notFound } from '../errors.js';
import type { CitationRecord, SituationRecord, SituationStatus } from './kb.format.js';
import {
  documentIdsByKey,
  findSituationsByCodes,
  insertRevisions,
  insertSituations,
  listKnownFields,
  replaceCitations,
  type RevisionWrite,
  type SituationSnapshot,
  type StoredSituation,
  sameSnapshot,
  toSituationWrite,
} from './kb.repository.js';
import { validateRows } from './kb.validate.js';
import { documentKey } from './text.js';

/**
 * One situation at a time, as admins curate them: create, edit, change status, mark reviewed,
 * restore a revision. Every change bumps the version and writes a situation_revisions row with
 * before and after, like the importer does. All functions run in the caller's transaction.
 */

/** Who changes and from where, recorded on the revision. */
export interface ChangeMeta {
  /** A staff email ("cli", "seed" for the other writers). */
  actor: string;
  /** Where the change came from: "admin", "admin: Đã rà soát", "revision 3". */
  source: string;
}

/** A stored situation with what only admins see. */
export interface CuratedSituation extends StoredSituation {
  needsReview: boolean;
  updatedAt: string;
}

/** What a change did: the snapshots around it, and the codes the matcher must re-read. */
export interface SituationChange {
  changed: boolean;
  code: string;
  version: number;
  before: SituationSnapshot | null;
  after: SituationSnapshot;
  /** Codes to refresh in the matcher (the old one too when the code was renamed). */
  codes: string[];
  /** True when the review flag was cleared by this change. */
  reviewCleared: boolean;
}

export const curationErrors = {
  notFound: () => notFound('Không tìm thấy tình huống này.', 'situation_not_found'),
  versionConflict: (version: number) =>
    conflict(`Tình huống đã được người khác sửa (nay là phiên bản ${version}). Vui lòng mở lại để xem thay đổi rồi sửa tiếp.`, 'version_conflict'),
  codeTaken: (code: string) => conflict(`Mã "${code}" đã được dùng cho một tình huống khác.`, 'code_taken'),
  invalid: (errors: { field: string; message: string }[]) =>
    new AppError('invalid_situation', 400, 'Tình huống chưa hợp lệ: ' + errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; '), { errors }),
  revisionNotFound: () => notFound('Không tìm thấy phiên bản này của tình huống.', 'revision_not_found'),
};

/** Validates an interchange-format record the way the importer does (trim, NFC, known field). */
export async function validateSituationInput(manager: EntityManager, values: Record<string, unknown>): Promise<{ record: SituationRecord; fieldId: number }> {
  const fields = await listKnownFields(manager);
  const result = validateRows([{ line: 1, values }], fields, { createFields: false });
  if (result.errors.length > 0 || !result.rows[0]) throw curationErrors.invalid(result.errors);
  const row = result.rows[0];
  return { record: row.record, fieldId: row.fieldId as number };
}

/** A situation by code (exact, or case-insensitive when no exact match), with its review flag. */
export async function findCuratedSituation(manager: EntityManager, code: string, options: { lock?: boolean } = {}): Promise<CuratedSituation | null> {
  const rows: { code: string; needs_review: boolean; updated_at: Date }[] = await manager.query(
    `SELECT code, needs_review, updated_at FROM situations
      WHERE code = $1 OR (lower(code) = lower($1) AND NOT EXISTS (SELECT 1 FROM situations WHERE code = $1))
      ORDER BY code = $1 DESC LIMIT 1 ${options.lock ? 'FOR UPDATE' : ''}`,
    [code],
  );
  const row = rows[0];
  if (!row) return null;
  const stored = (await findSituationsByCodes(manager, [row.code])).get(row.code);
  if (!stored) return null;
  return { ...stored, needsReview: row.needs_review, updatedAt: new Date(row.updated_at).toISOString() };
}

/** Creates one situation (version 1, a "create" revision). */
export async function createSituation(manager: EntityManager, input: { record: SituationRecord; fieldId: number }, meta: ChangeMeta): Promise<SituationChange> {
  const { record, fieldId } = input;
  const [taken] = await manager.query('SELECT code FROM situations WHERE lower(code) = lower($1)', [record.code]);
  if (taken) throw curationErrors.codeTaken(taken.code);
  const after = snapshotOf(record, await fieldSlug(manager, fieldId));
  const ids = await insertSituations(manager, [toSituationWrite(record, fieldId, record.reviewed_at ?? null)]);
  const id = ids.get(record.code) as string;
  await writeCitations(manager, id, record.legal_basis);
  await insertRevisions(manager, [{ ...meta, situationId: id, version: 1, action: 'create', before: null, after }]);
  return { changed: true, code: record.code, version: 1, before: null, after, codes: [record.code], reviewCleared: false };
}

/**
 * Replaces a situation's content. `expectedVersion` guards against overwriting someone else's
 * edit. The review flag is cleared when `markReviewed` is set or the reviewed date moves later.
 * The code may be renamed (to one not taken).
 */
export async function updateSituation(
  manager: EntityManager,
  code: string,
  input: { record: SituationRecord; fieldId: number; expectedVersion?: number; markReviewed?: boolean; action?: RevisionWrite['action'] },
  meta: ChangeMeta,
): Promise<SituationChange> {
  const current = await findCuratedSituation(manager, code, { lock: true });
  if (!current) throw curationErrors.notFound();
  if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw curationErrors.versionConflict(current.version);
  const { record, fieldId } = input;
  if (record.code !== current.code) {
    const [taken] = await manager.query('SELECT code FROM situations WHERE lower(code) = lower($1) AND id <> $2', [record.code, current.id]);
    if (taken) throw curationErrors.codeTaken(taken.code);
  }
  const before = stripStored(current);
  const reviewedAt = record.reviewed_at !== undefined ? record.reviewed_at : current.reviewed_at;
  const after = snapshotOf({ ...record, reviewed_at: reviewedAt }, await fieldSlug(manager, fieldId));
  const movedLater = Boolean(after.reviewed_at && (!before.reviewed_at || after.reviewed_at > before.reviewed_at));
  const clearReview = current.needsReview && (Boolean(input.markReviewed) || movedLater);
  const codes = [...new Set([current.code, after.code])];

  if (sameSnapshot(before, after)) {
    if (clearReview) await manager.query('UPDATE situations SET needs_review = false, updated_at = now() WHERE id = $1', [current.id]);
    return { changed: false, code: current.code, version: current.version, before, after: before, codes, reviewCleared: clearReview };
  }
  const version = current.version + 1;
  await manager.query(
    `UPDATE situations
        SET code = $2, field_id = $3, question = $4, alternates = ARRAY(SELECT jsonb_array_elements_text($5::jsonb)),
            answer = $6, tags = ARRAY(SELECT jsonb_array_elements_text($7::jsonb)),
            status = $8, reviewed_at = $9, version = $10, updated_at = now(),
            needs_review = needs_review AND NOT $11::boolean
      WHERE id = $1`,
    [current.id, after.code, fieldId, after.question, JSON.stringify(after.alternates), after.answer, JSON.stringify(after.tags), after.status, after.reviewed_at, version, clearReview],
  );
  await writeCitations(manager, current.id, after.legal_basis);
  await insertRevisions(manager, [{ ...meta, situationId: current.id, version, action: input.action ?? 'update', before, after }]);
  return { changed: true, code: after.code, version, before, after, codes, reviewCleared: clearReview };
}

/** Moves a situation to another status (an "archive" or "status" revision). */
export async function changeSituationStatus(manager: EntityManager, code: string, status: SituationStatus, meta: ChangeMeta & { expectedVersion?: number }): Promise<SituationChange> {
  const current = await findCuratedSituation(manager, code, { lock: true });
  if (!current) throw curationErrors.notFound();
  if (meta.expectedVersion !== undefined && meta.expectedVersion !== current.version) throw curationErrors.versionConflict(current.version);
  const before = stripStored(current);
  if (current.status === status) return { changed: false, code: current.code, version: current.version, before, after: before, codes: [current.code], reviewCleared: false };
  const after: SituationSnapshot = { ...before, status };
  const version = current.version + 1;
  await manager.query('UPDATE situations SET status = $2, version = $3, updated_at = now() WHERE id = $1', [current.id, status, version]);
  await insertRevisions(manager, [
    { actor: meta.actor, source: meta.source, situationId: current.id, version, action: status === 'archived' ? 'archive' : 'status', before, after },
  ]);
  return { changed: true, code: current.code, version, before, after, codes: [current.code], reviewCleared: false };
}

/** "Đã rà soát": the reviewed date becomes `today` and the review flag is cleared. */
export async function markSituationReviewed(manager: EntityManager, code: string, today: string, meta: ChangeMeta): Promise<SituationChange> {
  const current = await findCuratedSituation(manager, code, { lock: true });
  if (!current) throw curationErrors.notFound();
  const fieldId = await fieldIdOf(manager, current.field);
  return updateSituation(manager, current.code, { record: { ...stripStored(current), reviewed_at: today }, fieldId, markReviewed: true }, meta);
}

/** One revision row. */
export interface RevisionView {
  version: number;
  action: RevisionWrite['action'];
  actor: string;
  source: string;
  before: SituationSnapshot | null;
  after: SituationSnapshot;
  createdAt: string;
}

/** Every revision of a situation, newest first. */
export async function listRevisions(manager: EntityManager, situationId: string): Promise<RevisionView[]> {
  const rows: (Omit<RevisionView, 'createdAt'> & { createdAt: Date })[] = await manager.query(
    `SELECT version, action, actor, source, before, after, created_at AS "createdAt"
       FROM situation_revisions WHERE situation_id = $1 ORDER BY version DESC`,
    [situationId],
  );
  return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() }));
}

/** Makes the situation as it was at `version` (its code aside), as a new "restore" revision. */
export async function restoreRevision(manager: EntityManager, code: string, version: number, meta: ChangeMeta & { expectedVersion?: number }): Promise<SituationChange> {
  const current = await findCuratedSituation(manager, code, { lock: true });
  if (!current) throw curationErrors.notFound();
  const [row] = await manager.query('SELECT after FROM situation_revisions WHERE situation_id = $1 AND version = $2', [current.id, version]);
  if (!row) throw curationErrors.revisionNotFound();
  const old = row.after as SituationSnapshot;
  const { record, fieldId } = await validateSituationInput(manager, { ...old, code: current.code });
  return updateSituation(
    manager,
    current.code,
    { record: { ...record, reviewed_at: old.reviewed_at ?? null }, fieldId, expectedVersion: meta.expectedVersion, action: 'restore' },
    { actor: meta.actor, source: meta.source || `phiên bản ${version}` },
  );
}

async function writeCitations(manager: EntityManager, situationId: string, citations: CitationRecord[]): Promise<void> {
  const documents = await documentIdsByKey(manager);
  await replaceCitations(
    manager,
    [situationId],
    citations.map((c, position) => ({
      situationId,
      position,
      documentId: (c.document && documents.get(documentKey(c.document))) || null,
      documentRef: c.document ?? '',
      title: c.title ?? '',
      article: c.article ?? '',
      clause: c.clause ?? '',
    })),
  );
}

async function fieldSlug(manager: EntityManager, fieldId: number): Promise<string> {
  const [row] = await manager.query('SELECT slug FROM legal_fields WHERE id = $1', [fieldId]);
  return row.slug;
}

async function fieldIdOf(manager: EntityManager, slug: string): Promise<number> {
  const [row] = await manager.query('SELECT id FROM legal_fields WHERE slug = $1', [slug]);
  return row.id;
}

function snapshotOf(record: SituationRecord, field: string): SituationSnapshot {
  return {
    code: record.code,
    field,
    question: record.question,
    alternates: record.alternates,
    answer: record.answer,
    legal_basis: record.legal_basis,
    tags: record.tags,
    status: record.status,
    reviewed_at: record.reviewed_at ?? null,
  };
}

function stripStored(stored: StoredSituation | CuratedSituation): SituationSnapshot {
  return {
    code: stored.code,
    field: stored.field,
    question: stored.question,
    alternates: stored.alternates,
    answer: stored.answer,
    legal_basis: stored.legal_basis,
    tags: stored.tags,
    status: stored.status,
    reviewed_at: stored.reviewed_at ?? null,
  };
}

