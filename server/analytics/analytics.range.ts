import { z } from 'zod';
import { AppError } from '../errors.js';

/**
 * Date ranges of the dashboard, in Vietnam days. Vietnam keeps UTC+7 all year (no daylight
 * saving), so a day's bounds are computed here and the SQL only compares timestamps; grouping by
 * day uses `AT TIME ZONE 'Asia/Ho_Chi_Minh'`, which PGlite supports as PostgreSQL does.
 */

/** The time zone whose calendar days the dashboard counts. */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
const OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

/** Days shown when no range is given. */
export const DEFAULT_DAYS = 30;
/** Longest range accepted: keeps every query bounded. */
export const MAX_DAYS = 366;

/** An inclusive range of Vietnam calendar days and the instants that bound it. */
export interface DateRange {
  /** First day, `YYYY-MM-DD`. */
  from: string;
  /** Last day (inclusive), `YYYY-MM-DD`. */
  to: string;
  /** 00:00 Vietnam time on `from`. */
  start: Date;
  /** 00:00 Vietnam time on the day after `to` (exclusive). */
  end: Date;
  /** Every day of the range in order, for filling days without data. */
  days: string[];
}

const isoDay = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'ngày phải có dạng YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'ngày không tồn tại');

const rangeQuery = z.object({
  from: z.union([isoDay, z.literal('')]).optional(),
  to: z.union([isoDay, z.literal('')]).optional(),
});

/** The Vietnam calendar day of an instant, `YYYY-MM-DD`. */
export function vietnamDay(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** 00:00 Vietnam time of a `YYYY-MM-DD` day. */
export function startOfVietnamDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS);
}

/** `day` moved by `n` days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export const rangeErrors = {
  invalid: (detail: string) => new AppError('invalid_range', 400, `Khoảng thời gian không hợp lệ: ${detail}.`),
};

/** Builds a range from two inclusive days, checking order and length. */
export function makeRange(from: string, to: string, maxDays = MAX_DAYS): DateRange {
  if (from > to) throw rangeErrors.invalid('ngày bắt đầu sau ngày kết thúc');
  const count = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
  if (count > maxDays) throw rangeErrors.invalid(`dài quá ${maxDays} ngày`);
  const days = Array.from({ length: count }, (_, i) => addDays(from, i));
  return { from, to, start: startOfVietnamDay(from), end: startOfVietnamDay(addDays(to, 1)), days };
}

/**
 * Reads `?from=&to=` (either may be missing): the default is the last {@link DEFAULT_DAYS} days
 * ending today, Vietnam time; a lone `from` runs to today, a lone `to` covers the 30 days before it.
 */
export function parseRange(query: unknown, now: Date): DateRange {
  const parsed = rangeQuery.safeParse(query ?? {});
  if (!parsed.success) throw rangeErrors.invalid(parsed.error.issues[0]?.message ?? 'sai định dạng');
  const to = parsed.data.to || (parsed.data.from ? maxDay(parsed.data.from, vietnamDay(now)) : vietnamDay(now));
  const from = parsed.data.from || addDays(to, -(DEFAULT_DAYS - 1));
  return makeRange(from, to);
}

const maxDay = (a: string, b: string) => (a > b ? a : b);
