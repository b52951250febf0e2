import { canonicalSyllable, fold, hasDiacritics } from './syllable.js';

/**
 * Text → canonical tokens. Unicode NFC, lower case, one spelling per syllable (tone placement,
 * i/y), numbers without thousands separators or leading zeros, common units after a number
 * spelled out, punctuation turned into sentence breaks. Then the question boilerplate that
 * carries no meaning ("cho em hỏi", "như thế nào", a final "ạ") is dropped, while words that
 * change the meaning ("không", "chưa", "bao nhiêu", "được không") stay.
 */

/** Marks a sentence or clause break between tokens; no bigram spans it. */
export const BREAK = '|';

const TOKEN_PATTERN = /(\d+(?:[.,]\d+)*)|([\p{L}\p{M}]+\d*)|(%)|([.,;:!?()[\]{}"“”‘’…/\\\n\r\t–—-]+)/gu;

/** Units written right after a number ("10tr", "500k", "2 tỷ", "300đ"), by canonical token. */
const UNITS_AFTER_NUMBER: Record<string, string> = {
  k: 'nghìn',
  ngàn: 'nghìn',
  tr: 'triệu',
  trieu: 'triệu',
  ti: 'tỉ',
  tỉ: 'tỉ',
  đ: 'đồng',
  d: 'đồng',
  vnd: 'đồng',
  vnđ: 'đồng',
  dong: 'đồng',
  tuoi: 'tuổi',
  nam: 'năm',
  thang: 'tháng',
  ngay: 'ngày',
};

/** Multipliers after a number: "5 triệu" and "5.000.000" are the same amount. */
const MULTIPLIERS: Record<string, number> = { nghìn: 1e3, triệu: 1e6, tỉ: 1e9 };

function canonicalNumber(raw: string): string {
  let n = raw;
  if (/^\d{1,3}(?:[.,]\d{3})+$/.test(n)) n = n.replace(/[.,]/g, '');
  else n = n.replace(',', '.');
  n = n.replace(/^0+(?=\d)/, '');
  return n;
}

export function isNumberToken(token: string): boolean {
  return /^\d/.test(token);
}

/**
 * Splits text into canonical tokens, with {@link BREAK} between clauses. Never throws; text
 * without letters or digits gives an empty list.
 */
export function tokenize(text: string): string[] {
  // NFKC: composed letters, and full-width or styled forms ("ｌｙ", "²") read as plain ones.
  const source = text.normalize('NFKC').toLowerCase();
  const out: string[] = [];
  for (const m of source.matchAll(TOKEN_PATTERN)) {
    if (m[1] !== undefined) out.push(canonicalNumber(m[1]));
    else if (m[2] !== undefined) {
      const word = canonicalSyllable(m[2]);
      const previous = out[out.length - 1];
      const afterNumber = previous !== undefined && isNumberToken(previous);
      const unit = (afterNumber ? UNITS_AFTER_NUMBER[word] : undefined) ?? word;
      const multiplier = afterNumber ? MULTIPLIERS[unit] : undefined;
      const amount = multiplier !== undefined ? Number(previous) * multiplier : NaN;
      if (Number.isSafeInteger(amount)) out[out.length - 1] = String(amount);
      else out.push(unit);
    } else if (m[3] !== undefined) out.push('phần', 'trăm');
    else if (out.length > 0 && out[out.length - 1] !== BREAK) out.push(BREAK);
  }
  while (out[out.length - 1] === BREAK) out.pop();
  return out;
}

/** Canonical text: the tokens joined by spaces, breaks shown as " | ". Handy in tests and logs. */
export function normalizeText(text: string): string {
  return tokenize(text).join(' ');
}

/** Canonical text without diacritics ("Sổ đỏ" → "so do"). */
export function foldText(text: string): string {
  return fold(normalizeText(text));
}

/**
 * Does the token match the pattern syllable? Exactly, or, when the citizen typed the token without
 * any diacritic, after folding the pattern ("so" matches "sổ", "sổ" does not match "số").
 */
export function syllableMatches(token: string, pattern: string): boolean {
  return token === pattern || (!hasDiacritics(token) && token === fold(pattern));
}

/** Does the token sequence at `at` spell the phrase (see {@link syllableMatches})? */
export function phraseAt(tokens: readonly string[], at: number, phrase: readonly string[]): boolean {
  if (at + phrase.length > tokens.length) return false;
  for (let k = 0; k < phrase.length; k++) if (!syllableMatches(tokens[at + k]!, phrase[k]!)) return false;
  return true;
}

type Position = 'any' | 'start' | 'end';

/** Phrases that only frame a question. Order matters: longer phrases first. */
const BOILERPLATE: Array<[Position, string]> = [
  ['any', 'luật sư cho em hỏi'],
  ['any', 'luật sư cho tôi hỏi'],
  ['any', 'luật sư cho mình hỏi'],
  ['any', 'luật sư cho hỏi'],
  ['any', 'cho em hỏi chút'],
  ['any', 'cho em hỏi'],
  ['any', 'cho mình hỏi'],
  ['any', 'cho tôi hỏi'],
  ['any', 'cho cháu hỏi'],
  ['any', 'cho con hỏi'],
  ['any', 'cho anh hỏi'],
  ['any', 'cho chị hỏi'],
  ['any', 'cho tớ hỏi'],
  ['any', 'cho hỏi'],
  ['any', 'em xin hỏi'],
  ['any', 'tôi xin hỏi'],
  ['any', 'mình xin hỏi'],
  ['any', 'cháu xin hỏi'],
  ['any', 'xin hỏi'],
  ['any', 'em muốn hỏi'],
  ['any', 'tôi muốn hỏi'],
  ['any', 'mình muốn hỏi'],
  ['any', 'cháu muốn hỏi'],
  ['any', 'em hỏi chút'],
  ['any', 'hỏi chút'],
  ['any', 'luật sư ơi'],
  ['any', 'ad ơi'],
  ['any', 'admin ơi'],
  ['any', 'anh chị ơi'],
  ['any', 'mọi người ơi'],
  ['any', 'anh ơi'],
  ['any', 'chị ơi'],
  ['any', 'bạn ơi'],
  ['any', 'em chào luật sư'],
  ['any', 'chào luật sư'],
  ['any', 'xin chào'],
  ['any', 'chào ad'],
  ['any', 'chào bạn'],
  ['any', 'như thế nào'],
  ['any', 'thế nào'],
  ['any', 'ra sao'],
  ['any', 'với ạ'],
  ['any', 'giúp em với'],
  ['any', 'giúp mình với'],
  ['any', 'giúp tôi với'],
  ['any', 'tư vấn giúp em'],
  ['any', 'tư vấn giúp'],
  ['any', 'tư vấn cho em'],
  ['any', 'nhờ luật sư tư vấn'],
  ['any', 'em xin cảm ơn'],
  ['any', 'em cảm ơn'],
  ['any', 'xin cảm ơn'],
  ['any', 'cảm ơn'],
  ['any', 'cám ơn'],
  ['start', 'dạ'],
  ['start', 'vâng'],
  ['end', 'ạ'],
  ['end', 'ah'],
  ['end', 'à'],
  ['end', 'nhé'],
  ['end', 'nha'],
  ['end', 'nhá'],
  ['end', 'vậy'],
  ['end', 'thế'],
  ['end', 'với'],
  ['end', 'nhỉ'],
  ['end', 'hả'],
  ['end', 'hở'],
  ['end', 'ad'],
  ['end', 'admin'],
  ['end', 'luật sư'],
];

const COMPILED_BOILERPLATE = BOILERPLATE.map(([position, phrase]) => ({ position, tokens: tokenize(phrase) }));
const END_PARTICLES = COMPILED_BOILERPLATE.filter((b) => b.position === 'end');

const isBoundary = (tokens: readonly string[], i: number) => i < 0 || i >= tokens.length || tokens[i] === BREAK;

function tidyBreaks(tokens: string[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    if (t === BREAK && (out.length === 0 || out[out.length - 1] === BREAK)) continue;
    out.push(t);
  }
  while (out[out.length - 1] === BREAK) out.pop();
  return out;
}

/**
 * Drops sentence-final particles ("ạ", "nhé", "với", "vậy"), repeatedly, so that "giúp em với ạ"
 * loses both. Runs before chat shorthand so that a final unaccented "a" is read as "ạ", not "anh".
 */
export function stripEndParticles(tokens: readonly string[]): string[] {
  const out = [...tokens];
  let changed = true;
  while (changed) {
    changed = false;
    for (let end = out.length - 1; end >= 0; end--) {
      if (out[end] === BREAK || !isBoundary(out, end + 1)) continue;
      for (const p of END_PARTICLES) {
        const start = end - p.tokens.length + 1;
        // Keep a particle that is the whole sentence: "vâng", "ạ" alone are for small talk to read.
        if (start < 1 || isBoundary(out, start - 1) || !phraseAt(out, start, p.tokens)) continue;
        out.splice(start, p.tokens.length);
        changed = true;
        break;
      }
    }
  }
  return tidyBreaks(out);
}

/** Boilerplate phrases (not sentence-final ones) by folded first syllable, longest first. */
const BOILERPLATE_BY_FIRST = (() => {
  const index = new Map<string, typeof COMPILED_BOILERPLATE>();
  for (const b of COMPILED_BOILERPLATE) {
    if (b.position === 'end') continue;
    const key = fold(b.tokens[0]!);
    const list = index.get(key) ?? [];
    list.push(b);
    index.set(key, list);
  }
  for (const list of index.values()) list.sort((a, b) => b.tokens.length - a.tokens.length);
  return index;
})();

/** Drops question boilerplate anywhere in the token list (see the module comment). */
export function stripBoilerplate(tokens: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    let skipped = 0;
    const candidates = tokens[i] === BREAK ? undefined : BOILERPLATE_BY_FIRST.get(fold(tokens[i]!));
    if (candidates) {
      for (const b of candidates) {
        if (b.position === 'start' && !isBoundary(out, out.length - 1)) continue;
        if (phraseAt(tokens, i, b.tokens)) {
          skipped = b.tokens.length;
          break;
        }
      }
    }
    if (skipped > 0) i += skipped;
    else out.push(tokens[i++]!);
  }
  return stripEndParticles(tidyBreaks(out));
}
