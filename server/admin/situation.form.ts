import { z } from 'zod';
import { SITUATION_STATUSES, type SituationStatus } from '../knowledge/kb.format.js';

/**
 * The situation edit form (url-encoded) ↔ the interchange format. Lists are one per line
 * (alternates) or separated by commas or lines (tags); citations are parallel rows.
 */

/** A form field as text: repeated fields (arrays) are joined, anything else is ''. */
export function text(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (Array.isArray(value)) return value.map(String).join('\n');
  return typeof value === 'string' ? value : '';
}

/** A repeated form field as a list of strings. */
export function list(body: Record<string, unknown>, key: string): string[] {
  const value = body[key];
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : ''));
  return typeof value === 'string' ? [value] : [];
}

const lines = (value: string) =>
  value
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);

export interface SituationForm {
  /** Interchange-format values for validation. */
  values: Record<string, unknown>;
  /** The version the admin edited (optimistic concurrency); undefined on create. */
  expectedVersion?: number;
  /** "Đã rà soát theo văn bản hiện hành" ticked: clear the review flag. */
  markReviewed: boolean;
}

/** Reads the submitted form. Status is kept as given (create) or as stored (edit: separate actions). */
export function parseSituationForm(body: Record<string, unknown>, options: { status?: SituationStatus } = {}): SituationForm {
  const documents = list(body, 'citation_document');
  const titles = list(body, 'citation_title');
  const articles = list(body, 'citation_article');
  const clauses = list(body, 'citation_clause');
  const legalBasis: Record<string, string>[] = [];
  const rows = Math.max(documents.length, titles.length, articles.length, clauses.length);
  for (let i = 0; i < rows; i++) {
    const citation: Record<string, string> = {};
    const put = (key: string, value: string | undefined) => {
      const v = (value ?? '').trim();
      if (v) citation[key] = v;
    };
    put('document', documents[i]);
    put('title', titles[i]);
    put('article', articles[i]);
    put('clause', clauses[i]);
    if (Object.keys(citation).length > 0) legalBasis.push(citation);
  }
  const requestedStatus = text(body, 'status');
  const status = options.status ?? ((SITUATION_STATUSES as readonly string[]).includes(requestedStatus) ? requestedStatus : 'draft');
  const reviewed = text(body, 'reviewed_at').trim();
  const version = Number(text(body, 'version'));
  return {
    values: {
      code: text(body, 'code').trim(),
      field: text(body, 'field'),
      question: text(body, 'question'),
      alternates: lines(text(body, 'alternates')),
      answer: text(body, 'answer'),
      legal_basis: legalBasis,
      tags: text(body, 'tags')
        .split(/[,\n]/)
        .map((s) => s.trim())
        .filter(Boolean),
      status,
      reviewed_at: reviewed === '' ? null : reviewed,
    },
    expectedVersion: Number.isInteger(version) && version > 0 ? version : undefined,
    markReviewed: text(body, 'mark_reviewed') === '1',
  };
}

/** What the edit template needs to show a (possibly invalid) submitted form again. */
export function formModel(values: Record<string, unknown>) {
  const basis = (values.legal_basis as Record<string, string>[] | undefined) ?? [];
  const rows = basis.map((c) => ({ document: c.document ?? '', title: c.title ?? '', article: c.article ?? '', clause: c.clause ?? '' }));
  for (let i = 0; i < 3; i++) rows.push({ document: '', title: '', article: '', clause: '' });
  return {
    code: values.code ?? '',
    field: values.field ?? '',
    question: values.question ?? '',
    alternates: ((values.alternates as string[] | undefined) ?? []).join('\n'),
    answer: values.answer ?? '',
    tags: ((values.tags as string[] | undefined) ?? []).join(', '),
    status: values.status ?? 'draft',
    reviewed_at: values.reviewed_at ?? '',
    citations: rows,
  };
}

/** Query of the situations list. */
export const listQuerySchema = z.object({
  q: z.string().trim().max(1000).optional().catch(undefined),
  field: z.string().trim().max(100).optional().catch(undefined),
  status: z.enum(SITUATION_STATUSES).optional().catch(undefined),
  older: z.coerce.number().int().min(1).max(240).optional().catch(undefined),
  review: z.literal('1').optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});
export type ListQuery = z.infer<typeof listQuerySchema>;
