import type { Database } from '../../server/db/database.js';
import { importSituations, parseKbFile } from '../../server/knowledge/index.js';
import { resetDatabase } from './database.js';
import { buildSituation, createFields, DEFAULT_FIELDS, jsonl } from './factories.js';

/** Markup that must come out as text wherever it is shown. */
export const HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>';

/** A small knowledge base for chat tests: one clear answer, one near neighbour, two identical questions. */
export async function seedChatKnowledge(db: Database) {
  await resetDatabase(db);
  await createFields(db.dataSource, DEFAULT_FIELDS);
  await db.dataSource.query(
    `INSERT INTO legal_documents (number, title, doc_type, status) VALUES ('52/2014/QH13', 'Luật Hôn nhân và gia đình', 'law', 'in_force')`,
  );
  const records = [
    buildSituation({
      code: 'HN-CON',
      question: 'Ly hôn thì con dưới 36 tháng tuổi ở với ai?',
      alternates: ['con nhỏ ở với ai khi bố mẹ ly dị', 'ly hôn ai được nuôi con nhỏ'],
      answer: 'Con dưới 36 tháng tuổi được giao cho mẹ trực tiếp nuôi, trừ khi người mẹ không đủ điều kiện.',
      legal_basis: [{ document: '52/2014/QH13', title: 'Luật Hôn nhân và gia đình', article: 'Điều 81', clause: '3' }],
      tags: ['ly hôn', 'nuôi con'],
      reviewed_at: '2026-11-28',
    }),
    buildSituation({
      code: 'HN-TAISAN',
      question: 'Khi ly hôn tài sản chung của vợ chồng được chia như thế nào?',
      alternates: ['chia tài sản khi ly hôn'],
      answer: 'Tài sản chung về nguyên tắc được chia đôi, có tính đến công sức đóng góp của mỗi bên.',
      tags: ['ly hôn', 'tài sản'],
    }),
    // Two situations asked in the very same words: the matcher cannot tell them apart.
    buildSituation({ code: 'KS-1', field: 'dat-dai', question: 'Đăng ký khai sinh muộn cho con thì làm ở đâu?', alternates: [], answer: 'Trả lời một.', tags: [], legal_basis: [] }),
    buildSituation({ code: 'KS-2', question: 'Đăng ký khai sinh muộn cho con thì làm ở đâu?', alternates: [], answer: HOSTILE, tags: [], legal_basis: [] }),
  ];
  const report = await importSituations(db.dataSource, await parseKbFile(jsonl(records), 'jsonl'), { actor: 'test', source: 'chat' });
  if (!report.ok) throw new Error(JSON.stringify(report.errors));
}
