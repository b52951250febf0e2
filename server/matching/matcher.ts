import { analyseDocumentText, analyseQuery, type QueryPlan } from './analysis.js';
import { decide, DEFAULT_THRESHOLDS, type DecisionThresholds } from './decision.js';
import { compileDictionary, parseDictionary, type CompiledDictionary, type Dictionary } from './dictionary.js';
import type { MatchableSituation, MatchCandidate, MatcherStats, MatchOptions, MatchResult } from './matching.types.js';
import { BREAK, tokenize } from './normalize.js';
import { DEFAULT_SCORING, PreparedQuery, scoreSituation, textView, type ScoreParts, type ScoringOptions, type TextView } from './scoring.js';
import { SearchIndex, searchTerms, type Searchable } from './search-index.js';
import { detectSmallTalk, type SmallTalkKind } from './small-talk.js';
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

interface IndexedSituation extends Searchable {
  code: string;
  question: string;
  fieldName: string;
  texts: TextView[];
  tags: TextView;
  answerHead: TextView;
}

interface Ranked {
  situation: IndexedSituation;
  parts: ScoreParts;
  /** MiniSearch score relative to the best hit (0..1). */
  search: number;
  /** The confidence, tempered by how far down the search put the situation: what is ranked and decided on. */
  score: number;
}

/** Longest question handled; the HTTP layer enforces its own, smaller limit. */
const MAX_QUESTION_CHARS = 2000;
function cutAnswer(answer: string, chars: number): string {
  if (answer.length <= chars) return answer;
  const cut = answer.lastIndexOf(' ', chars);
  return answer.slice(0, cut > chars / 2 ? cut : chars);
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

/** Creates an empty matcher; feed it with `build()` then keep it current with `upsert`/`remove`. */
export function createMatcher(options: MatcherOptions): Matcher {
  let dictionary: CompiledDictionary = compileDictionary(parseDictionary(options.dictionary));
  const thresholds: DecisionThresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const scoring: ScoringOptions = { ...DEFAULT_SCORING, ...options.scoring };
  const rescored = options.rescored ?? 7;
  const answerChars = options.answerChars ?? 300;
  let index = new SearchIndex<IndexedSituation>();
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
    };
    situations.set(indexed.code, indexed);
    vocabulary.add(contribution(indexed));
    index.add(indexed, indexed.texts, indexed.tags);
  }

  function removeIndexed(code: string): boolean {
    const known = situations.get(code);
    if (!known) return false;
    vocabulary.remove(contribution(known));
    index.discard(code);
    situations.delete(code);
    return true;
  }

  function candidate(s: IndexedSituation, score: number): MatchCandidate {
    return { code: s.code, question: s.question, fieldSlug: s.fieldSlug, fieldName: s.fieldName, score: Math.round(score * 1000) / 1000 };
  }

  function rank(plan: QueryPlan, field: string | undefined): Ranked[] {
    const boosts = searchTerms(plan, vocabulary);
    if (boosts.size === 0) return [];
    const hits = index.search(boosts, field);
    const ranked: Ranked[] = [];
    const top = hits[0]?.score ?? 1;
    const prepared = new PreparedQuery(plan, vocabulary);
    for (const hit of hits.slice(0, rescored)) {
      const situation = hit.situation;
      const parts = scoreSituation(prepared, situation, scoring);
      const search = hit.score / top;
      const score = parts.confidence * Math.pow(search, scoring.searchAgreement);
      // Defensive: a score that is not a number must never outrank a real one.
      ranked.push({ situation, parts, search, score: Number.isFinite(score) ? score : 0 });
    }
    ranked.sort((a, b) => b.score - a.score || a.situation.code.localeCompare(b.situation.code));
    return ranked;
  }

  return {
    build(list) {
      index = new SearchIndex<IndexedSituation>();
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
