import type { EntityManager } from 'typeorm';

export interface KbStats {
  fields: { slug: string; name: string; published: number; draft: number; archived: number }[];
  documents: { number: string; title: string; status: string; citations: number; situations: number }[];
  unlinkedCitations: number;
  totals: { situations: number; published: number; fields: number; documents: number };
  oldestReviewed: { code: string; reviewed_at: string } | null;
  neverReviewed: number;
}

/** Counts per field and per cited document, and the oldest review date among published situations. */
export async function knowledgeStats(manager: EntityManager): Promise<KbStats> {
  const fields = await manager.query(
    `SELECT f.slug, f.name,
            count(*) FILTER (WHERE s.status = 'published') AS published,
            count(*) FILTER (WHERE s.status = 'draft') AS draft,
            count(*) FILTER (WHERE s.status = 'archived') AS archived
       FROM legal_fields f LEFT JOIN situations s ON s.field_id = f.id
      GROUP BY f.id ORDER BY f.display_order, f.name`,
  );
  const documents = await manager.query(
    `SELECT d.number, d.title, d.status, count(c.id) AS citations, count(DISTINCT c.situation_id) AS situations
       FROM legal_documents d LEFT JOIN situation_citations c ON c.document_id = d.id
      GROUP BY d.id ORDER BY count(c.id) DESC, d.number`,
  );
  const [unlinked] = await manager.query(`SELECT count(*) AS n FROM situation_citations WHERE document_id IS NULL`);
  const [totals] = await manager.query(
    `SELECT (SELECT count(*) FROM situations) AS situations,
            (SELECT count(*) FROM situations WHERE status = 'published') AS published,
            (SELECT count(*) FROM legal_fields) AS fields,
            (SELECT count(*) FROM legal_documents) AS documents`,
  );
  const [oldest] = await manager.query(
    `SELECT code, reviewed_at FROM situations WHERE status = 'published' AND reviewed_at IS NOT NULL
      ORDER BY reviewed_at, code LIMIT 1`,
  );
  const [never] = await manager.query(`SELECT count(*) AS n FROM situations WHERE status = 'published' AND reviewed_at IS NULL`);
  return {
    fields,
    documents,
    unlinkedCitations: unlinked.n,
    totals,
    oldestReviewed: oldest ?? null,
    neverReviewed: never.n,
  };
}
