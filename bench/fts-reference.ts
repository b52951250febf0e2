import pg from 'pg';

/** What the reference needs of a situation. */
export interface FtsSituation {
  code: string;
  question: string;
  alternates: readonly string[];
  answer: string;
  tags: readonly string[];
}

/**
 * Reference point for the matcher: PostgreSQL full-text search with the `simple` configuration
 * over `unaccent`ed text (question and alternates weighted A, tags B, answer D), queried with the
 * OR of the question's unaccented words and ranked with ts_rank_cd. Runs in a throw-away schema
 * of the PostgreSQL server at `url`; returns the top 10 codes and the query time of each question.
 */
export async function pgFtsRankings(url: string, situations: readonly FtsSituation[], questions: readonly string[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const schema = `bench_fts_${process.pid}`;
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS unaccent');
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`SET search_path = ${schema}, public`);
    await client.query(`CREATE TABLE doc (code text PRIMARY KEY, tsv tsvector)`);
    await client.query(
      `INSERT INTO doc (code, tsv)
       SELECT r.code,
              setweight(to_tsvector('simple', unaccent(lower(r.question || ' ' || r.alternates))), 'A') ||
              setweight(to_tsvector('simple', unaccent(lower(r.tags))), 'B') ||
              setweight(to_tsvector('simple', unaccent(lower(r.answer))), 'D')
         FROM jsonb_to_recordset($1::jsonb) AS r(code text, question text, alternates text, tags text, answer text)`,
      [JSON.stringify(situations.map((s) => ({ code: s.code, question: s.question, alternates: s.alternates.join(' '), tags: s.tags.join(' '), answer: s.answer })))],
    );
    await client.query(`CREATE INDEX ON doc USING gin (tsv)`);
    await client.query('ANALYZE doc');
    const results: { ranked: string[]; ms: number }[] = [];
    for (const question of questions) {
      const t0 = performance.now();
      const { rows } = await client.query(
        `WITH q AS (
           SELECT to_tsquery('simple', string_agg(quote_literal(lexeme), ' | ')) AS query
             FROM unnest(tsvector_to_array(to_tsvector('simple', unaccent(lower($1))))) AS lexeme
         )
         SELECT code FROM doc, q WHERE q.query IS NOT NULL AND tsv @@ q.query
          ORDER BY ts_rank_cd(tsv, q.query) DESC, code LIMIT 10`,
        [question],
      );
      results.push({ ranked: rows.map((r: { code: string }) => r.code), ms: performance.now() - t0 });
    }
    return results;
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await client.end();
  }
}
