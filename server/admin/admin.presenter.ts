import { answerReply, DISCLAIMER } from '../chat/bot-reply.js';
import type { CitationView, SituationView } from '../knowledge/index.js';

/**
 * What admin pages show. The answer preview goes through the bot's own `answerReply`, so the
 * console shows exactly what a citizen would read in the widget (notes on amended or repealed
 * documents included).
 */

/** A citation as one line, in the widget's words: "Điều 51, khoản 1, Luật Hôn nhân và gia đình (52/2014/QH13)". */
export function citationText(c: { document?: string; title?: string; article?: string; clause?: string }): string {
  const parts: string[] = [];
  if (c.article) parts.push(c.article);
  if (c.clause) parts.push(`khoản ${c.clause}`);
  const doc = c.title && c.document && c.title !== c.document ? `${c.title} (${c.document})` : c.title || c.document || '';
  if (doc) parts.push(doc);
  return parts.join(', ');
}

export interface AnswerPreview {
  question: string;
  paragraphs: string[];
  basis: { text: string; note?: string }[];
  reviewedAt: string | null;
  disclaimer: string;
}

/** The bot's answer message for a situation, as the widget lays it out. */
export function previewOf(situation: Pick<SituationView, 'code' | 'question' | 'answer' | 'field' | 'reviewedAt' | 'citations'>): AnswerPreview {
  const message = answerReply(situation as SituationView, []);
  const payload = message.payload as { situation: { legal_basis: { document?: string; title?: string; article?: string; clause?: string; note?: string }[] } };
  return {
    question: situation.question,
    paragraphs: message.body
      .split(/\n{2,}/)
      .map((p) => p.trim())
      .filter(Boolean),
    basis: payload.situation.legal_basis.map((c) => ({ text: citationText(c), note: c.note })),
    reviewedAt: situation.reviewedAt,
    disclaimer: DISCLAIMER,
  };
}

/** Shapes a citation for the edit form's rows. */
export function citationRow(c: CitationView | { document?: string; title?: string; article?: string; clause?: string }) {
  if ('documentRef' in c) return { document: c.document?.number ?? c.documentRef, title: c.title, article: c.article, clause: c.clause };
  return { document: c.document ?? '', title: c.title ?? '', article: c.article ?? '', clause: c.clause ?? '' };
}

/** Builds list URLs that keep the current filters. */
export function withQuery(base: string, query: Record<string, string | number | undefined | null | boolean>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}

/** Pagination links for a list page. */
export function pager(base: string, query: Record<string, string | number | undefined | null | boolean>, page: number, pageSize: number, total: number) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return {
    page,
    pages,
    total,
    prev: page > 1 ? withQuery(base, { ...query, page: page - 1 }) : null,
    next: page < pages ? withQuery(base, { ...query, page: page + 1 }) : null,
  };
}

/** Today's date in Vietnam (YYYY-MM-DD): what "reviewed today" means for the Department. */
export function todayInVietnam(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** The date N months before today (YYYY-MM-DD), for "not reviewed for N months". */
export function monthsAgo(months: number, now: Date = new Date()): string {
  const [y, m, d] = todayInVietnam(now).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1 - months, 1));
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(d, lastDay));
  return date.toISOString().slice(0, 10);
}
