import { z } from 'zod';

/**
 * The interchange format (docs/knowledge-base-format.md): one situation per JSON line, or a CSV
 * or XLSX row with the same columns.
 */

export const LIMITS = {
  code: 64,
  question: 1000,
  alternate: 1000,
  alternates: 20,
  answer: 20000,
  tag: 100,
  tags: 30,
  citations: 20,
  citationPart: 500,
  citationArticle: 100,
  lineBytes: 200_000,
} as const;

export const SITUATION_STATUSES = ['draft', 'published', 'archived'] as const;
export type SituationStatus = (typeof SITUATION_STATUSES)[number];

/** A legal basis entry as it travels in files. */
export interface CitationRecord {
  document?: string;
  title?: string;
  article?: string;
  clause?: string;
}

/** One situation, validated and cleaned (NFC, trimmed), with its field still as the file named it. */
export interface SituationRecord {
  code: string;
  field: string;
  question: string;
  alternates: string[];
  answer: string;
  legal_basis: CitationRecord[];
  tags: string[];
  status: SituationStatus;
  reviewed_at?: string | null;
}

/** Columns in the order they are written to CSV and XLSX. */
export const COLUMNS = ['code', 'field', 'question', 'alternates', 'answer', 'legal_basis', 'tags', 'status', 'reviewed_at'] as const;
export const REQUIRED_COLUMNS = ['code', 'field', 'question', 'answer'] as const;

/**
 * A lone UTF-16 surrogate ("\\ud800" in JSON) is not text: PostgreSQL refuses it inside JSON and
 * turns it into U+FFFD inside text, so it is reported as a row error rather than stored.
 */
const isWellFormed = (value: string): boolean => !/\p{Cs}/u.test(value);
const MALFORMED = 'chứa ký tự hỏng (không phải Unicode hợp lệ)';

const required = (max: number) =>
  z
    .string({ error: (issue) => (issue.input === undefined || issue.input === null ? 'thiếu giá trị bắt buộc' : 'phải là một chuỗi văn bản') })
    .trim()
    .min(1, 'thiếu giá trị bắt buộc')
    .max(max, `dài quá ${max.toLocaleString('vi-VN')} ký tự`)
    .refine(isWellFormed, MALFORMED);

const optionalText = (max: number) =>
  z.string({ error: 'phải là một chuỗi văn bản' }).trim().max(max, `dài quá ${max} ký tự`).refine(isWellFormed, MALFORMED).optional();

export const citationSchema = z
  .object({
    document: optionalText(LIMITS.citationPart),
    title: optionalText(LIMITS.citationPart),
    article: optionalText(LIMITS.citationArticle),
    clause: optionalText(LIMITS.citationArticle),
  })
  .strict()
  .refine((c) => Boolean(c.document || c.title || c.article), 'cần ít nhất số hiệu văn bản, tên văn bản hoặc điều luật');

const textList = (maxItems: number, maxLength: number, what: string) =>
  z
    .array(required(maxLength), { error: 'phải là một danh sách chuỗi văn bản' })
    .max(maxItems, `nhiều hơn ${maxItems} ${what}`);

export const situationSchema = z
  .object({
    code: z
      .string({ error: (i) => (i.input == null ? 'thiếu giá trị bắt buộc' : 'phải là một chuỗi văn bản') })
      .trim()
      .min(1, 'thiếu giá trị bắt buộc')
      .max(LIMITS.code, `dài quá ${LIMITS.code} ký tự`)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'chỉ được dùng chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới'),
    field: required(200),
    question: required(LIMITS.question),
    alternates: textList(LIMITS.alternates, LIMITS.alternate, 'cách hỏi khác').default([]),
    answer: required(LIMITS.answer),
    legal_basis: z.array(citationSchema, { error: 'phải là một danh sách căn cứ pháp lý' }).max(LIMITS.citations).default([]),
    tags: textList(LIMITS.tags, LIMITS.tag, 'thẻ').default([]),
    status: z.enum(SITUATION_STATUSES, { error: 'phải là draft, published hoặc archived' }).default('published'),
    reviewed_at: z
      .string({ error: 'phải là ngày dạng YYYY-MM-DD' })
      .trim()
      .regex(/^\d{4}-\d{2}-\d{2}(T.*)?$/, 'phải là ngày dạng YYYY-MM-DD')
      .transform((v) => v.slice(0, 10))
      .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'không phải ngày hợp lệ')
      .nullable()
      .optional(),
  });
