/**
 * Office hours in Vietnam time (UTC+7 all year, no daylight saving): "1-5 07:30-11:30,13:30-17:00"
 * means Monday to Friday, two sessions. Days: 0 = Sunday … 6 = Saturday.
 */
export interface OfficeHours {
  days: Set<number>;
  ranges: [number, number][];
}

const VIETNAM_OFFSET_MINUTES = 7 * 60;

export function parseOfficeHours(spec: string): OfficeHours {
  const [daysPart, timesPart] = spec.trim().split(/\s+/);
  if (!daysPart || !timesPart) throw new Error(`office hours "${spec}" must look like "1-5 07:30-17:00"`);
  const days = new Set<number>();
  for (const piece of daysPart.split(',')) {
    const [a, b] = piece.split('-').map(Number);
    if (a === undefined || Number.isNaN(a) || a < 0 || a > 6 || (b !== undefined && (Number.isNaN(b) || b < a || b > 6))) {
      throw new Error(`bad days "${piece}" in office hours`);
    }
    for (let d = a; d <= (b ?? a); d++) days.add(d);
  }
  const ranges = timesPart.split(',').map((range) => {
    const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(range);
    if (!m) throw new Error(`bad time range "${range}" in office hours`);
    const from = Number(m[1]) * 60 + Number(m[2]);
    const to = Number(m[3]) * 60 + Number(m[4]);
    if (from >= to || to > 24 * 60) throw new Error(`bad time range "${range}" in office hours`);
    return [from, to] as [number, number];
  });
  return { days, ranges };
}

/** Whether the given instant falls within office hours in Vietnam. */
export function isOfficeHours(hours: OfficeHours, at: Date): boolean {
  const local = new Date(at.getTime() + VIETNAM_OFFSET_MINUTES * 60_000);
  if (!hours.days.has(local.getUTCDay())) return false;
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  return hours.ranges.some(([from, to]) => minute >= from && minute < to);
}
