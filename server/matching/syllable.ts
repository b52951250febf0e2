/**
 * One Vietnamese syllable at a time: canonical tone placement, i/y spelling, folding, and reading
 * a syllable typed in Telex with the input method switched off ("hoon" → "hôn").
 *
 * Canonical form: tone mark on the vowel the traditional style uses ("hòa", "thủy", "khỏe",
 * "quý"), and "i" rather than "y" after a consonant in a one-vowel syllable ("kĩ", "lí", "mĩ",
 * "qui" → "quy" excepted). The form is internal: it only has to be the same for every spelling
 * a citizen or a writer may use; what is displayed is always the original text.
 */

/** Combining tone marks (NFD): huyền, sắc, hỏi, ngã, nặng. */
const TONE_MARKS = new Set(['\u0300', '\u0301', '\u0309', '\u0303', '\u0323']);
const VOWELS = new Set([...'aăâeêioôơuưy']);
const MARKED_VOWELS = new Set([...'ăâêôơư']);

const CACHE_LIMIT = 50_000;
const canonicalCache = new Map<string, string>();

/** Remembers results of a pure function on short strings; cleared when it grows too large. */
function remember(cache: Map<string, string>, key: string, compute: (key: string) => string): string {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    value = compute(key);
    cache.set(key, value);
  }
  return value;
}

/** Index of the vowel that carries the tone in a toneless, lower-case NFC syllable; -1 if none. */
export function tonePosition(base: string): number {
  const c = [...base];
  let i = 0;
  while (i < c.length && !VOWELS.has(c[i]!)) i++;
  if (i === c.length) return -1;
  // "qu" and "gi" (before another vowel) are initial consonants, not vowels.
  if (i > 0 && c[i - 1] === 'q' && c[i] === 'u' && i + 1 < c.length && VOWELS.has(c[i + 1]!)) i++;
  else if (i > 0 && c[i - 1] === 'g' && c[i] === 'i' && i + 1 < c.length && VOWELS.has(c[i + 1]!)) i++;
  let j = i;
  while (j < c.length && VOWELS.has(c[j]!)) j++;
  for (let k = j - 1; k >= i; k--) if (MARKED_VOWELS.has(c[k]!)) return k;
  const length = j - i;
  if (length === 1) return i;
  if (j < c.length) return j - 1; // closed syllable: "hoàn", "huỳnh"
  if (length >= 3) return i + 1; // "ngoài", "khuỷu"
  return i; // open two-vowel cluster, traditional style: "hòa", "thủy", "mùa"
}

/** "ly" → "li", "kỹ" → "kĩ", "qui" → "quy": one spelling for the i/y pairs (toneless input). */
function unifyIY(base: string): string {
  if (base === 'qui') return 'quy';
  if (/^(?:[bcdđhklmnprstvx]|ch|gh|kh|nh|ph|th|tr|ng|ngh)y$/.test(base)) return base.slice(0, -1) + 'i';
  return base;
}

function computeCanonical(syllable: string): string {
  const decomposed = syllable.normalize('NFD');
  let tone = '';
  let rest = '';
  for (const ch of decomposed) {
    if (TONE_MARKS.has(ch)) tone = ch;
    else rest += ch;
  }
  const base = unifyIY(rest.normalize('NFC'));
  if (!tone) return base;
  const position = tonePosition(base);
  if (position < 0) return base;
  const chars = [...base];
  chars[position] = (chars[position]! + tone).normalize('NFC');
  return chars.join('');
}

/** Canonical spelling of one lower-case syllable (any tone placement, any normalisation form). */
export function canonicalSyllable(syllable: string): string {
  return remember(canonicalCache, syllable, computeCanonical);
}

/** Vietnamese (and common Latin) letters with diacritics → base letter, for fast folding. */
const FOLD_TABLE = (() => {
  const table = new Map<string, string>();
  const letters =
    'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ' +
    'ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ';
  for (const ch of letters) {
    const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
    table.set(ch, ch === 'đ' ? 'd' : ch === 'Đ' ? 'D' : base);
  }
  return table;
})();

const foldCache = new Map<string, string>();
/** Syllables and short phrases are folded once and remembered: indexing folds each many times. */
const FOLD_CACHE_MAX_LENGTH = 24;

/** Without any diacritic: "đất" → "dat", "Hòa" → "Hoa" (case is kept; input in NFC). */
export function fold(text: string): string {
  return text.length <= FOLD_CACHE_MAX_LENGTH ? remember(foldCache, text, foldUncached) : foldUncached(text);
}

function foldUncached(text: string): string {
  let out = '';
  let changed = false;
  for (const ch of text) {
    const base = FOLD_TABLE.get(ch);
    if (base !== undefined) {
      out += base;
      changed = true;
    } else if (ch.charCodeAt(0) > 0x7f && /\p{M}/u.test(ch.normalize('NFD'))) {
      out += ch.normalize('NFD').replace(/\p{M}/gu, '');
      changed = true;
    } else out += ch;
  }
  return changed ? out : text;
}

/** True when the token carries any Vietnamese diacritic (tone, vowel mark or đ). */
export function hasDiacritics(token: string): boolean {
  return fold(token) !== token;
}

const TELEX_TONES: Record<string, string> = { s: '\u0301', f: '\u0300', r: '\u0309', x: '\u0303', j: '\u0323' };

/**
 * Reads a token typed in Telex without the input method: "hoon" → "hôn", "baor" → "bảo",
 * "ddaats" → "đất". Returns null when the token does not look like raw Telex. The caller checks
 * the result against the knowledge base's vocabulary before trusting it.
 */
export function decodeTelex(token: string): string | null {
  if (!/^[a-z]{2,9}$/.test(token)) return null;
  let body = token;
  let tone = '';
  const last = body[body.length - 1]!;
  if (last in TELEX_TONES && body.length > 1) {
    tone = TELEX_TONES[last]!;
    body = body.slice(0, -1);
  }
  let decoded = body
    .replace(/dd/g, 'đ')
    .replace(/uow/g, 'ươ')
    .replace(/aa/g, 'â')
    .replace(/ee/g, 'ê')
    .replace(/oo/g, 'ô')
    .replace(/aw/g, 'ă')
    .replace(/ow/g, 'ơ')
    .replace(/uw/g, 'ư')
    .replace(/w/g, 'ư');
  if (decoded === body && !tone) return null;
  if (/[fjwz]/.test(decoded)) return null;
  if (tone) {
    const position = tonePosition(decoded);
    if (position < 0) return null;
    const chars = [...decoded];
    chars[position] = (chars[position]! + tone).normalize('NFC');
    decoded = chars.join('');
  }
  return canonicalSyllable(decoded);
}

const INITIALS = '(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?';
const NUCLEI =
  '(?:uyeu|uyen|oai|oay|oeo|uay|uoi|uou|uya|uye|uyu|yeu|ieu|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo|ua|ue|ui|uo|uu|uy|ye|a|e|i|o|u|y)';
const FINALS = '(?:ch|ng|nh|[cmnpt])?';
const SYLLABLE_SHAPE = new RegExp(`^${INITIALS}${NUCLEI}${FINALS}$`);

/** Is the token shaped like a Vietnamese syllable (initial, vowels, final; at most one tone)? */
export function isVietnameseSyllable(token: string): boolean {
  let tones = 0;
  for (const ch of token.normalize('NFD')) if (TONE_MARKS.has(ch)) tones++;
  return tones <= 1 && SYLLABLE_SHAPE.test(fold(token).replace(/đ/g, 'd'));
}
