/**
 * Small text helpers for knowledge-base data (not for question matching, which has its own
 * normalisation in server/matching).
 */

/**
 * NFC, trimmed, with inner runs of spaces folded and control characters dropped (sources carry
 * stray backspaces that spreadsheets silently lose); line breaks inside answers are kept.
 */
export function cleanText(value: string): string {
  return value
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();
}

/** Lower case, no diacritics (đ → d), words joined by single spaces: for loose name comparison. */
export function foldName(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** URL-safe slug of a Vietnamese name: "Hôn nhân và gia đình" → "hon-nhan-va-gia-dinh". */
export function slugify(value: string): string {
  return foldName(value).replace(/ /g, '-').slice(0, 80).replace(/-+$/, '');
}

/** Registry key of a document number: upper case, Đ kept as D, no spaces ("52/2014/qh13" → "52/2014/QH13"). */
export function documentKey(value: string): string {
  return value.normalize('NFC').replace(/\s+/g, '').replace(/đ/g, 'Đ').toUpperCase().replace(/Đ/g, 'D');
}
