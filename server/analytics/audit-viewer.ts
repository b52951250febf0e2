import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { listAudit } from '../audit/index.js';
import { AppError } from '../errors.js';
import { addDays, startOfVietnamDay } from './analytics.range.js';
import { vietnameseDay } from './analytics.presenter.js';

/**
 * The audit log for admins: filters, pagination and a presenter. Reading goes through the audit
 * domain's `listAudit`; only the suggestions for the filter boxes are read here.
 */

/** Entries per page. */
export const AUDIT_PAGE_SIZE = 50;
/** Deepest page reachable: offsets stay bounded (narrow the filters to go further back). */
export const AUDIT_MAX_PAGE = 2000;
/** Longest before/after JSON shown on the page. */
const MAX_JSON_CHARS = 20_000;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `dài quá ${max} ký tự`)
    .optional()
    .transform((v) => (v ? v : undefined));
const optionalDay = z
  .string()
  .trim()
  .regex(/^(\d{4}-\d{2}-\d{2})?$/, 'ngày phải có dạng YYYY-MM-DD')
  .optional()
  .transform((v) => (v ? v : undefined));

const auditQuery = z.object({
  actor: optionalText(254).transform((v) => v?.toLowerCase()),
  action: optionalText(100),
  entity_type: optionalText(50),
  entity_id: optionalText(200),
  from: optionalDay,
  to: optionalDay,
  page: z.coerce.number().int().min(1).max(AUDIT_MAX_PAGE).optional().default(1),
});

export type AuditQuery = z.infer<typeof auditQuery>;

/** Parses the viewer's query string; a bad value is a 400 with a Vietnamese message. */
export function parseAuditQuery(query: unknown): AuditQuery {
  const parsed = auditQuery.safeParse(query ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError('invalid_filter', 400, `Bộ lọc không hợp lệ (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'sai định dạng'}).`);
  }
  if (parsed.data.from && parsed.data.to && parsed.data.from > parsed.data.to) {
    throw new AppError('invalid_filter', 400, 'Bộ lọc không hợp lệ: ngày bắt đầu sau ngày kết thúc.');
  }
  return parsed.data;
}

export interface AuditRow {
  id: number;
  actorId: string | null;
  actorEmail: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  createdAt: Date;
}

/** One page of entries, newest first, and whether another page follows. */
export async function auditPage(dataSource: DataSource, query: AuditQuery): Promise<{ entries: AuditRow[]; hasNext: boolean }> {
  const rows: AuditRow[] = await listAudit(dataSource, {
    actorEmail: query.actor,
    action: query.action,
    entityType: query.entity_type,
    entityId: query.entity_id,
    from: query.from ? startOfVietnamDay(query.from) : undefined,
    to: query.to ? startOfVietnamDay(addDays(query.to, 1)) : undefined,
    // One more than a page tells whether there is a next page without counting the whole log.
    limit: AUDIT_PAGE_SIZE + 1,
    offset: (query.page - 1) * AUDIT_PAGE_SIZE,
  });
  return { entries: rows.slice(0, AUDIT_PAGE_SIZE), hasNext: rows.length > AUDIT_PAGE_SIZE };
}

/** Pretty JSON for a before/after value (null when absent), cut when huge. */
export function prettyJson(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = JSON.stringify(value, null, 2);
  return text.length > MAX_JSON_CHARS ? `${text.slice(0, MAX_JSON_CHARS)}\n… (đã rút gọn, ${text.length.toLocaleString('vi-VN')} ký tự)` : text;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Top-level keys whose value differs between before and after (both objects), else []. */
export function changedKeys(before: unknown, after: unknown): string[] {
  if (!isPlainObject(before) || !isPlainObject(after)) return [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

/** The viewer's URL for a set of filters (empty values left out). */
export function auditUrl(filters: Partial<Record<keyof AuditQuery, string | number | undefined>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value !== undefined && value !== '' && !(key === 'page' && value === 1)) params.set(key, String(value));
  const qs = params.toString();
  return qs ? `/admin/audit?${qs}` : '/admin/audit';
}

/** What the audit template receives: every text escaped by the template, JSON pretty-printed. */
export function presentAuditPage(query: AuditQuery, page: { entries: AuditRow[]; hasNext: boolean }, suggestions: { actions: string[]; entityTypes: string[] }) {
  const filters = { actor: query.actor, action: query.action, entity_type: query.entity_type, entity_id: query.entity_id, from: query.from, to: query.to };
  const option = (selected: string | undefined) => (value: string) => ({ value, selected: value === selected });
  const withSelected = (values: string[], selected: string | undefined) => (selected && !values.includes(selected) ? [selected, ...values] : values).map(option(selected));
  return {
    filter: { actor: query.actor ?? '', entityId: query.entity_id ?? '', from: query.from ?? '', to: query.to ?? '' },
    actions: withSelected(suggestions.actions, query.action),
    entityTypes: withSelected(suggestions.entityTypes, query.entity_type),
    page: query.page,
    prevUrl: query.page > 1 ? auditUrl({ ...filters, page: query.page - 1 }) : null,
    nextUrl: page.hasNext && query.page < AUDIT_MAX_PAGE ? auditUrl({ ...filters, page: query.page + 1 }) : null,
    entries: page.entries.map((e) => {
      const before = prettyJson(e.before);
      const after = prettyJson(e.after);
      const at = new Date(new Date(e.createdAt).getTime() + 7 * 3_600_000).toISOString();
      return {
        iso: new Date(e.createdAt).toISOString(),
        at: `${vietnameseDay(at.slice(0, 10))} ${at.slice(11, 19)}`,
        actorEmail: e.actorEmail,
        actorUrl: auditUrl({ actor: e.actorEmail }),
        action: e.action,
        entityType: e.entityType,
        entityId: e.entityId,
        entityUrl: auditUrl({ entity_type: e.entityType, entity_id: e.entityId }),
        changed: changedKeys(e.before, e.after).join(', '),
        before,
        after,
        // Small changes are shown at once; long ones stay folded so the list stays readable.
        short: (before?.length ?? 0) + (after?.length ?? 0) <= 600,
      };
    }),
  };
}
