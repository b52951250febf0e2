import type { EntityManager } from 'typeorm';
import type { SituationRecord, SituationStatus } from './kb.format.js';
import type { KnownField } from './kb.validate.js';
import { documentKey as documentKeyOf } from './text.js';

/**
 * SQL for the knowledge base. Bulk writes pass one JSON array per statement and unpack it with
 * jsonb_to_recordset: one round trip per chunk, the same SQL on PostgreSQL and PGlite.
 */

/** A situation as stored, in the interchange shape (field as slug): what revisions record. */
export type SituationSnapshot = Omit<SituationRecord, 'reviewed_at'> & { reviewed_at: string | null };

/** Whether two snapshots hold the same content (key order and absent/undefined aside). */
export function sameSnapshot(a: SituationSnapshot, b: SituationSnapshot): boolean {
  return canonicalSnapshot(a) === canonicalSnapshot(b);
}

function canonicalSnapshot(s: SituationSnapshot): string {
  return JSON.stringify([
    s.code,
    s.field,
    s.question,
    s.alternates,
    s.answer,
    s.legal_basis.map((c) => [c.document ?? null, c.title ?? null, c.article ?? null, c.clause ?? null]),
    s.tags,
    s.status,
    s.reviewed_at ?? null,
  ]);
}

export interface StoredSituation extends SituationSnapshot {
  id: string;
  version: number;
}

/** The row to write for a validated record (its field resolved to an id). */
export function toSituationWrite(record: SituationRecord, fieldId: number, reviewedAt: string | null): SituationWrite {
  return {
    code: record.code,
    fieldId,
    question: record.question,
    alternates: record.alternates,
    answer: record.answer,
    tags: record.tags,
    status: record.status,
    reviewedAt,
  };
}

/** Row to insert or update. */
export interface SituationWrite {
  code: string;
  fieldId: number;
  question: string;
  alternates: string[];
  answer: string;
  tags: string[];
  status: SituationStatus;
  reviewedAt: string | null;
}

export interface CitationWrite {
  situationId: string;
  position: number;
  documentId: string | null;
  documentRef: string;
  title: string;
  article: string;
  clause: string;
}

export interface RevisionWrite {
  situationId: string;
  version: number;
  action: 'create' | 'update' | 'archive' | 'restore' | 'status';
  actor: string;
  source: string;
  before: SituationSnapshot | null;
  after: SituationSnapshot;
}

const CHUNK = 500;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const json = (value: unknown) => JSON.stringify(value);

export async function listKnownFields(manager: EntityManager): Promise<KnownField[]> {
  return manager.query('SELECT id, slug, name FROM legal_fields ORDER BY display_order, name');
}

/** Creates fields after the last display order; returns them with their ids. */
export async function insertFields(manager: EntityManager, fields: { slug: string; name: string; description?: string; order?: number }[]): Promise<KnownField[]> {
  if (fields.length === 0) return [];
  return manager.query(
    `INSERT INTO legal_fields (slug, name, description, display_order)
     SELECT r->>'slug', r->>'name', coalesce(r->>'description', ''),
            coalesce((r->>'display_order')::int, (SELECT coalesce(max(display_order), 0) FROM legal_fields) + ord::int)
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(r, ord)
     RETURNING id, slug, name`,
    [json(fields.map((f) => ({ slug: f.slug, name: f.name, description: f.description ?? null, display_order: f.order ?? null })))],
  );
}

const SNAPSHOT_SELECT = `
  SELECT s.id, s.code, s.version, f.slug AS field, s.question, s.alternates, s.answer, s.tags, s.status,
         s.reviewed_at,
         coalesce((SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                      'document', nullif(c.document_ref, ''), 'title', nullif(c.title, ''),
                      'article', nullif(c.article, ''), 'clause', nullif(c.clause, '')))
                    ORDER BY c.position)
                   FROM situation_citations c WHERE c.situation_id = s.id), '[]'::jsonb) AS legal_basis
    FROM situations s JOIN legal_fields f ON f.id = s.field_id`;

/** Loads the stored situations among the given codes. */
export async function findSituationsByCodes(manager: EntityManager, codes: string[]): Promise<Map<string, StoredSituation>> {
  const found = new Map<string, StoredSituation>();
  for (const part of chunks(codes, 2000)) {
    const rows: StoredSituation[] = await manager.query(
      `${SNAPSHOT_SELECT} WHERE s.code IN (SELECT jsonb_array_elements_text($1::jsonb))`,
      [json(part)],
    );
    for (const row of rows) found.set(row.code, row);
  }
  return found;
}

/** Every situation not yet archived whose code is not in the list (for --replace). */
export async function findActiveSituationsExcept(manager: EntityManager, codes: string[]): Promise<StoredSituation[]> {
  return manager.query(
    `${SNAPSHOT_SELECT} WHERE s.status <> 'archived' AND s.code NOT IN (SELECT jsonb_array_elements_text($1::jsonb))`,
    [json(codes)],
  );
}

