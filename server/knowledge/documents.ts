import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import type { ParsedFile, RowError } from './kb.parse.js';
import { cleanText, documentKey } from './text.js';

/** Document types of Vietnamese legal normative documents that citizens meet. */
export const DOCUMENT_TYPES = ['constitution', 'code', 'law', 'ordinance', 'resolution', 'decree', 'decision', 'circular', 'joint_circular', 'other'] as const;
export const DOCUMENT_STATUSES = ['in_force', 'amended', 'repealed'] as const;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'phải là ngày dạng YYYY-MM-DD')
  .refine((v) => new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'không phải ngày hợp lệ')
  .nullable()
  .optional();

/** One registry entry as it travels in knowledge-base/legal-documents/*.jsonl. */
export const documentSchema = z.object({
  number: z.string({ error: 'thiếu số hiệu văn bản' }).trim().min(1, 'thiếu số hiệu văn bản').max(100),
  title: z.string({ error: 'thiếu tên văn bản' }).trim().min(1, 'thiếu tên văn bản').max(500),
  type: z.enum(DOCUMENT_TYPES, { error: `loại văn bản phải là một trong: ${DOCUMENT_TYPES.join(', ')}` }).default('other'),
  issuer: z.string().trim().max(200).default(''),
  issued_date: isoDate,
  effective_date: isoDate,
  status: z.enum(DOCUMENT_STATUSES, { error: 'trạng thái phải là in_force, amended hoặc repealed' }).default('in_force'),
  replaced_by: z.string().trim().max(100).nullable().optional(),
  amended_by: z.array(z.string().trim().min(1).max(100)).default([]),
});

export type DocumentRecord = z.infer<typeof documentSchema>;

/**
 * Validates registry rows. The same number may appear in several files (writers register what
 * they cite); such entries must agree (unknown values aside) and are merged, and `replaced_by`
 * must name a registered document.
 */
export function validateDocuments(parsed: ParsedFile): { documents: DocumentRecord[]; errors: RowError[] } {
  const errors: RowError[] = [...parsed.errors];
  const byKey = new Map<string, { record: DocumentRecord; file?: string; line: number }>();
  for (const row of parsed.rows) {
    const result = documentSchema.safeParse(row.values);
    if (!result.success) {
      for (const issue of result.error.issues) {
        errors.push({ file: row.file, line: row.line, field: issue.path.join('.'), message: issue.message });
      }
      continue;
    }
    const record = { ...result.data, number: cleanText(result.data.number), title: cleanText(result.data.title) };
    const key = documentKey(record.number);
    const seen = byKey.get(key);
    if (seen) {
      const clash = conflictingKey(seen.record, record);
      if (clash) {
        errors.push({
          file: row.file,
          line: row.line,
          field: clash,
          message: `văn bản ${record.number} đã khai báo khác ở ${seen.file ?? ''} dòng ${seen.line}`,
        });
      } else {
        seen.record = mergeDocuments(seen.record, record);
      }
      continue;
    }
    byKey.set(key, { record, file: row.file, line: row.line });
  }
  for (const { record, file, line } of byKey.values()) {
    if (record.replaced_by && !byKey.has(documentKey(record.replaced_by))) {
      errors.push({ file, line, field: 'replaced_by', message: `văn bản thay thế ${record.replaced_by} chưa có trong danh mục` });
    }
    if (record.status === 'repealed' && record.amended_by.length > 0 && !record.replaced_by) {
      // A repealed text can list its amendments; nothing to check.
    }
  }
  return { documents: [...byKey.values()].map((v) => v.record), errors };
}

/**
 * Two declarations of one number agree when no key has two different known values: a null
 * (unknown) date or successor does not contradict a known one.
 */
