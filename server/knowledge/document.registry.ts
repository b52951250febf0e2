import type { DataSource, EntityManager } from 'typeorm';
import { badRequest, conflict, notFound } from '../errors.js';
import { linkUnlinkedCitations, type DocumentRecord } from './documents.js';
import type { CitationRecord } from './kb.format.js';
import type { CitationView } from './knowledge.repository.js';
import { documentKey } from './text.js';

/**
 * The legal-document registry as admins keep it: one document at a time, and the situations
 * that cite it. When a document stops being in force as cited (amended, repealed, a new
 * successor or amendment), every situation citing it is flagged for review.
 */

type Db = DataSource | EntityManager;

/** A registered document in the interchange shape, with its id and use. */
export interface RegistryDocument extends DocumentRecord {
  id: string;
  /** Situations citing it (any status). */
  citedBy: number;
  /** Of those, how many are flagged for review. */
  flagged: number;
  updatedAt: string;
}

export interface DocumentListFilter {
  /** Text in the number or title. */
  q?: string;
  status?: DocumentRecord['status'];
  type?: DocumentRecord['type'];
  limit?: number;
  offset?: number;
}

const DOCUMENT_SELECT = `
  SELECT d.id, d.number, d.title, d.doc_type AS type, d.issuer, d.issued_date, d.effective_date, d.status,
         r.number AS replaced_by, to_jsonb(d.amended_by) AS amended_by, d.updated_at AS "updatedAt",
         (SELECT count(DISTINCT c.situation_id)::int FROM situation_citations c WHERE c.document_id = d.id) AS "citedBy",
         (SELECT count(DISTINCT c.situation_id)::int FROM situation_citations c JOIN situations s ON s.id = c.situation_id
           WHERE c.document_id = d.id AND s.needs_review) AS flagged
    FROM legal_documents d LEFT JOIN legal_documents r ON r.id = d.replaced_by_id`;

const present = (row: RegistryDocument & { updatedAt: Date | string }): RegistryDocument => ({ ...row, updatedAt: new Date(row.updatedAt).toISOString() });

export const registryErrors = {
  notFound: () => notFound('Không tìm thấy văn bản này trong danh mục.', 'document_not_found'),
  numberTaken: (number: string) => conflict(`Số hiệu ${number} đã có trong danh mục.`, 'document_exists'),
  unknownSuccessor: (number: string) =>
    badRequest(`Văn bản thay thế ${number} chưa có trong danh mục: hãy thêm văn bản đó trước.`, { errors: [{ field: 'replaced_by', message: 'chưa có trong danh mục' }] }, 'unknown_successor'),
  selfSuccessor: () => badRequest('Một văn bản không thể thay thế chính nó.', { errors: [{ field: 'replaced_by', message: 'trùng với chính văn bản' }] }, 'invalid_successor'),
};

/** One page of the registry (by number) and the total. */
export async function listDocuments(db: Db, filter: DocumentListFilter = {}): Promise<{ items: RegistryDocument[]; total: number }> {
  const pattern = filter.q ? `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const where = `WHERE ($1::text IS NULL OR d.number ILIKE $1 OR d.title ILIKE $1)
                   AND ($2::text IS NULL OR d.status = $2) AND ($3::text IS NULL OR d.doc_type = $3)`;
  const params = [pattern, filter.status ?? null, filter.type ?? null];
  const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM legal_documents d ${where}`, params);
  const rows = await db.query(`${DOCUMENT_SELECT} ${where} ORDER BY d.status = 'in_force', d.number LIMIT $4 OFFSET $5`, [
    ...params,
    Math.min(filter.limit ?? 50, 500),
    filter.offset ?? 0,
  ]);
  return { items: rows.map(present), total: n };
}

/** Every registered document, number and title only (for the citation picker). */
export async function listDocumentChoices(db: Db): Promise<{ number: string; title: string; status: string }[]> {
  return db.query('SELECT number, title, status FROM legal_documents ORDER BY number');
}

export async function findDocument(db: Db, id: string): Promise<RegistryDocument | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [row] = await db.query(`${DOCUMENT_SELECT} WHERE d.id = $1`, [id]);
  return row ? present(row) : null;
}

/** Situations citing a document, with their review flag. */
export async function listSituationsCiting(db: Db, documentId: string): Promise<{ code: string; question: string; status: string; needsReview: boolean }[]> {
  return db.query(
    `SELECT DISTINCT s.code, s.question, s.status, s.needs_review AS "needsReview"
       FROM situation_citations c JOIN situations s ON s.id = c.situation_id
      WHERE c.document_id = $1 ORDER BY s.code`,
    [documentId],
  );
}

/** What a registry change did. */
export interface DocumentChange {
  id: string;
  before: DocumentRecord | null;
  after: DocumentRecord;
  /** Codes of the situations flagged for review by this change (to refresh the matcher). */
  flaggedCodes: string[];
}

/**
 * Creates (id null) or updates a document, links citations that named its number, and flags
 * the situations citing it when it stopped being in force as they cite it.
 */
