import ExcelJS from 'exceljs';
import type { EntityManager } from 'typeorm';
import { COLUMNS } from './kb.format.js';
import type { KbFileFormat } from './kb.parse.js';
import type { SituationSnapshot } from './kb.repository.js';

export interface ExportFilter {
  /** Only these statuses (default: all). */
  statuses?: string[];
  /** Only this field slug. */
  field?: string;
}

/** Reads situations in the interchange shape, ordered by field then code. */
export async function loadSnapshots(manager: EntityManager, filter: ExportFilter = {}): Promise<SituationSnapshot[]> {
  const rows: SituationSnapshot[] = await manager.query(
    `SELECT s.code, f.slug AS field, s.question, s.alternates, s.answer, s.tags, s.status, s.reviewed_at,
            coalesce((SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
                         'document', nullif(c.document_ref, ''), 'title', nullif(c.title, ''),
                         'article', nullif(c.article, ''), 'clause', nullif(c.clause, '')))
                       ORDER BY c.position)
                      FROM situation_citations c WHERE c.situation_id = s.id), '[]'::jsonb) AS legal_basis
       FROM situations s JOIN legal_fields f ON f.id = s.field_id
      WHERE ($1::jsonb IS NULL OR s.status IN (SELECT jsonb_array_elements_text($1::jsonb)))
        AND ($2::text IS NULL OR f.slug = $2)
      ORDER BY f.display_order, s.code`,
    [filter.statuses ? JSON.stringify(filter.statuses) : null, filter.field ?? null],
  );
  return rows;
}

/** One situation as an interchange-format object with keys in the documented order. */
export function toInterchange(s: SituationSnapshot): Record<string, unknown> {
  const out: Record<string, unknown> = {
    code: s.code,
    field: s.field,
    question: s.question,
    alternates: s.alternates,
    answer: s.answer,
    legal_basis: s.legal_basis,
    tags: s.tags,
    status: s.status,
  };
  if (s.reviewed_at) out.reviewed_at = s.reviewed_at;
  return out;
}

/** Serialises situations in the given format; re-importing the result changes nothing. */
export async function serialiseSnapshots(snapshots: SituationSnapshot[], format: KbFileFormat): Promise<Buffer> {
  if (format === 'jsonl') {
    return Buffer.from(snapshots.map((s) => JSON.stringify(toInterchange(s))).join('\n') + (snapshots.length ? '\n' : ''), 'utf8');
  }
  const table = snapshots.map((s) => tabularRow(s));
  if (format === 'csv') {
    const lines = [COLUMNS.join(','), ...table.map((row) => row.map(csvCell).join(','))];
    return Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('situations');
  sheet.addRow([...COLUMNS]);
  for (const row of table) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function tabularRow(s: SituationSnapshot): string[] {
  return [
    s.code,
    s.field,
    s.question,
    s.alternates.join(' | '),
    s.answer,
    s.legal_basis.length ? JSON.stringify(s.legal_basis) : '',
    s.tags.join(' | '),
    s.status,
    s.reviewed_at ?? '',
  ];
}

/** RFC 4180: every cell quoted, quotes doubled. */
function csvCell(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}
