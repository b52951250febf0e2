import { BREAK } from './normalize.js';
import { fold } from './syllable.js';

/**
 * What the knowledge base says, counted: document frequencies of syllables over the matchable
 * texts (question, alternates, tags) for weighting, and every syllable seen anywhere (answers
 * included) so that typos can be told from words. Updated per situation, never rebuilt.
 */

/** Syllables that only hold a sentence together: they count for little on either side. */
const FUNCTION_WORDS = new Set(
  (
    'thì là mà và của có được bị cho với các những này đó kia nào gì khi nếu thế vậy để từ trong ngoài trên dưới về theo ' +
    'đã đang sẽ rồi cũng ra vào đi đến tới nên hay hoặc như nhưng vẫn còn chỉ rất quá lắm ai đâu sao ' +
    'ở tại do vì bởi nữa luôn thôi vừa cùng đều cả mỗi một'
  ).split(' '),
);
/** Pronouns: a citizen writes them all the time, situations rarely. */
const PRONOUNS = new Set('tôi em mình tớ tao cháu chúng ta họ nó anh chị bạn ông bà'.split(' '));

const FUNCTION_WEIGHT = 0.3;
const PRONOUN_WEIGHT = 0.25;
const NUMBER_WEIGHT = 0.5;

/** Per-situation contribution, kept so that removing a situation undoes exactly what it added. */
export interface VocabularyContribution {
  /** Distinct canonical and folded syllables of the matchable texts (folded ones prefixed "~"). */
  matchable: string[];
  /** Distinct folded bigrams of the matchable texts ("a_b"). */
  foldedBigrams: string[];
  /** Distinct syllables seen anywhere in the situation, canonical and folded ("~"). */
  seen: string[];
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
}

/** Builds the contribution of one situation from its token lists. */
export function contributionOf(matchableTexts: readonly (readonly string[])[], otherTexts: readonly (readonly string[])[]): VocabularyContribution {
  const matchable = new Set<string>();
  const bigrams = new Set<string>();
  const seen = new Set<string>();
  for (const tokens of matchableTexts) {
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t === BREAK) continue;
      matchable.add(t);
      matchable.add('~' + fold(t));
      const next = tokens[i + 1];
      if (next !== undefined && next !== BREAK) bigrams.add(fold(t) + '_' + fold(next));
    }
  }
  for (const key of matchable) seen.add(key);
  for (const tokens of otherTexts) {
    for (const t of tokens) {
      if (t === BREAK) continue;
      seen.add(t);
      seen.add('~' + fold(t));
    }
  }
  return { matchable: [...matchable], foldedBigrams: [...bigrams], seen: [...seen] };
}

export class Vocabulary {
  /** Number of situations counted. */
  documents = 0;
  private readonly df = new Map<string, number>();
  private readonly bigrams = new Map<string, number>();
  private readonly seen = new Map<string, number>();
  /** Folded syllables grouped by length, for typo candidates; rebuilt lazily. */
  private byLength: Map<number, string[]> | null = null;

  add(c: VocabularyContribution): void {
    this.documents++;
    for (const k of c.matchable) bump(this.df, k, 1);
    for (const k of c.foldedBigrams) bump(this.bigrams, k, 1);
    for (const k of c.seen) {
      if (k.startsWith('~') && !this.seen.has(k)) this.byLength = null;
      bump(this.seen, k, 1);
    }
  }

  remove(c: VocabularyContribution): void {
    this.documents--;
    for (const k of c.matchable) bump(this.df, k, -1);
    for (const k of c.foldedBigrams) bump(this.bigrams, k, -1);
    for (const k of c.seen) {
      bump(this.seen, k, -1);
      if (k.startsWith('~') && !this.seen.has(k)) this.byLength = null;
    }
  }

  /** Situations whose matchable texts contain the key (canonical syllable, or "~" + folded). */
  documentFrequency(key: string): number {
    return this.df.get(key) ?? 0;
  }

  /** BM25-style inverse document frequency: ≈0 for a syllable in every situation, ln(2N+2) for an unseen one. */
  idf(key: string): number {
    const n = this.documents;
    const df = Math.min(this.documentFrequency(key), n);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** The idf of a syllable no situation uses. */
  unseenIdf(): number {
    return Math.log(1 + (this.documents + 0.5) / 0.5);
  }

  /** Is the canonical syllable used anywhere in the knowledge base (answers included)? */
  knows(canonical: string): boolean {
    return this.seen.has(canonical);
  }

  /** Is the folded syllable used anywhere in the knowledge base? */
  knowsFolded(folded: string): boolean {
    return this.seen.has('~' + folded);
  }

  /** How many situations use the key (canonical syllable, or "~" + folded) anywhere, answers included. */
  seenIn(key: string): number {
    return this.seen.get(key) ?? 0;
  }

  /** How many situations use the folded syllable anywhere. */
  foldedCount(folded: string): number {
    return this.seen.get('~' + folded) ?? 0;
  }

  /** How many situations' matchable texts have the folded bigram "a b". */
  foldedBigramCount(a: string, b: string): number {
    return this.bigrams.get(a + '_' + b) ?? 0;
  }

  /** Known folded syllables of the given length. */
  foldedOfLength(length: number): readonly string[] {
    if (!this.byLength) {
      const index = new Map<number, string[]>();
      for (const k of this.seen.keys()) {
        if (!k.startsWith('~')) continue;
        const s = k.slice(1);
        const list = index.get(s.length) ?? [];
        list.push(s);
        index.set(s.length, list);
      }
      this.byLength = index;
    }
    return this.byLength.get(length) ?? [];
  }

  /** Distinct syllables (canonical and folded) known, for stats. */
  get size(): number {
    return this.seen.size;
  }
}

/**
 * How much a syllable says, before idf: function words and pronouns little, numbers a bit less
 * than words (a citizen's "25 tuổi" is detail, a situation's "18 tuổi" is the point).
 */
export function syllableImportance(canonical: string): number {
  if (PRONOUNS.has(canonical)) return PRONOUN_WEIGHT;
  if (FUNCTION_WORDS.has(canonical)) return FUNCTION_WEIGHT;
  if (/^\d/.test(canonical)) return NUMBER_WEIGHT;
  return 1;
}