export async function saveDocument(manager: EntityManager, id: string | null, record: DocumentRecord): Promise<DocumentChange> {
  const beforeRow = id ? await manager.query('SELECT id FROM legal_documents WHERE id = $1 FOR UPDATE', [id]) : [];
  if (id && beforeRow.length === 0) throw registryErrors.notFound();
  const before = id ? toRecord((await findDocument(manager, id)) as RegistryDocument) : null;

  const all: { id: string; number: string }[] = await manager.query('SELECT id, number FROM legal_documents');
  const key = documentKey(record.number);
  const clash = all.find((d) => documentKey(d.number) === key && d.id !== id);
  if (clash) throw registryErrors.numberTaken(clash.number);
  let replacedById: string | null = null;
  if (record.replaced_by) {
    const successor = all.find((d) => documentKey(d.number) === documentKey(record.replaced_by as string));
    if (!successor) throw registryErrors.unknownSuccessor(record.replaced_by);
    if (successor.id === id || documentKey(successor.number) === key) throw registryErrors.selfSuccessor();
    replacedById = successor.id;
    record = { ...record, replaced_by: successor.number };
  }
  const values = [
    record.number,
    record.title,
    record.type,
    record.issuer,
    record.issued_date ?? null,
    record.effective_date ?? null,
    record.status,
    replacedById,
    JSON.stringify(record.amended_by),
  ];
  let savedId: string;
  if (id) {
    await manager.query(
      `UPDATE legal_documents SET number = $2, title = $3, doc_type = $4, issuer = $5, issued_date = $6, effective_date = $7,
              status = $8, replaced_by_id = $9, amended_by = ARRAY(SELECT jsonb_array_elements_text($10::jsonb)), updated_at = now()
        WHERE id = $1`,
      [id, ...values],
    );
    savedId = id;
  } else {
    const [row] = await manager.query(
      `INSERT INTO legal_documents (number, title, doc_type, issuer, issued_date, effective_date, status, replaced_by_id, amended_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ARRAY(SELECT jsonb_array_elements_text($9::jsonb))) RETURNING id`,
      values,
    );
    savedId = row.id;
    await linkUnlinkedCitations(manager);
  }
  const after = toRecord((await findDocument(manager, savedId)) as RegistryDocument);
  const flaggedCodes = stoppedBeingCurrent(before, after) ? await flagSituationsCiting(manager, savedId) : [];
  return { id: savedId, before, after, flaggedCodes };
}

/**
 * True when situations citing the document must be checked again: it became amended or
 * repealed, or, while not in force as cited, gained a successor or an amendment.
 */
export function stoppedBeingCurrent(before: DocumentRecord | null, after: DocumentRecord): boolean {
  if (after.status === 'in_force') return false;
  if (!before || before.status !== after.status) return true;
  if ((after.replaced_by ?? null) !== (before.replaced_by ?? null) && after.replaced_by) return true;
  return after.amended_by.some((n) => !before.amended_by.includes(n));
}

/** Flags every situation citing the document (archived ones aside); returns their codes. */
export async function flagSituationsCiting(manager: EntityManager, documentId: string): Promise<string[]> {
  // TypeORM answers an UPDATE with [rows, count].
  const [rows]: [{ code: string }[], number] = await manager.query(
    `UPDATE situations s SET needs_review = true, updated_at = now()
      WHERE s.status <> 'archived'
        AND s.id IN (SELECT c.situation_id FROM situation_citations c WHERE c.document_id = $1)
      RETURNING s.code`,
    [documentId],
  );
  return rows.map((r) => r.code).sort();
}

function toRecord(doc: RegistryDocument): DocumentRecord {
  return {
    number: doc.number,
    title: doc.title,
    type: doc.type,
    issuer: doc.issuer,
    issued_date: doc.issued_date ?? null,
    effective_date: doc.effective_date ?? null,
    status: doc.status,
    replaced_by: doc.replaced_by ?? null,
    amended_by: doc.amended_by ?? [],
  };
}

/**
 * Citations as they would be stored, joined with the registry like the citizen-facing reads do:
 * to preview an unsaved edit exactly as the bot would render it.
 */
export async function resolveCitations(db: Db, citations: CitationRecord[]): Promise<CitationView[]> {
  if (citations.length === 0) return [];
  const rows: NonNullable<CitationView['document']>[] =
    await db.query(
      `SELECT d.number, d.title, d.doc_type AS type, d.status, d.effective_date AS "effectiveDate", to_jsonb(d.amended_by) AS "amendedBy",
              CASE WHEN r.id IS NULL THEN NULL ELSE jsonb_build_object('number', r.number, 'title', r.title) END AS "replacedBy"
         FROM legal_documents d LEFT JOIN legal_documents r ON r.id = d.replaced_by_id`,
    );
  const byKey = new Map(rows.map((r) => [documentKey(r.number), r]));
  return citations.map((c) => ({
    documentRef: c.document ?? '',
    title: c.title ?? '',
    article: c.article ?? '',
    clause: c.clause ?? '',
    document: (c.document && byKey.get(documentKey(c.document))) || null,
  }));
}
