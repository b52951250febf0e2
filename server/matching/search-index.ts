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
 * and scoring it is wasted. Measured: the same figures on every evaluation set as with no pool
 * (6 of 2,032 top candidates differ).
 */
const CANDIDATE_POOL = 150;

/** What the search needs of a situation: its code and its field (for a search restricted to one). */
export interface Searchable {
  code: string;
  fieldSlug: string;
}

/** MiniSearch's BM25+ parameters (its defaults), so that scores stay what its own search gave. */
const BM25 = { k: 1.2, b: 0.7, d: 0.5 };
/** The two parts of a situation that are searched: its question and alternates, and its tags. */
const QUESTION = 0;
const TAGS = 1;

interface Entry<S> {
  situation: S;
  /** Its number in the index: MiniSearch documents 2 × slot (question keys) and 2 × slot + 1 (tag keys). */
  slot: number;
  /** Search keys of the question part and of the tags (BM25's field lengths). */
  lengths: [number, number];
  /** Scratch of a search: the summed score and the number of terms that hit (0 between searches). */
  total: number;
  hits: number;
  /** Scratch of a search: the last term that counted in `hits`. */
  lastTerm: number;
}

/**
 * Search keys of texts: canonical syllables ("bán"), folded syllables ("~ban") and folded
 * bigrams ("~mua_ban"). Canonical bigrams would double the index for little: the scoring looks
 * at the exact spelling anyway.
 */
