/** "2026-11-28" or an ISO time → "28/11/2026" (Vietnamese date order). */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

/** "14:05" in the reader's time zone. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** "Điều 81, khoản 3, Luật Hôn nhân và gia đình (52/2014/QH13)" */
export function citationText(c: { document?: string; title?: string; article?: string; clause?: string }): string {
  const parts: string[] = [];
  if (c.article) parts.push(c.article);
  if (c.clause) parts.push(`khoản ${c.clause}`);
  const doc = c.title && c.document && c.title !== c.document ? `${c.title} (${c.document})` : c.title || c.document || '';
  if (doc) parts.push(doc);
  return parts.join(', ');
}
