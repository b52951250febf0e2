import type { DataSource } from 'typeorm';

/** A field with how many published situations it has. */
export interface FieldView {
  slug: string;
  name: string;
  description: string;
  order: number;
  situationCount: number;
}

/** A citation joined with its registry entry, when there is one. */
export interface CitationView {
  documentRef: string;
  title: string;
  article: string;
  clause: string;
  document: null | {
    number: string;
    title: string;
    type: string;
    status: 'in_force' | 'amended' | 'repealed';
    effectiveDate: string | null;
    amendedBy: string[];
    replacedBy: null | { number: string; title: string };
  };
}

export interface SituationView {
  code: string;
  field: { slug: string; name: string };
  question: string;
  alternates: string[];
  answer: string;
  tags: string[];
  status: 'draft' | 'published' | 'archived';
  reviewedAt: string | null;
  updatedAt: Date;
  citations: CitationView[];
}

/** Options of {@link createKnowledgeRepository}. */
export interface KnowledgeRepositoryOptions {
  /**
   * Treat published situations flagged for review (`needs_review`: they cite a document that an
   * admin marked amended or repealed) as not answerable: the matcher does not index them and
   * citizen-facing reads do not return them, until an admin reviews them. Default true
   * (`WITHHOLD_UNREVIEWED`).
   */
  withholdUnreviewed?: boolean;
}

/** Read queries of the knowledge base used by the public API, the chat and the matcher. */
export function createKnowledgeRepository(dataSource: DataSource, options: KnowledgeRepositoryOptions = {}) {
  const withhold = options.withholdUnreviewed ?? true;
  /**
   * Published situations as citizens see them, cached by code: every bot answer reads one, and
   * the same few hundred are asked about all day. Whoever changes a situation calls
   * `invalidate(codes)` (the matching service does on every refresh), so nothing stale is served;
   * entries also expire after a minute, a backstop for changes that touch no situation row
   * (a registry edit of a cited document).
   */
  const CACHE_MS = 60_000;
  const published = new Map<string, { view: SituationView | null; at: number }>();
  const repo = {
    /** Forgets cached situations (all when no codes are given). */
    invalidate(codes?: string[]): void {
      if (!codes) published.clear();
      else for (const code of codes) published.delete(code);
    },

    /** Published situations by code, from the cache when possible (same result as findSituations). */
    async findPublished(codes: string[]): Promise<SituationView[]> {
      const now = Date.now();
      const missing = codes.filter((code) => {
        const hit = published.get(code);
        return !hit || now - hit.at > CACHE_MS;
      });
      if (missing.length > 0) {
        const rows = await repo.findSituations(missing, { publishedOnly: true });
        const byCode = new Map(rows.map((r) => [r.code, r]));
        for (const code of missing) published.set(code, { view: byCode.get(code) ?? null, at: now });
      }
      return codes.map((code) => published.get(code)?.view).filter((v): v is SituationView => Boolean(v));
    },

    /** Whether situations flagged for review are withheld from citizens. */
    withholdUnreviewed: withhold,

    async listFields(): Promise<FieldView[]> {
      return dataSource.query(
        `SELECT f.slug, f.name, f.description, f.display_order AS "order",
                count(s.id) FILTER (WHERE s.status = 'published') AS "situationCount"
           FROM legal_fields f LEFT JOIN situations s ON s.field_id = f.id
          GROUP BY f.id ORDER BY f.display_order, f.name`,
      );
    },

    /**
     * Situations by code. `publishedOnly` is what citizens may read: published and, unless
     * withholding is off, not flagged for review.
     */
    async findSituations(codes: string[], options: { publishedOnly: boolean }): Promise<SituationView[]> {
      if (codes.length === 0) return [];
      return dataSource.query(
        `SELECT s.code, jsonb_build_object('slug', f.slug, 'name', f.name) AS field, s.question, s.alternates,
                s.answer, s.tags, s.status, s.reviewed_at AS "reviewedAt", s.updated_at AS "updatedAt",
                coalesce((SELECT jsonb_agg(jsonb_build_object(
                           'documentRef', c.document_ref, 'title', c.title, 'article', c.article, 'clause', c.clause,
                           'document', CASE WHEN d.id IS NULL THEN NULL ELSE jsonb_build_object(
                              'number', d.number, 'title', d.title, 'type', d.doc_type, 'status', d.status,
                              'effectiveDate', d.effective_date, 'amendedBy', to_jsonb(d.amended_by),
                              'replacedBy', CASE WHEN r.id IS NULL THEN NULL
                                                 ELSE jsonb_build_object('number', r.number, 'title', r.title) END) END)
                           ORDER BY c.position)
                          FROM situation_citations c
                          LEFT JOIN legal_documents d ON d.id = c.document_id
                          LEFT JOIN legal_documents r ON r.id = d.replaced_by_id
                         WHERE c.situation_id = s.id), '[]'::jsonb) AS citations
           FROM situations s JOIN legal_fields f ON f.id = s.field_id
          WHERE s.code IN (SELECT jsonb_array_elements_text($1::jsonb))
            AND (NOT $2::boolean OR (s.status = 'published' AND NOT ($3::boolean AND s.needs_review)))`,
        [JSON.stringify(codes), options.publishedOnly, withhold],
      );
    },

    /** Every published situation with what the matcher indexes (withheld ones left out). */
    async listPublishedForMatching(codes?: string[]): Promise<MatchableRow[]> {
      return dataSource.query(
        `SELECT s.code, f.slug AS "fieldSlug", f.name AS "fieldName", s.question, s.alternates, s.answer, s.tags
           FROM situations s JOIN legal_fields f ON f.id = s.field_id
          WHERE s.status = 'published'
            AND NOT ($2::boolean AND s.needs_review)
            AND ($1::jsonb IS NULL OR s.code IN (SELECT jsonb_array_elements_text($1::jsonb)))
          ORDER BY s.code`,
        [codes ? JSON.stringify(codes) : null, withhold],
      );
    },
  };
  return repo;
}

export interface MatchableRow {
  code: string;
  fieldSlug: string;
  fieldName: string;
  question: string;
  alternates: string[];
  answer: string;
  tags: string[];
}

export type KnowledgeRepository = ReturnType<typeof createKnowledgeRepository>;
