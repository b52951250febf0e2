import { situationSchema, type SituationRecord } from './kb.format.js';
import type { RawRow, RowError } from './kb.parse.js';
import { cleanText, foldName, slugify } from './text.js';

/** A field as the validator needs it. */
export interface KnownField {
  id: number;
  slug: string;
  name: string;
}

/** A validated row, its field resolved (or to be created). */
export interface ValidRow {
  line: number;
  record: SituationRecord;
  /** Existing field id, or null when the field will be created under `newFieldSlug`. */
  fieldId: number | null;
  newFieldSlug?: string;
}

export interface ValidationResult {
  rows: ValidRow[];
  errors: RowError[];
  /** Fields that the import will create (only with createFields). */
  newFields: { slug: string; name: string }[];
}

/**
 * Resolves a field named by a file: by slug or by name, ignoring case and diacritics
 * ("Hôn nhân và gia đình", "hon nhan va gia dinh" and "hon-nhan-gia-dinh" all match).
 */
export function createFieldResolver(fields: KnownField[]) {
  const byKey = new Map<string, KnownField>();
  for (const field of fields) {
    byKey.set(foldName(field.slug), field);
    byKey.set(foldName(field.name), field);
  }
  return (value: string): KnownField | undefined => byKey.get(foldName(value));
}

/** Validates raw rows against the interchange format; every problem is reported, none thrown. */
export function validateRows(rows: RawRow[], fields: KnownField[], options: { createFields: boolean }): ValidationResult {
  const resolve = createFieldResolver(fields);
  const errors: RowError[] = [];
  const valid: ValidRow[] = [];
  const firstLineOfCode = new Map<string, number>();
  const newFields = new Map<string, { slug: string; name: string }>();
  const takenSlugs = new Set(fields.map((f) => f.slug));

  for (const row of rows) {
    const parsed = situationSchema.safeParse(row.values);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        errors.push({ file: row.file, line: row.line, field: issue.path.map(String).join('.'), message: issue.message });
      }
      continue;
    }
    const data = parsed.data;
    const record: SituationRecord = {
      code: data.code,
      field: cleanText(data.field),
      question: cleanText(data.question),
      alternates: dedupe(data.alternates.map(cleanText)),
      answer: cleanText(data.answer),
      legal_basis: data.legal_basis.map((c) => {
        const out: SituationRecord['legal_basis'][number] = {};
        if (c.document) out.document = cleanText(c.document);
        if (c.title) out.title = cleanText(c.title);
        if (c.article) out.article = cleanText(c.article);
        if (c.clause) out.clause = cleanText(c.clause);
        return out;
      }),
      tags: dedupe(data.tags.map(cleanText)),
      status: data.status,
      ...(data.reviewed_at !== undefined ? { reviewed_at: data.reviewed_at } : {}),
    };

    const seenAt = firstLineOfCode.get(record.code.toUpperCase());
    if (seenAt !== undefined) {
      errors.push({ file: row.file, line: row.line, field: 'code', message: `mã "${record.code}" trùng với dòng ${seenAt} trong cùng tệp` });
      continue;
    }
    firstLineOfCode.set(record.code.toUpperCase(), row.line);

    const field = resolve(record.field);
    if (field) {
      valid.push({ line: row.line, record, fieldId: field.id });
      continue;
    }
    if (!options.createFields) {
      errors.push({
        file: row.file,
        line: row.line,
        field: 'field',
        message: `lĩnh vực "${record.field}" không có trong hệ thống (dùng --create-fields để tạo mới)`,
      });
      continue;
    }
    const key = foldName(record.field);
    let created = newFields.get(key);
    if (!created) {
      let slug = slugify(record.field) || 'linh-vuc';
      for (let n = 2; takenSlugs.has(slug); n++) slug = `${slugify(record.field)}-${n}`;
      takenSlugs.add(slug);
      created = { slug, name: record.field };
      newFields.set(key, created);
    }
    valid.push({ line: row.line, record, fieldId: null, newFieldSlug: created.slug });
  }
  return { rows: valid, errors, newFields: [...newFields.values()] };
}

function dedupe(values: string[]): string[] {
  return [...new Set(values)];
}
