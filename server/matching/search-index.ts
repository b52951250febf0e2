import MiniSearch from 'minisearch';
import type { QueryPlan } from './analysis.js';
import { BREAK } from './normalize.js';
import type { TextView } from './scoring.js';
import { hasDiacritics } from './syllable.js';
import type { Vocabulary } from './vocabulary.js';

/**
 * The candidate search behind the matcher: a MiniSearch index of each situation's search keys,
 * which keys a question searches, and the search itself. The matcher rescores what it finds.
 */

/**
 * The search reads at most about this many postings (situations hit by the chosen terms, rarest
 * terms first), so a query costs the same at 1,500 or 50,000 situations; at least
 * MIN_SEARCH_TERMS terms are searched whatever their frequency, and at most MAX_SEARCH_TERMS.
 */
const POSTING_BUDGET = 1500;
const MIN_SEARCH_TERMS = 4;
const MAX_SEARCH_TERMS = 40;
/**
 * Terms are searched rarest first. Once they have found this many situations (and at least
 * MIN_SEARCH_TERMS terms were searched), the commoner terms only add to the scores of situations
 * already found: a situation that shares none of the question's rarer words is not the answer,
 * and each hit MiniSearch reports costs an object. Measured: the same figures on every evaluation
 * set as with no pool (6 of 2,032 top candidates differ), median latency about a third lower.
 */
const CANDIDATE_POOL = 150;
/** Equal boosts measured best: the question's weight in the ranking comes from the coverage score. */
const FIELD_BOOST = { q: 1, t: 1 };

interface IndexDocument {
  id: string;
  /** Keys of the question and alternates. */
  q: string;
  /** Keys of the tags. */
  t: string;
}

/** What the search scores: a situation found by its code, with scratch room for the sums. */
export interface Searchable {
  fieldSlug: string;
  /** Scratch of {@link SearchIndex.search}: the summed score and the number of terms that hit (0 between searches). */
  total: number;
  hits: number;
}

/**
 * Search keys of texts: canonical syllables ("bán"), folded syllables ("~ban") and folded
 * bigrams ("~mua_ban"). Canonical bigrams would double the index for little: the scoring looks
 * at the exact spelling anyway.
 */
function keysOf(views: readonly TextView[]): Set<string> {
  const set = new Set<string>();
  for (const v of views) {
    for (let i = 0; i < v.syl.length; i++) {
      const s = v.syl[i]!;
      if (s === BREAK) continue;
      const f = v.fold[i]!;
      // An unaccented canonical syllable equals its folded form: only accented ones are searched as typed.
      if (s !== f) set.add(s);
      set.add('~' + f);
      const next = v.fold[i + 1];
      if (next !== undefined && next !== BREAK) set.add('~' + f + '_' + next);
    }
  }
  return set;
}

/** How many situations a search key may hit, from the vocabulary (a bigram: its count in the matchable texts). */
function keyFrequency(key: string, vocabulary: Vocabulary): number {
  if (!key.includes('_')) return vocabulary.seenIn(key);
  const [a, b] = key.slice(1).split('_') as [string, string];
  return vocabulary.foldedBigramCount(a, b);
}

/**
 * The search keys of a question with their boosts, rarest first: few and rare. MiniSearch's cost
 * follows how many situations each term hits, and common terms barely change which situations
 * come first, so only the rarest terms are searched; every part of the question still counts in
 * the scoring.
 */
