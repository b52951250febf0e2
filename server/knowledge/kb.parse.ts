import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { REQUIRED_COLUMNS } from './kb.format.js';

/** A problem with one row of an import file, in words an admin understands. */
export interface RowError {
  /** The file, when several are read together (the bundled knowledge base). */
  file?: string;
  /** 1-based line (JSONL, CSV) or row (XLSX) number; 0 for the file as a whole. */
  line: number;
  /** The column or JSON key at fault, or '' when it is the row itself. */
  field: string;
  message: string;
}

/** A row as read from a file, before validation. */
export interface RawRow {
  file?: string;
  line: number;
  values: Record<string, unknown>;
}

export type KbFileFormat = 'jsonl' | 'csv' | 'xlsx';

export interface ParsedFile {
  rows: RawRow[];
  errors: RowError[];
}

/** Picks the format from a file name: .jsonl/.ndjson/.json, .csv, .xlsx. */
export function formatFromName(name: string): KbFileFormat {
  const ext = path.extname(name).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl';
  if (ext === '.csv') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  throw new Error(`Định dạng tệp "${ext || name}" không được hỗ trợ (dùng .jsonl, .csv hoặc .xlsx).`);
}

const fileError = (message: string): ParsedFile => ({ rows: [], errors: [{ line: 0, field: '', message }] });

/** Reads an import file's bytes into raw rows; never throws for bad content, it reports it. */
export async function parseKbFile(bytes: Uint8Array, format: KbFileFormat): Promise<ParsedFile> {
  if (bytes.length === 0) return fileError('Tệp rỗng: không có tình huống nào để nhập.');
  if (format === 'xlsx') return parseXlsx(bytes);
  const decoded = decodeLines(bytes);
  if (decoded.errors.length > 0) return { rows: [], errors: decoded.errors };
  if (decoded.text.trim() === '') return fileError('Tệp rỗng: không có tình huống nào để nhập.');
  return format === 'jsonl' ? parseJsonLines(decoded.text) : parseCsvText(decoded.text);
}

/**
 * Decodes UTF-8 strictly, line by line, so that a bad byte is reported with its line number
 * instead of silently becoming U+FFFD.
 */
function decodeLines(bytes: Uint8Array): { text: string; errors: RowError[] } {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const errors: RowError[] = [];
  const parts: string[] = [];
  let start = 0;
  let line = 1;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        parts.push(decoder.decode(bytes.subarray(start, i)));
      } catch {
        errors.push({ line, field: '', message: 'Dòng chứa byte không phải UTF-8 hợp lệ (hãy lưu tệp với bảng mã UTF-8).' });
      }
      start = i + 1;
      line++;
    }
  }
  return { text: parts.join('\n'), errors };
}

function parseJsonLines(text: string): ParsedFile {
  const rows: RawRow[] = [];
  const errors: RowError[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      errors.push({ line, field: '', message: `JSON không hợp lệ: ${(error as Error).message}` });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      errors.push({ line, field: '', message: 'Mỗi dòng phải là một đối tượng JSON {…} mô tả một tình huống.' });
      return;
    }
    rows.push({ line, values: value as Record<string, unknown> });
  });
  if (rows.length === 0 && errors.length === 0) return fileError('Tệp rỗng: không có tình huống nào để nhập.');
  return { rows, errors };
}

function parseCsvText(text: string): ParsedFile {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(text, { columns: true, bom: true, skip_empty_lines: true, info: true, trim: false }) as never;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    return { rows: [], errors: [{ line, field: '', message: `CSV không hợp lệ: ${(error as Error).message}` }] };
  }
  const header = parseCsv(text.split('\n', 1)[0] ?? '', { bom: true })[0] as string[] | undefined;
  const missing = missingColumns(header ?? []);
  if (missing.length > 0) return fileError(`Thiếu cột bắt buộc: ${missing.join(', ')}.`);
  if (records.length === 0) return fileError('Tệp rỗng: không có tình huống nào để nhập.');
  return { rows: records.map(({ record, info }) => ({ line: info.lines, values: fromTabular(record) })), errors: [] };
}

async function parseXlsx(bytes: Uint8Array): Promise<ParsedFile> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as never);
  } catch {
    return fileError('Không đọc được tệp XLSX (tệp hỏng hoặc không phải Excel).');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet || sheet.rowCount === 0) return fileError('Tệp rỗng: trang tính đầu tiên không có dữ liệu.');
  const header: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => {
    header[col] = cellText(cell.value).trim();
  });
  const missing = missingColumns(header);
  if (missing.length > 0) return fileError(`Thiếu cột bắt buộc: ${missing.join(', ')}.`);
  const rows: RawRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber === 1) return;
    const record: Record<string, string> = {};
    let any = false;
    header.forEach((name, col) => {
      if (!name) return;
      const text = cellText(row.getCell(col).value);
      if (text.trim() !== '') any = true;
      record[name] = text;
    });
    if (any) rows.push({ line: rowNumber, values: fromTabular(record) });
  });
  if (rows.length === 0) return fileError('Tệp rỗng: không có tình huống nào để nhập.');
  return { rows, errors: [] };
}

function missingColumns(header: string[]): string[] {
  const present = new Set(header.map((h) => (h ?? '').trim().toLowerCase()));
  return REQUIRED_COLUMNS.filter((column) => !present.has(column));
}

/** Text of an ExcelJS cell value (rich text, formulas, hyperlinks, dates). */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown };
  if (Array.isArray(v.richText)) return v.richText.map((part) => part.text).join('');
  if (v.text !== undefined) return cellText(v.text);
  if (v.result !== undefined) return cellText(v.result);
  return String(value);
}

/**
 * CSV and XLSX cells are text: lists are separated by "|", legal_basis is JSON or plain text
 * such as "52/2014/QH13 Điều 51 khoản 1; 91/2015/QH13 Điều 650".
 */
function fromTabular(record: Record<string, string>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [rawKey, rawValue] of Object.entries(record)) {
    const key = rawKey.trim().toLowerCase();
    const value = rawValue ?? '';
    if (key === 'alternates' || key === 'tags') {
      values[key] = value.split('|').map((s) => s.trim()).filter(Boolean);
    } else if (key === 'legal_basis') {
      values[key] = parseLegalBasisText(value);
    } else if (key === 'status' || key === 'reviewed_at') {
      if (value.trim() !== '') values[key] = value.trim();
    } else {
      values[key] = value;
    }
  }
  return values;
}

const DOCUMENT_NUMBER = /\d+\/\d{4}\/[A-Za-zĐđ0-9-]+/;

/** Reads a legal_basis cell: a JSON array or object, or plain text with ";" or "|" between citations. */
export function parseLegalBasisText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as unknown;
      return Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      return trimmed; // reported by validation as "not a list"
    }
  }
  return trimmed
    .split(/[;|]/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const citation: Record<string, string> = {};
      const number = DOCUMENT_NUMBER.exec(part)?.[0];
      const article = /Điều\s+\d+[a-zđ]?/iu.exec(part)?.[0];
      const clause = /khoản\s+(\d+[a-zđ]?)/iu.exec(part)?.[1];
      if (number) citation.document = number;
      else citation.document = part.replace(/,?\s*Điều\s+\d+.*$/iu, '').trim() || part;
      if (article) citation.article = article.replace(/^điều/i, 'Điều').replace(/\s+/g, ' ');
      if (clause) citation.clause = clause;
      return citation;
    });
}