/** Inserts situations; returns their ids by code. */
export async function insertSituations(manager: EntityManager, rows: SituationWrite[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const part of chunks(rows)) {
    const inserted: { id: string; code: string }[] = await manager.query(
      `INSERT INTO situations (code, field_id, question, alternates, answer, tags, status, reviewed_at)
       SELECT r.code, r.field_id, r.question,
              ARRAY(SELECT jsonb_array_elements_text(r.alternates)), r.answer,
              ARRAY(SELECT jsonb_array_elements_text(r.tags)), r.status, r.reviewed_at
         FROM jsonb_to_recordset($1::jsonb) AS r(code text, field_id int, question text, alternates jsonb,
                                                answer text, tags jsonb, status text, reviewed_at date)
       RETURNING id, code`,
      [json(part.map(toRecordsetRow))],
    );
    for (const row of inserted) ids.set(row.code, row.id);
  }
  return ids;
}

/** Updates situations by code and bumps their version. */
export async function updateSituations(manager: EntityManager, rows: SituationWrite[]): Promise<void> {
  for (const part of chunks(rows)) {
    await manager.query(
      `UPDATE situations s
          SET field_id = r.field_id, question = r.question,
              alternates = ARRAY(SELECT jsonb_array_elements_text(r.alternates)), answer = r.answer,
              tags = ARRAY(SELECT jsonb_array_elements_text(r.tags)), status = r.status,
              reviewed_at = r.reviewed_at, version = s.version + 1, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS r(code text, field_id int, question text, alternates jsonb,
                                                answer text, tags jsonb, status text, reviewed_at date)
        WHERE s.code = r.code`,
      [json(part.map(toRecordsetRow))],
    );
  }
}

/** Sets the status of the given situations and bumps their version. */
export async function setSituationStatus(manager: EntityManager, ids: string[], status: SituationStatus): Promise<void> {
  for (const part of chunks(ids, 2000)) {
    await manager.query(
      `UPDATE situations SET status = $2, version = version + 1, updated_at = now()
        WHERE id IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid)`,
      [json(part), status],
    );
  }
}

/** Replaces the citations of the given situations with the ones listed. */
export async function replaceCitations(manager: EntityManager, situationIds: string[], citations: CitationWrite[]): Promise<void> {
  for (const part of chunks(situationIds, 2000)) {
    await manager.query(
      'DELETE FROM situation_citations WHERE situation_id IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid)',
      [json(part)],
    );
  }
  for (const part of chunks(citations, 1000)) {
    await manager.query(
      `INSERT INTO situation_citations (situation_id, position, document_id, document_ref, title, article, clause)
       SELECT r.situation_id, r.position, r.document_id, r.document_ref, r.title, r.article, r.clause
         FROM jsonb_to_recordset($1::jsonb) AS r(situation_id uuid, position int, document_id uuid,
                                                document_ref text, title text, article text, clause text)`,
      [
        json(
          part.map((c) => ({
            situation_id: c.situationId,
            position: c.position,
            document_id: c.documentId,
            document_ref: c.documentRef,
            title: c.title,
            article: c.article,
            clause: c.clause,
          })),
        ),
      ],
    );
  }
}

export async function insertRevisions(manager: EntityManager, revisions: RevisionWrite[]): Promise<void> {
  for (const part of chunks(revisions)) {
    await manager.query(
      `INSERT INTO situation_revisions (situation_id, version, action, actor, source, before, after)
       SELECT r.situation_id, r.version, r.action, r.actor, r.source, r.before, r.after
         FROM jsonb_to_recordset($1::jsonb) AS r(situation_id uuid, version int, action text, actor text,
                                                source text, before jsonb, after jsonb)`,
      [
        json(
          part.map((r) => ({
            situation_id: r.situationId,
            version: r.version,
            action: r.action,
            actor: r.actor,
            source: r.source,
            before: r.before,
            after: r.after,
          })),
        ),
      ],
    );
  }
}

/** Registered documents as a map from normalised number to id. */
export async function documentIdsByKey(manager: EntityManager): Promise<Map<string, string>> {
  const rows: { id: string; number: string }[] = await manager.query('SELECT id, number FROM legal_documents');
  return new Map(rows.map((r) => [documentKeyOf(r.number), r.id]));
}

export async function countSituations(manager: EntityManager): Promise<number> {
  const [row] = await manager.query('SELECT count(*) AS n FROM situations');
  return row.n;
}

function toRecordsetRow(row: SituationWrite) {
  return {
    code: row.code,
    field_id: row.fieldId,
    question: row.question,
    alternates: row.alternates,
    answer: row.answer,
    tags: row.tags,
    status: row.status,
    reviewed_at: row.reviewedAt,
  };
}