function conflictingKey(a: DocumentRecord, b: DocumentRecord): string | null {
  for (const key of ['title', 'type', 'issuer', 'issued_date', 'effective_date', 'status', 'replaced_by'] as const) {
    const x = a[key] || null;
    const y = b[key] || null;
    if (x !== null && y !== null && x !== y) return key;
  }
  return null;
}

/** The union of two agreeing declarations: known values win over unknown ones, amendments add up. */
function mergeDocuments(a: DocumentRecord, b: DocumentRecord): DocumentRecord {
  return {
    ...a,
    issuer: a.issuer || b.issuer,
    issued_date: a.issued_date ?? b.issued_date ?? null,
    effective_date: a.effective_date ?? b.effective_date ?? null,
    replaced_by: a.replaced_by ?? b.replaced_by ?? null,
    amended_by: [...new Set([...a.amended_by, ...b.amended_by])].sort(),
  };
}

/**
 * Inserts or updates registry entries by number (two passes, so that replaced_by can point to
 * a document registered in the same batch). Returns how many were created and updated.
 */
export async function upsertDocuments(manager: EntityManager, documents: DocumentRecord[]): Promise<{ created: number; updated: number }> {
  if (documents.length === 0) return { created: 0, updated: 0 };
  const rows: { inserted: boolean }[] = await manager.query(
    `INSERT INTO legal_documents (number, title, doc_type, issuer, issued_date, effective_date, status, amended_by)
     SELECT r.number, r.title, r.type, r.issuer, r.issued_date, r.effective_date, r.status,
            ARRAY(SELECT jsonb_array_elements_text(r.amended_by))
       FROM jsonb_to_recordset($1::jsonb) AS r(number text, title text, type text, issuer text,
                                              issued_date date, effective_date date, status text, amended_by jsonb)
     ON CONFLICT (number) DO UPDATE
        SET title = excluded.title, doc_type = excluded.doc_type, issuer = excluded.issuer,
            issued_date = excluded.issued_date, effective_date = excluded.effective_date,
            status = excluded.status, amended_by = excluded.amended_by, updated_at = now()
     RETURNING (xmax = 0) AS inserted`,
    [JSON.stringify(documents.map((d) => ({ ...d, issued_date: d.issued_date ?? null, effective_date: d.effective_date ?? null })))],
  );
  await manager.query(
    `UPDATE legal_documents d
        SET replaced_by_id = (SELECT id FROM legal_documents WHERE number = r.replaced_by)
       FROM jsonb_to_recordset($1::jsonb) AS r(number text, replaced_by text)
      WHERE d.number = r.number`,
    [JSON.stringify(documents.map((d) => ({ number: d.number, replaced_by: d.replaced_by ?? null })))],
  );
  const created = rows.filter((r) => r.inserted).length;
  return { created, updated: rows.length - created };
}

/**
 * Links citations that name a document by number to the registry entry, once that document is
 * registered (citations imported before their document was are linked later this way).
 */
export async function linkUnlinkedCitations(manager: EntityManager): Promise<number> {
  const refs: { document_ref: string }[] = await manager.query(
    `SELECT DISTINCT document_ref FROM situation_citations WHERE document_id IS NULL AND document_ref <> ''`,
  );
  if (refs.length === 0) return 0;
  const registered: { id: string; number: string }[] = await manager.query('SELECT id, number FROM legal_documents');
  const idByKey = new Map(registered.map((d) => [documentKey(d.number), d.id]));
  const pairs = refs
    .map((r) => ({ ref: r.document_ref, id: idByKey.get(documentKey(r.document_ref)) }))
    .filter((p): p is { ref: string; id: string } => Boolean(p.id));
  if (pairs.length === 0) return 0;
  const [, count] = await manager.query(
    `UPDATE situation_citations c SET document_id = r.id
       FROM jsonb_to_recordset($1::jsonb) AS r(ref text, id uuid)
      WHERE c.document_id IS NULL AND c.document_ref = r.ref`,
    [JSON.stringify(pairs)],
  );
  return Number(count);
}
