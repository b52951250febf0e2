import MiniSearch from 'minisearch';
import { analyseDocumentText, analyseQuery, type QueryPlan } from './analysis.js';
import { decide, DEFAULT_THRESHOLDS, type DecisionThresholds } from './decision.js';
import { compileDictionary, parseDictionary, type CompiledDictionary, type Dictionary } from './dictionary.js';
import type { MatchableSituation, MatchCandidate, MatcherStats, MatchOptions, MatchResult } from './matching.types.js';
import { BREAK, tokenize } from './normalize.js';
import { DEFAULT_SCORING, PreparedQuery, scoreSituation, textView, type ScoreParts, type ScoringOptions, type TextView } from './scoring.js';
import { detectSmallTalk, type SmallTalkKind } from './small-talk.js';
import { hasDiacritics } from './syllable.js';
import { contributionOf, Vocabulary } from './vocabulary.js';

/** Options of {@link createMatcher}. */
export interface MatcherOptions {
  /** The dictionary (knowledge-base/dictionary.json); validated, and replaceable with `setDictionary`. */
  dictionary: Dictionary;
  /** Decision thresholds; missing ones take {@link DEFAULT_THRESHOLDS}. */
  thresholds?: Partial<DecisionThresholds>;
  /** Confidence formula tuning; missing ones take {@link DEFAULT_SCORING}. Rarely needed. */
  scoring?: Partial<ScoringOptions>;
  /** How many search hits are rescored (default 7): more is slower and was not better (7, 10 and 15 measured the same). */
  rescored?: number;
  /**
   * Characters of each answer that count (a little) in the scoring; default 300. Answers are not
   * searched: indexing them cost build time and query time and ranked no better (docs/matching.md).
   */
  answerChars?: number;
}

/** The question matcher: an in-memory index of published situations. */
export interface Matcher {
  /** Replaces the whole index with these situations. */
  build(situations: Iterable<MatchableSituation>): void;
  /** Adds a situation, or replaces the one with the same code. */
  upsert(situation: MatchableSituation): void;
  /** Removes a situation; false when the code was not indexed. */
  remove(code: string): boolean;
  /** Takes a new dictionary at once (it applies to questions, so nothing is re-indexed). Throws on an invalid one. */
  setDictionary(dictionary: Dictionary): void;
  /** Decides what to do with a citizen's question. Never throws on any text. */
  match(question: string, options?: MatchOptions): MatchResult;
  /**
   * The ranking behind `match`, for admins and calibration: the canonical tokens the question was
   * read as, and the best candidates (up to `limit`, default 10) with both coverages.
   */
  explain(question: string, options?: MatchOptions & { limit?: number }): MatchExplanation;
  /** Number of situations indexed. */
  readonly size: number;
  stats(): MatcherStats;
}

/** See {@link Matcher.explain}. */
export interface MatchExplanation {
  smallTalk: SmallTalkKind | null;
  tokens: string[];
  ranked: Array<MatchCandidate & { queryCoverage: number; textCoverage: number; search: number }>;
}

interface IndexedSituation {
  code: string;
  question: string;
  fieldSlug: string;
  fieldName: string;
  texts: TextView[];
  tags: TextView;
  answerHead: TextView;
  /** Scratch of {@link Matcher.match}'s search: the summed score and the number of terms that hit. */
  total: number;
  hits: number;
}

interface Ranked {
  situation: IndexedSituation;
  parts: ScoreParts;
  /** MiniSearch score relative to the best hit (0..1). */
  search: number;
  /** The confidence, tempered by how far down the search put the situation: what is ranked and decided on. */
  score: number;
}

interface IndexDocument {
  id: string;
  q: string;
  t: string;
}

/** Longest question handled; the HTTP layer enforces its own, smaller limit. */
const MAX_QUESTION_CHARS = 2000;
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

function cutAnswer(answer: string, chars: number): string {
  if (answer.length <= chars) return answer;
  const cut = answer.lastIndexOf(' ', chars);
  return answer.slice(0, cut > chars / 2 ? cut : chars);
}

/**
 * Search keys of texts: canonical syllables ("bán"), folded syllables ("~ban") and folded
 * bigrams ("~mua_ban"), each written as its id (see `termIds` in {@link createMatcher}).
 * Canonical bigrams would double the index for little: the scoring looks at the exact spelling
 * anyway.
 */
function keys(views: readonly TextView[], idOf: (key: string) => string): string {
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
  let out = '';
  for (const key of set) out += (out ? ' ' : '') + idOf(key);
  return out;
}

function joinWithBreaks(parts: readonly string[][]): string[] {
  const out: string[] = [];
  for (const p of parts) {
    if (p.length === 0) continue;
    if (out.length > 0) out.push(BREAK);
    out.push(...p);
  }
  return out;
}