export function searchTerms(plan: QueryPlan, vocabulary: Vocabulary): Map<string, number> {
  const boosts = new Map<string, number>();
  const put = (key: string, weight: number) => {
    if (weight > (boosts.get(key) ?? 0)) boosts.set(key, weight);
  };
  plan.slots.forEach((slot, i) => {
    for (const alt of slot.alts) {
      const w = slot.weight * alt.factor;
      if (alt.syl.length === 1) {
        const s = alt.syl[0]!;
        // Typed with diacritics, a syllable is searched as typed: its folded form would also
        // search every word spelled alike ("bán" must not find "bạn"). The scoring still gives
        // folded matches their due, and folded pairs below keep a wrong tone findable.
        if (hasDiacritics(s)) put(s, w);
        else put('~' + alt.fold[0]!, w);
      } else {
        for (let k = 0; k + 1 < alt.syl.length; k++) {
          put('~' + alt.fold[k]! + '_' + alt.fold[k + 1]!, w);
        }
      }
    }
    // A dictionary term also searches its own syllables, for situations that say it only in part.
    for (const part of slot.parts ?? []) put('~' + part.alt.fold[0]!, 0.5 * part.weight);
    const previous = plan.slots[i - 1];
    if (previous && !slot.breakBefore) {
      const a = previous.alts[0]!;
      const b = slot.alts[0]!;
      const w = 0.5 * Math.min(previous.weight, slot.weight);
      put('~' + a.fold[a.fold.length - 1]! + '_' + b.fold[0]!, w);
    }
  });
  const byRarity = [...boosts.keys()]
    .map((key) => ({ key, df: keyFrequency(key, vocabulary) }))
    .filter((t) => t.df > 0)
    .sort((a, b) => a.df - b.df);
  const kept: typeof byRarity = [];
  let postings = 0;
  for (const t of byRarity) {
    if (kept.length >= MIN_SEARCH_TERMS && (postings + t.df > POSTING_BUDGET || kept.length >= MAX_SEARCH_TERMS)) break;
    kept.push(t);
    postings += t.df;
  }
  return new Map(kept.map((t) => [t.key, boosts.get(t.key)!]));
}

/** The MiniSearch index of search keys; a new one per full build. */
export class SearchIndex {
  private readonly index = new MiniSearch<IndexDocument>({
    fields: ['q', 't'],
    tokenize: (text) => (text ? text.split(' ') : []),
    processTerm: (term) => term,
    searchOptions: { tokenize: (text) => text.split(' '), processTerm: (term) => term },
  });
  /**
   * Keys are indexed by number ("~ly_hon" → "4711"). For every hit MiniSearch builds an object
   * keyed by the matched term; keyed by thousands of different words, V8 gives such objects hidden
   * classes beyond its transition cache, and young-generation collections took 3.6–3.8 ms instead
   * of 2 (docs/matching.md, Speed). Ids live as long as the index; a key no situation uses any
   * more keeps its id (a few bytes).
   */
  private readonly termIds = new Map<string, string>();

  private idsOf(keys: Set<string>): string {
    let out = '';
    for (const key of keys) {
      let id = this.termIds.get(key);
      if (id === undefined) {
        id = String(this.termIds.size);
        this.termIds.set(key, id);
      }
      out += (out ? ' ' : '') + id;
    }
    return out;
  }

  add(code: string, texts: readonly TextView[], tags: TextView): void {
    this.index.add({ id: code, q: this.idsOf(keysOf(texts)), t: this.idsOf(keysOf([tags])) });
  }

  discard(code: string): void {
    this.index.discard(code);
  }

  get termCount(): number {
    return this.index.termCount;
  }

  /**
   * MiniSearch's OR search over these terms, one term at a time: the same scores (an OR search
   * sums the terms' BM25 scores, then multiplies by how many terms matched), but each term's hits
   * are dropped before the next term is searched. One search over all the terms merges its
   * per-hit objects into one per situation, each with a record of which terms matched: a hidden
   * class per combination of terms, which made young-generation collections slow and put them in
   * the p99 latency (docs/matching.md, Speed). Past {@link CANDIDATE_POOL}, only situations
   * already found are scored. Best first.
   */
  search<S extends Searchable>(boosts: Map<string, number>, lookup: (code: string) => S | undefined, field: string | undefined): Array<{ situation: S; score: number }> {
    const touched: S[] = [];
    // Past the pool, MiniSearch skips (without building a result) every situation not yet found.
    const found = (code: string) => ((lookup(code)?.hits ?? 0) > 0 ? 1 : 0);
    let searched = 0;
    for (const [key, boost] of boosts) {
      const term = this.termIds.get(key);
      if (term === undefined) continue;
      const pooled = touched.length >= CANDIDATE_POOL && searched >= MIN_SEARCH_TERMS;
      searched++;
      for (const hit of this.index.search(term, { boost: FIELD_BOOST, boostTerm: () => boost, boostDocument: pooled ? found : undefined })) {
        const situation = lookup(hit.id as string);
        if (!situation || (field !== undefined && situation.fieldSlug !== field)) continue;
        if (situation.hits === 0) {
          situation.total = 0;
          touched.push(situation);
        }
        situation.total += hit.score;
        situation.hits++;
      }
    }
    const hits = touched.map((situation) => {
      const score = situation.total * situation.hits;
      situation.hits = 0;
      return { situation, score };
    });
    return hits.filter((h) => Number.isFinite(h.score)).sort((a, b) => b.score - a.score);
  }
}
