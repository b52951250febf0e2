import { z } from 'zod';
import { BREAK, isNumberToken, phraseAt, tokenize } from './normalize.js';
import { fold } from './syllable.js';

/**
 * The matching dictionary (knowledge-base/dictionary.json, format in docs/matching.md):
 * abbreviations and synonyms are groups of equivalent terms, chat shorthand is a query-only
 * rewrite of one token. Admins edit it; the matcher takes a new one with `setDictionary()`.
 */

const term = z.string().trim().min(1).max(120);

export const dictionaryEntrySchema = z
  .object({
    /** abbreviation / synonym: equivalent terms. shorthand: terms[1..] are rewritten to terms[0]. */
    kind: z.enum(['abbreviation', 'synonym', 'shorthand']),
    terms: z.array(term).min(2).max(30),
    /** How much a match through another term of the group counts (0.1..1); see defaults below. */
    weight: z.number().min(0.1).max(1).optional(),
    /** Free text for the people who maintain the file. */
    note: z.string().max(500).optional(),
  })
  .strict();

export const dictionarySchema = z
  .object({
    version: z.literal(1),
    description: z.string().optional(),
    entries: z.array(dictionaryEntrySchema).max(20_000),
  })
  .strict();

/** The dictionary as stored in knowledge-base/dictionary.json. */
export type Dictionary = z.infer<typeof dictionarySchema>;
export type DictionaryEntry = z.infer<typeof dictionaryEntrySchema>;

/** An empty dictionary: the matcher works without one, only less well. */
export const EMPTY_DICTIONARY: Dictionary = { version: 1, entries: [] };

/** Default weight of a match through another term of a group, by kind. */
const DEFAULT_WEIGHT = { abbreviation: 1, synonym: 0.9, shorthand: 1 } as const;

/** A term of a group, as canonical syllables. */
export interface GroupTerm {
  tokens: string[];
  /** Weight of matching this term when the citizen wrote another term of the group. */
  weight: number;
}

/** Equivalent terms found for a span of the query. */
export interface GroupMatch {
  start: number;
  length: number;
  /** Every term equivalent to what was written, the written one with weight 1. */
  terms: GroupTerm[];
}

/** A dictionary ready for use: lookups by token. */
export interface CompiledDictionary {
  /** Canonical token → replacement tokens, for chat shorthand in queries. */
  shorthand: Map<string, string[]>;
  /** Folded first syllable → candidate terms (longest first), each with the groups it belongs to. */
  byFirstSyllable: Map<string, Array<{ tokens: string[]; groups: number[] }>>;
  groups: GroupTerm[][];
  /** Folded syllables of every term: a query syllable found here is not a typo. */
  syllables: Set<string>;
  /** Number of entries, for stats. */
  entries: number;
}

/**
 * Validates a dictionary (throws a ZodError listing every problem) and returns it parsed.
 * Accepts the parsed JSON of knowledge-base/dictionary.json.
 */
export function parseDictionary(input: unknown): Dictionary {
  return dictionarySchema.parse(input);
}

/** Prepares a dictionary for lookups: every term goes through the same normalisation as text. */
export function compileDictionary(dictionary: Dictionary): CompiledDictionary {
  const shorthand = new Map<string, string[]>();
  const groups: GroupTerm[][] = [];
  const byTerm = new Map<string, { tokens: string[]; groups: number[] }>();
  const syllables = new Set<string>();
  for (const entry of dictionary.entries) {
    const termTokens = entry.terms.map((t) => tokenize(t).filter((x) => x !== BREAK)).filter((t) => t.length > 0);
    for (const tokens of termTokens) for (const t of tokens) syllables.add(fold(t));
    if (termTokens.length < 2) continue;
    if (entry.kind === 'shorthand') {
      const [target, ...sources] = termTokens;
      for (const source of sources) if (source.length === 1) shorthand.set(source[0]!, target!);
      continue;
    }
    const weight = entry.weight ?? DEFAULT_WEIGHT[entry.kind];
    const id = groups.length;
    groups.push(termTokens.map((tokens) => ({ tokens, weight })));
    for (const tokens of termTokens) {
      const key = tokens.join(' ');
      const known = byTerm.get(key);
      if (known) {
        if (!known.groups.includes(id)) known.groups.push(id);
      } else byTerm.set(key, { tokens, groups: [id] });
    }
  }
  const byFirstSyllable = new Map<string, Array<{ tokens: string[]; groups: number[] }>>();
  for (const value of byTerm.values()) {
    const key = fold(value.tokens[0]!);
    const list = byFirstSyllable.get(key) ?? [];
    list.push(value);
    byFirstSyllable.set(key, list);
  }
  for (const list of byFirstSyllable.values()) list.sort((a, b) => b.tokens.length - a.tokens.length);
  return { shorthand, byFirstSyllable, groups, syllables, entries: dictionary.entries.length };
}

/**
 * Rewrites chat shorthand in query tokens ("ko" → "không", "ntn" → "như thế nào"). A token right
 * after a number is left alone: "10 k" is ten thousand, "5 kg" five kilograms.
 */
export function expandShorthand(tokens: readonly string[], dictionary: CompiledDictionary): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const replacement = dictionary.shorthand.get(token);
    const afterNumber = i > 0 && isNumberToken(tokens[i - 1]!);
    if (replacement && !afterNumber) out.push(...replacement);
    else out.push(token);
  }
  return out;
}

/**
 * Finds dictionary terms in the tokens, longest match first, left to right, without overlaps.
 * A term matches exactly or, for syllables typed without diacritics, after folding.
 */
export function findGroupTerms(tokens: readonly string[], dictionary: CompiledDictionary): GroupMatch[] {
  const matches: GroupMatch[] = [];
  let i = 0;
  while (i < tokens.length) {
    const candidates = tokens[i] === BREAK ? undefined : dictionary.byFirstSyllable.get(fold(tokens[i]!));
    const hit = candidates?.find((c) => phraseAt(tokens, i, c.tokens));
    if (!hit) {
      i++;
      continue;
    }
    const terms = new Map<string, GroupTerm>();
    terms.set(hit.tokens.join(' '), { tokens: hit.tokens, weight: 1 });
    for (const id of hit.groups) {
      for (const t of dictionary.groups[id]!) {
        const key = t.tokens.join(' ');
        const known = terms.get(key);
        if (!known || known.weight < t.weight) terms.set(key, known?.weight === 1 ? known : t);
      }
    }
    matches.push({ start: i, length: hit.tokens.length, terms: [...terms.values()] });
    i += hit.tokens.length;
  }
  return matches;
}
