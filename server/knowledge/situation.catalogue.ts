import type { DataSource, EntityManager } from 'typeorm';
import type { SituationStatus } from './kb.format.js';

/**
 * Admin reads over every situation (any status): filtered, paginated lists and the text search
 * that complements the matcher (which only knows what citizens may be answered with).
 */

export interface SituationListFilter {
  /** Only these codes, listed in this order (search results). */
  codes?: string[];
  /** Field slug. */
  field?: string;
  status?: SituationStatus;
  /** Reviewed before this date (YYYY-MM-DD), or never reviewed. */
  reviewedBefore?: string;
  /** Only situations flagged for review. */
  needsReview?: boolean;
  /** Only drafts that consultants promoted from a consultation (code NHAP-…). */
  consultantDrafts?: boolean;
  limit?: number;
  offset?: number;
}

/** A cited document that is no longer in force as cited. */
export interface ChangedDocument {
  id: string;
  number: string;
  title: string;
  status: 'amended' | 'repealed';
}

export interface SituationListItem {
  code: string;
  field: { slug: string; name: string };
  question: string;
  status: SituationStatus;
  needsReview: boolean;
  reviewedAt: string | null;
  updatedAt: string;
  version: number;
  /** Cited documents now amended or repealed: why a situation needs review. */
  changedDocuments: ChangedDocument[];
}

/** One page of situations and how many match in all. */
export async function listSituations(db: DataSource | EntityManager, filter: SituationListFilter = {}): Promise<{ items: SituationListItem[]; total: number }> {
  const params = [
    filter.codes ? JSON.stringify(filter.codes) : null,
    filter.field ?? null,
    filter.status ?? null,
    filter.reviewedBefore ?? null,
    Boolean(filter.needsReview),
    Boolean(filter.consultantDrafts),
  ];
  const where = `
      WHERE ($1::jsonb IS NULL OR s.code IN (SELECT jsonb_array_elements_text($1::jsonb)))
        AND ($2::text IS NULL OR f.slug = $2)
        AND ($3::text IS NULL OR s.status = $3)
        AND ($4::date IS NULL OR s.reviewed_at IS NULL OR s.reviewed_at < $4::date)
        AND (NOT $5::boolean OR s.needs_review)
        AND (NOT $6::boolean OR (s.status = 'draft' AND s.code LIKE 'NHAP-%'))`;
  const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM situations s JOIN legal_fields f ON f.id = s.field_id ${where}`, params);
  const items: (Omit<SituationListItem, 'updatedAt'> & { updatedAt: Date })[] = await db.query(
    `SELECT s.code, jsonb_build_object('slug', f.slug, 'name', f.name) AS field, s.question, s.status,
            s.needs_review AS "needsReview", s.reviewed_at AS "reviewedAt", s.updated_at AS "updatedAt", s.version,
            coalesce((SELECT jsonb_agg(DISTINCT jsonb_build_object('id', d.id, 'number', d.number, 'title', d.title, 'status', d.status))
                        FROM situation_citations c JOIN legal_documents d ON d.id = c.document_id
                       WHERE c.situation_id = s.id AND d.status <> 'in_force'), '[]'::jsonb) AS "changedDocuments"
       FROM situations s JOIN legal_fields f ON f.id = s.field_id
       ${where}
      ORDER BY ${filter.codes ? `(SELECT t.ord FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS t(c, ord) WHERE t.c = s.code)` : 'f.display_order, s.code'}
      LIMIT $7 OFFSET $8`,
    [...params, Math.min(filter.limit ?? 50, 500), filter.offset ?? 0],
  );
  return { items: items.map((i) => ({ ...i, updatedAt: new Date(i.updatedAt).toISOString() })), total: n };
}

/**
 * Codes of situations whose code, question or alternates contain the text (case-insensitive),
 * exact code first: finds drafts, archived and withheld situations that the matcher does not index.
 */
export async function findCodesByText(db: DataSource | EntityManager, text: string, limit = 200): Promise<string[]> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows: { code: string }[] = await db.query(
    `SELECT s.code FROM situations s
      WHERE lower(s.code) = lower($1) OR s.code ILIKE $2 OR s.question ILIKE $2
         OR EXISTS (SELECT 1 FROM unnest(s.alternates) AS a WHERE a ILIKE $2)
      ORDER BY lower(s.code) = lower($1) DESC, s.code
      LIMIT $3`,
    [text, pattern, limit],
  );
  return rows.map((r) => r.code);
}

/** How many published situations are held back from citizens because they await review. */
export async function countWithheld(db: DataSource | EntityManager): Promise<number> {
  const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM situations WHERE status = 'published' AND needs_review`);
  return n;
}
