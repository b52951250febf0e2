import type { DataSource } from 'typeorm';

let sequence = 0;

/** An interchange-format situation with sensible defaults; override what the test is about. */
export function buildSituation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return {
    code: `TEST-${String(sequence).padStart(4, '0')}`,
    field: 'hon-nhan-gia-dinh',
    question: `Tình huống thử nghiệm số ${sequence}: vợ chồng ly hôn thì chia tài sản thế nào?`,
    alternates: ['ly hôn chia tài sản ra sao'],
    answer: 'Tài sản chung của vợ chồng về nguyên tắc được chia đôi, có tính đến công sức đóng góp của mỗi bên.',
    legal_basis: [{ document: '52/2014/QH13', title: 'Luật Hôn nhân và gia đình', article: 'Điều 59', clause: '2' }],
    tags: ['ly hôn'],
    status: 'published',
    ...overrides,
  };
}

/** JSON Lines bytes of the given objects. */
export function jsonl(records: unknown[]): Buffer {
  return Buffer.from(records.map((r) => JSON.stringify(r)).join('\n') + '\n', 'utf8');
}

/** Inserts legal fields for tests (slug and name), returning nothing. */
export async function createFields(dataSource: DataSource, fields: { slug: string; name: string }[]): Promise<void> {
  await dataSource.query(
    `INSERT INTO legal_fields (slug, name, display_order)
     SELECT r->>'slug', r->>'name', ord::int FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(r, ord)`,
    [JSON.stringify(fields)],
  );
}

export const DEFAULT_FIELDS = [
  { slug: 'hon-nhan-gia-dinh', name: 'Hôn nhân và gia đình' },
  { slug: 'dat-dai', name: 'Đất đai' },
];

/** Row counts of the knowledge-base tables: "nothing was written" means these do not move. */
export async function tableCounts(dataSource: DataSource) {
  const [row] = await dataSource.query(
    `SELECT (SELECT count(*) FROM situations) AS situations,
            (SELECT count(*) FROM situation_citations) AS citations,
            (SELECT count(*) FROM situation_revisions) AS revisions,
            (SELECT count(*) FROM legal_fields) AS fields,
            (SELECT count(*) FROM legal_documents) AS documents`,
  );
  return row as { situations: number; citations: number; revisions: number; fields: number; documents: number };
}
