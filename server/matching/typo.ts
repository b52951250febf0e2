import { decodeTelex, fold } from './syllable.js';
import type { Vocabulary } from './vocabulary.js';

/**
 * Typo repair against the knowledge base's own vocabulary, only for syllables the knowledge base
 * has never seen (a known syllable is never "corrected" into another): raw Telex ("hoon" → "hôn"),
 * two syllables typed without a space ("lyhon" → "ly hon"), then one or two letters off
 * (restricted Damerau-Levenshtein on folded forms, two edits only for long syllables).
 */

/** One way to read an unknown syllable, as one or more canonical syllables. */
export interface Correction {
  tokens: string[];
  /** 0..1: how much a match through this reading counts. */
  factor: number;
}

/** Restricted Damerau-Levenshtein distance (adjacent transpositions), giving up above `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0]![j] = j;
  for (let i = 1; i < rows; i++) {
    let rowMin = Infinity;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
  }
  return d[a.length]![b.length]!;
}

const MAX_CANDIDATES = 3;

/**
 * Readings of a syllable the vocabulary does not know, best first; empty when nothing plausible
 * is found (the syllable then stays unknown, which lowers the confidence, as it should).
 */
export function correctUnknown(token: string, vocabulary: Vocabulary): Correction[] {
  // Two Vietnamese syllables never make more than 14 letters; longer tokens are not typos of them.
  if (token.length > 14) return [];
  const telex = decodeTelex(token);
  if (telex && vocabulary.knows(telex)) return [{ tokens: [telex], factor: 1 }];

  const folded = fold(token);
  if (folded.length >= 4 && /^[a-z]+$/.test(folded)) {
    let best: { tokens: string[]; count: number } | null = null;
    for (let k = 1; k < folded.length; k++) {
      const left = folded.slice(0, k);
      const right = folded.slice(k);
      const count = vocabulary.foldedBigramCount(left, right);
      if (count > 0 && (!best || count > best.count)) best = { tokens: [left, right], count };
    }
    if (best) return [{ tokens: best.tokens, factor: 0.9 }];
  }

  if (folded.length < 3 || !/^[a-z]+$/.test(folded)) return [];
  const max = folded.length >= 6 ? 2 : 1;
  const found: Array<{ word: string; distance: number; count: number }> = [];
  for (let length = folded.length - max; length <= folded.length + max; length++) {
    for (const word of vocabulary.foldedOfLength(length)) {
      const distance = editDistance(folded, word, max);
      if (distance <= max) found.push({ word, distance, count: vocabulary.foldedCount(word) });
    }
  }
  found.sort((x, y) => x.distance - y.distance || y.count - x.count);
  // The repaired syllable is folded, so it matches whatever accent the knowledge base uses.
  return found.slice(0, MAX_CANDIDATES).map((f) => ({ tokens: [f.word], factor: f.distance === 1 ? 0.8 : 0.65 }));
}
