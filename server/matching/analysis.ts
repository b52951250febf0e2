import { expandShorthand, findGroupTerms, type CompiledDictionary } from './dictionary.js';
import { BREAK, isNumberToken, stripBoilerplate, stripEndParticles, tokenize } from './normalize.js';
import { decodeTelex, fold, hasDiacritics, isVietnameseSyllable } from './syllable.js';
import { correctUnknown } from './typo.js';
import { syllableImportance, type Vocabulary } from './vocabulary.js';

/**
 * A question turned into what the scorer needs: slots (one syllable, or one dictionary term), each
 * with the ways it may appear in a situation and how much it weighs.
 */

/** One way a slot may appear in a situation. */
export interface Alternative {
  /** Canonical syllables. */
  syl: string[];
  /** The same, folded. */
  fold: string[];
  /** 0..1: how much an exact match counts (1 for what the citizen wrote). */
  factor: number;
  /** 0..1: how much of `factor` is kept when only the folded forms agree. */
  foldFactor: number;
}

export interface Slot {
  alts: Alternative[];
  /**
   * For a dictionary term: its syllables one by one, so that a situation saying part of it
   * ("dưới bao nhiêu tuổi" for "dưới 18 tuổi") still counts for part of it.
   */
  parts?: Array<{ alt: Alternative; weight: number }>;
  /** How much the slot says (importance × idf). */
  weight: number;
  /** A sentence break precedes the slot, so no bigram joins it to the previous one. */
  breakBefore: boolean;
  /** What the citizen wrote, canonical (for logs and tests). */
  surface: string;
}

export interface QueryPlan {
  slots: Slot[];
  /** Canonical tokens after boilerplate, shorthand and typo repair. */
  tokens: string[];
}

/** Canonical tokens of situation text: boilerplate is dropped as it is from questions. */
export function analyseDocumentText(text: string): string[] {
  return stripBoilerplate(tokenize(text));
}

/**
 * Canonical tokens of a question: raw Telex read first ("hoir" → "hỏi", "aj" → "ạ") so that the
 * boilerplate it spells is dropped too, then final particles, chat shorthand and boilerplate.
 */
export function questionTokens(text: string, dictionary: CompiledDictionary, vocabulary: Vocabulary): string[] {
  const decoded = tokenize(text).map((token) => {
    if (token === BREAK || dictionary.shorthand.has(token) || !isUnknown(token, vocabulary, dictionary)) return token;
    const telex = decodeTelex(token);
    return telex && (vocabulary.knows(telex) || isVietnameseSyllable(telex)) ? telex : token;
  });
  return stripBoilerplate(expandShorthand(stripEndParticles(decoded), dictionary));
}

function isUnknown(token: string, vocabulary: Vocabulary, dictionary: CompiledDictionary): boolean {
  const f = fold(token);
  return !vocabulary.knows(token) && !vocabulary.knowsFolded(f) && !dictionary.syllables.has(f) && !isNumberToken(token);
}

/** Weight of one syllable of the query, from the most specific evidence available. */
function syllableWeight(token: string, vocabulary: Vocabulary): number {
  const importance = syllableImportance(token);
  const f = '~' + fold(token);
  if (hasDiacritics(token) && vocabulary.documentFrequency(token) > 0) return importance * vocabulary.idf(token);
  if (vocabulary.documentFrequency(f) > 0) return importance * vocabulary.idf(f);
  return importance * vocabulary.unseenIdf();
}

/** Weight of a phrase: its rarest syllable, plus a little for the others. */
function phraseWeight(tokens: readonly string[], vocabulary: Vocabulary): number {
  const weights = tokens.map((t) => syllableWeight(t, vocabulary)).sort((a, b) => b - a);
  return weights[0]! + 0.25 * weights.slice(1).reduce((s, w) => s + w, 0);
}

/**
 * Builds the query plan. Unknown syllables are repaired first (Telex, missing space, edit
 * distance) so that dictionary terms can be found in the repaired text.
 */
export function analyseQuery(text: string, dictionary: CompiledDictionary, vocabulary: Vocabulary): QueryPlan {
  const raw = questionTokens(text, dictionary, vocabulary);
  const tokens: string[] = [];
  const fuzzy = new Map<number, ReturnType<typeof correctUnknown>>();
  for (const token of raw) {
    if (token === BREAK || !isUnknown(token, vocabulary, dictionary)) {
      tokens.push(token);
      continue;
    }
    const corrections = correctUnknown(token, vocabulary);
    const first = corrections[0];
    if (first && first.factor >= 0.9) tokens.push(...first.tokens);
    else {
      if (corrections.length > 0) fuzzy.set(tokens.length, corrections);
      tokens.push(token);
    }
  }

  const slots: Slot[] = [];
  const groups = new Map(findGroupTerms(tokens, dictionary).map((g) => [g.start, g]));
  let breakBefore = false;
  for (let i = 0; i < tokens.length; ) {
    const token = tokens[i]!;
    if (token === BREAK) {
      breakBefore = true;
      i++;
      continue;
    }
    const group = groups.get(i);
    if (group) {
      const surface = tokens.slice(i, i + group.length);
      const accented = surface.some(hasDiacritics);
      const alts = group.terms.map((t) => ({
        syl: t.tokens,
        fold: t.tokens.map(fold),
        factor: t.weight,
        foldFactor: t.weight === 1 ? (accented ? 0.5 : 1) : 0.7,
      }));
      const known = group.terms.filter((t) => t.tokens.every((s) => vocabulary.documentFrequency('~' + fold(s)) > 0));
      const weight = Math.min(...(known.length > 0 ? known : [{ tokens: surface }]).map((t) => phraseWeight(t.tokens, vocabulary)));
      const parts = surface.map((t) => ({
        alt: { syl: [t], fold: [fold(t)], factor: 1, foldFactor: hasDiacritics(t) ? 0.5 : 1 },
        weight: syllableWeight(t, vocabulary),
      }));
      slots.push({ alts, parts, weight, breakBefore, surface: surface.join(' ') });
      i += group.length;
    } else {
      const accented = hasDiacritics(token);
      const alts: Alternative[] = [
        { syl: [token], fold: [fold(token)], factor: 1, foldFactor: accented ? (vocabulary.knows(token) ? 0.5 : 0.9) : 1 },
      ];
      let weight = syllableWeight(token, vocabulary);
      const corrections = fuzzy.get(i);
      if (corrections) {
        for (const c of corrections) alts.push({ syl: c.tokens, fold: c.tokens.map(fold), factor: c.factor, foldFactor: 1 });
        weight = Math.max(...corrections.map((c) => phraseWeight(c.tokens, vocabulary)));
      }
      slots.push({ alts, weight, breakBefore, surface: token });
      i++;
    }
    breakBefore = false;
  }
  return { slots, tokens };
}