export function searchKeys(views: readonly TextView[]): Set<string> {
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

/**
 * The MiniSearch index of search keys; a new one per full build. Each situation is two MiniSearch
 * documents, its question keys and its tag keys, numbered so that the number tells the situation
 * and the part. MiniSearch keeps the postings (added, discarded, vacuumed); a search walks them
 * through its `boostDocument` hook, which MiniSearch calls with the document and the term for
 * each posting before it builds anything, and which skips the document when it answers 0. The
 * scores are MiniSearch's own BM25+ per part (a key appears once per part: term frequency 1),
 * computed and summed here. MiniSearch's results would cost several objects per hit (a hit
 * record, its matched-terms record, its term list, the result): about 2.4 MB per question at
 * 1,500 situations, a young-generation collection in one question in six (docs/matching.md, Speed).
 * The walk relies on MiniSearch reporting one term's postings together, in the order of the query;
 * test/unit/matching/search-index.test.ts compares the scores with MiniSearch's own search, so an
 * upgrade that changes either shows there.
 */
export class SearchIndex<S extends Searchable> {
  private readonly index = new MiniSearch<{ id: number; k: string }>({
    fields: ['k'],
    tokenize: (text) => (text ? text.split(' ') : []),
    processTerm: (term) => term,
    searchOptions: { tokenize: (text) => text.split(' '), processTerm: (term) => term },
  });
  /** Keys are indexed by number ("~ly_hon" → "4711"): shorter terms in MiniSearch's tree. */
  private readonly termIds = new Map<string, string>();
  private readonly byCode = new Map<string, Entry<S>>();
  private readonly bySlot: Array<Entry<S> | undefined> = [];
  private readonly freeSlots: number[] = [];
  /** Sum of each part's key counts over the indexed situations (for the average length). */
  private readonly lengthSum = [0, 0];

  /** State of one search, read by {@link collect}: one bound callback, no closure per search. */
  private readonly walk = {
    /** The term being walked ('' before the first) and its place in the search. */
    term: '',
    current: -1,
    /** Each term's place in the search, and the boosts in that order. */
    order: new Map<string, number>(),
    boosts: [] as number[],
    field: undefined as string | undefined,
    pooled: false,
    postings: [0, 0],
    found: [[], []] as [Entry<S>[], Entry<S>[]],
    touched: [] as Entry<S>[],
  };
  private readonly collect = (document: unknown, term: string): number => {
    const walk = this.walk;
    if (term !== walk.term) this.startTerm(term);
    const id = document as number;
    const part = id & 1;
    walk.postings[part]!++;
    const entry = this.bySlot[id >> 1];
    if (!entry || (walk.field !== undefined && entry.situation.fieldSlug !== walk.field)) return 0;
    // Past the pool, only situations already found are scored.
    if (walk.pooled && entry.hits === 0) return 0;
    walk.found[part]!.push(entry);
    return 0;
  };
  private readonly options = { boostDocument: this.collect };
  /** Numbers the terms walked, for {@link Entry.lastTerm}. */
  private termSerial = 0;

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

  /** Indexes a situation; its code must not be indexed already. */
  add(situation: S, texts: readonly TextView[], tags: TextView): void {
    const question = searchKeys(texts);
    const tagKeys = searchKeys([tags]);
    const slot = this.freeSlots.pop() ?? this.bySlot.length;
    const entry: Entry<S> = { situation, slot, lengths: [question.size, tagKeys.size], total: 0, hits: 0, lastTerm: 0 };
    this.index.add({ id: 2 * slot + QUESTION, k: this.idsOf(question) });
    this.index.add({ id: 2 * slot + TAGS, k: this.idsOf(tagKeys) });
    this.byCode.set(situation.code, entry);
    this.bySlot[slot] = entry;
    this.lengthSum[QUESTION]! += question.size;
    this.lengthSum[TAGS]! += tagKeys.size;
  }

  discard(code: string): void {
    const entry = this.byCode.get(code);
    if (!entry) return;
    this.index.discard(2 * entry.slot + QUESTION);
    this.index.discard(2 * entry.slot + TAGS);
    this.byCode.delete(code);
    this.bySlot[entry.slot] = undefined;
    this.freeSlots.push(entry.slot);
    this.lengthSum[QUESTION]! -= entry.lengths[QUESTION];
    this.lengthSum[TAGS]! -= entry.lengths[TAGS];
  }

  get termCount(): number {
    return this.index.termCount;
  }

  /** Scores the term walked so far, then starts walking the next (or none: ''). */
  private startTerm(term: string): void {
    const walk = this.walk;
    if (walk.current >= 0) this.scoreTerm(walk.boosts[walk.current]!);
    walk.term = term;
    if (term === '') return;
    walk.current = walk.order.get(term)!;
    walk.pooled = walk.touched.length >= CANDIDATE_POOL && walk.current >= MIN_SEARCH_TERMS;
    walk.postings[QUESTION] = 0;
    walk.postings[TAGS] = 0;
    this.termSerial++;
  }

  private scoreTerm(boost: number): void {
    const walk = this.walk;
    const situations = this.byCode.size;
    for (let part = QUESTION; part <= TAGS; part++) {
      const found = walk.found[part]!;
      if (found.length === 0) continue;
      const postings = walk.postings[part]!;
      const idf = Math.log(1 + (situations - postings + 0.5) / (postings + 0.5));
      const average = this.lengthSum[part]! / situations;
      for (const entry of found) {
        const relative = average > 0 ? entry.lengths[part]! / average : 1;
        if (entry.hits === 0) {
          entry.total = 0;
          walk.touched.push(entry);
        }
        entry.total += boost * idf * (BM25.d + (BM25.k + 1) / (1 + BM25.k * (1 - BM25.b + BM25.b * relative)));
        // A situation found in both parts counts once for the term.
        if (entry.lastTerm !== this.termSerial) {
          entry.lastTerm = this.termSerial;
          entry.hits++;
        }
      }
      found.length = 0;
    }
  }

  /**
   * An OR search over these terms, scored as MiniSearch scores one (each term's BM25+ over both
   * parts, times its boost, summed, then multiplied by how many terms matched). Terms are walked
   * in the order given, rarest first; past {@link CANDIDATE_POOL}, only situations already found
   * are scored. Best first.
   */
  search(boosts: Map<string, number>, field: string | undefined): Array<{ situation: S; score: number }> {
    const walk = this.walk;
    const terms: string[] = [];
    walk.order.clear();
    walk.boosts.length = 0;
    for (const [key, boost] of boosts) {
      const term = this.termIds.get(key);
      if (term === undefined) continue;
      walk.order.set(term, terms.length);
      walk.boosts.push(boost);
      terms.push(term);
    }
    walk.field = field;
    walk.term = '';
    walk.current = -1;
    const touched: Entry<S>[] = [];
    walk.touched = touched;
    try {
      if (terms.length > 0) {
        this.index.search(terms.join(' '), this.options);
        this.startTerm('');
      }
      return touched
        .map((entry) => ({ situation: entry.situation, score: entry.total * entry.hits }))
        .filter((h) => Number.isFinite(h.score))
        .sort((a, b) => b.score - a.score);
    } finally {
      // Whatever happened, the next search starts from clean scratch.
      for (const entry of touched) entry.hits = 0;
      walk.found[QUESTION].length = 0;
      walk.found[TAGS].length = 0;
      walk.touched = [];
    }
  }
}