function newIndex(): MiniSearch<IndexDocument> {
  return new MiniSearch<IndexDocument>({
    fields: ['q', 't'],
    tokenize: (text) => (text ? text.split(' ') : []),
    processTerm: (term) => term,
    searchOptions: { tokenize: (text) => text.split(' '), processTerm: (term) => term },
  });
}

/** Creates an empty matcher; feed it with `build()` then keep it current with `upsert`/`remove`. */
export function createMatcher(options: MatcherOptions): Matcher {
  let dictionary: CompiledDictionary = compileDictionary(parseDictionary(options.dictionary));
  const thresholds: DecisionThresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const scoring: ScoringOptions = { ...DEFAULT_SCORING, ...options.scoring };
  const rescored = options.rescored ?? 7;
  const answerChars = options.answerChars ?? 300;
  let index = newIndex();
  /**
   * Search keys are indexed by number ("~ly_hon" → "4711"). For every hit MiniSearch builds an
   * object keyed by the matched term; keyed by thousands of different words, V8 gives such objects
   * hidden classes beyond its transition cache, and young-generation collections took 3.6–3.8 ms
   * instead of 2 (docs/matching.md, Speed). Ids are not reused until the next `build`; a
   * key no situation uses any more keeps its id (a few bytes).
   */
  let termIds = new Map<string, string>();
  const idOf = (key: string): string => {
    let id = termIds.get(key);
    if (id === undefined) {
      id = String(termIds.size);
      termIds.set(key, id);
    }
    return id;
  };
  let vocabulary = new Vocabulary();
  const situations = new Map<string, IndexedSituation>();

  const contribution = (s: IndexedSituation) =>
    contributionOf([...s.texts.map((t) => t.syl), s.tags.syl], [s.answerHead.syl]);

  function add(situation: MatchableSituation): void {
    const texts = [situation.question, ...situation.alternates].map((t) => textView(analyseDocumentText(t))).filter((t) => t.syl.length > 0);
    const indexed: IndexedSituation = {
      code: situation.code,
      question: situation.question,
      fieldSlug: situation.fieldSlug,
      fieldName: situation.fieldName,
      texts,
      tags: textView(joinWithBreaks(situation.tags.map(analyseDocumentText))),
      // Answers are prose, not questions: no boilerplate to strip.
      answerHead: textView(tokenize(cutAnswer(situation.answer, answerChars))),
      total: 0,
      hits: 0,
    };
    situations.set(indexed.code, indexed);
    vocabulary.add(contribution(indexed));
    index.add({
      id: indexed.code,
      q: keys(indexed.texts, idOf),
      t: keys([indexed.tags], idOf),
    });
  }

  function removeIndexed(code: string): boolean {
    const known = situations.get(code);
    if (!known) return false;
    vocabulary.remove(contribution(known));
    index.discard(code);
    situations.delete(code);
    return true;
  }

  /** How many situations a search key may hit, from the vocabulary (a bigram: its count in the matchable texts). */
  function keyFrequency(key: string): number {
    if (!key.includes('_')) return vocabulary.seenIn(key);
    const [a, b] = key.slice(1).split('_') as [string, string];
    return vocabulary.foldedBigramCount(a, b);
  }

  /**
   * The search terms with their boosts: few and rare. MiniSearch's cost follows how many
   * situations each term hits, and common terms barely change which situations come first, so
   * only the rarest terms are searched; every part of the question still counts in the scoring.
   */
  function searchTerms(plan: QueryPlan): Map<string, number> {
    const boosts = new Map<string, number>();
    const put = (key: string, weight: number) => {
      if (weight > (boosts.get(key) ?? 0)) boosts.set(key, weight);
    };
    plan.slots.forEach((slot, i) => {
      for (const alt of slot.alts) {
        const w = slot.weight * alt.factor;
        if (alt.syl.length === 1) {
          const s = alt.syl[0]!;
          const accented = hasDiacritics(s);
          // Typed with diacritics, a syllable is searched as typed: its folded form would also
          // search every word spelled alike ("bán" must not find "bạn"). The scoring still gives
          // folded matches their due, and folded pairs below keep a wrong tone findable.
          if (accented) put(s, w);
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
      .map((key) => ({ key, df: keyFrequency(key) }))
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

  function candidate(s: IndexedSituation, score: number): MatchCandidate {
    return { code: s.code, question: s.question, fieldSlug: s.fieldSlug, fieldName: s.fieldName, score: Math.round(score * 1000) / 1000 };
  }

  /**
   * MiniSearch's OR search over these terms, one term at a time: the same scores (an OR search
   * sums the terms' BM25 scores, then multiplies by how many terms matched), but each term's hits
   * are dropped before the next term is searched. One search over all the terms merges its
   * per-hit objects into one per situation, each with a record of which terms matched: a hidden
   * class per combination of terms, which made young-generation collections slow and put them in
   * the p99 latency (docs/matching.md, Speed). Past {@link CANDIDATE_POOL}, only situations
   * already found are scored.
   */
  function search(boosts: Map<string, number>, field: string | undefined): Array<{ situation: IndexedSituation; score: number }> {
    const touched: IndexedSituation[] = [];
    // Past the pool, MiniSearch skips (without building a result) every situation not yet found.
    const found = (id: string) => ((situations.get(id)?.hits ?? 0) > 0 ? 1 : 0);
    let searched = 0;
    for (const [key, boost] of boosts) {
      const term = termIds.get(key);
      if (term === undefined) continue;
      const pooled = touched.length >= CANDIDATE_POOL && searched >= MIN_SEARCH_TERMS;
      searched++;
      for (const hit of index.search(term, { boost: FIELD_BOOST, boostTerm: () => boost, boostDocument: pooled ? found : undefined })) {
        const situation = situations.get(hit.id as string);
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

  function rank(plan: QueryPlan, field: string | undefined): Ranked[] {
    const boosts = searchTerms(plan);
    if (boosts.size === 0) return [];
    const hits = search(boosts, field);
    const ranked: Ranked[] = [];
    const top = hits[0]?.score ?? 1;
    const prepared = new PreparedQuery(plan, vocabulary);
    for (const hit of hits.slice(0, rescored)) {
      const situation = hit.situation;
      const parts = scoreSituation(prepared, situation, scoring);
      const search = hit.score / top;
      const score = parts.confidence * Math.pow(search, scoring.searchAgreement);
      // MiniSearch can report NaN for a term whose postings still count a discarded document
      // (until its background vacuum runs): such a hit must never outrank a real one.
      ranked.push({ situation, parts, search, score: Number.isFinite(score) ? score : 0 });
    }
    ranked.sort((a, b) => b.score - a.score || a.situation.code.localeCompare(b.situation.code));
    return ranked;
  }

  return {
    build(list) {
      index = newIndex();
      termIds = new Map();
      vocabulary = new Vocabulary();
      situations.clear();
      for (const s of list) {
        if (situations.has(s.code)) removeIndexed(s.code);
        add(s);
      }
    },
    upsert(situation) {
      removeIndexed(situation.code);
      add(situation);
    },
    remove(code) {
      return removeIndexed(code);
    },
    setDictionary(next) {
      dictionary = compileDictionary(parseDictionary(next));
    },
    match(question, matchOptions = {}) {
      const text = typeof question === 'string' ? question.slice(0, MAX_QUESTION_CHARS) : '';
      const smallTalk = detectSmallTalk(text);
      if (smallTalk) return { decision: 'escalate', reason: 'small_talk', smallTalk, candidates: [] };
      const plan = analyseQuery(text, dictionary, vocabulary);
      if (plan.slots.length === 0) return { decision: 'escalate', reason: 'empty', candidates: [] };
      const ranked = rank(plan, matchOptions.field);
      const verdict = decide(
        ranked.map((r) => r.score),
        thresholds,
        ranked.map((r) => r.situation.fieldSlug),
      );
      const shown = verdict.decision === 'clarify' ? verdict.choices : 5;
      const candidates = ranked.slice(0, shown).map((r) => candidate(r.situation, r.score));
      return { decision: verdict.decision, reason: verdict.reason, candidates };
    },
    explain(question, explainOptions = {}) {
      const text = typeof question === 'string' ? question.slice(0, MAX_QUESTION_CHARS) : '';
      const plan = analyseQuery(text, dictionary, vocabulary);
      const ranked = plan.slots.length > 0 ? rank(plan, explainOptions.field) : [];
      return {
        smallTalk: detectSmallTalk(text),
        tokens: plan.tokens,
        ranked: ranked.slice(0, explainOptions.limit ?? 10).map((r) => ({
          ...candidate(r.situation, r.score),
          queryCoverage: Math.round(r.parts.queryCoverage * 1000) / 1000,
          textCoverage: Math.round(r.parts.textCoverage * 1000) / 1000,
          search: Math.round(r.search * 1000) / 1000,
        })),
      };
    },
    get size() {
      return situations.size;
    },
    stats() {
      return {
        situations: situations.size,
        vocabulary: vocabulary.size,
        indexTerms: index.termCount,
        dictionaryEntries: dictionary.entries,
      };
    },
  };
}
