import type { CellFormat, Table } from './analytics.tables.js';

/**
 * CSV export (RFC 4180): CRLF line ends, fields with a comma, quote, CR or LF quoted and quotes
 * doubled, and a UTF-8 byte-order mark so that Excel reads Vietnamese text as UTF-8 rather than
 * the system code page. Numbers are plain (decimal point, no grouping) for spreadsheets and scripts.
 */

const BOM = '\uFEFF';
const OFFSET_MS = 7 * 3_600_000;

/** `2026-11-28 14:05` in Vietnam time. */
export function vietnamDateTime(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/** A cell's plain-text value for CSV. */
export function csvValue(value: unknown, format: CellFormat): string {
  if (value === null || value === undefined) return '';
  switch (format) {
    case 'int':
      return String(value);
    case 'percent':
      return (Number(value) * 100).toFixed(1);
    case 'minutes':
      return Number(value).toFixed(1);
    case 'datetime':
      return vietnamDateTime(value instanceof Date ? value : new Date(String(value)));
    default:
      return guardFormula(String(value));
  }
}

/**
 * Text typed by citizens ends up in a spreadsheet: a cell that begins with = + - @ (or a tab or
 * CR) would run as a formula in Excel, so it gets a leading apostrophe (OWASP's advice).
 */
function guardFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Quotes one field when it must be (RFC 4180 §2.6–2.7). */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole file: BOM, header row of column labels, one row per record, CRLF after each. */
export function toCsv(table: Table): string {
  const lines = [table.columns.map((c) => csvField(c.label)).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => csvField(csvValue((row as Record<string, unknown>)[c.key], c.format))).join(','));
  return BOM + lines.map((line) => `${line}\r\n`).join('');
}
