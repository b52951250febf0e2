import type { Alternative, QueryPlan } from './analysis.js';
import { BREAK } from './normalize.js';
import { fold } from './syllable.js';
import { syllableImportance, type Vocabulary } from './vocabulary.js';

/**
 * Confidence that a situation answers a question, in 0..1, from two coverages:
 * how much of the question (weighted by what each part says) the situation's best text accounts
 * for, and how much of that text the question accounts for. Both are needed: a two-word question
 * is "covered" by hundreds of situations, and a situation is "covered" by a rambling question
 * that mentions its words among many others.
 */

/** A text of a situation, canonical and folded, with {@link BREAK} markers. */
export interface TextView {
  syl: readonly string[];
  fold: readonly string[];
}

/** What the scorer sees of a situation. */
export interface ScorableSituation {
  /** The question and each alternate. */
  texts: readonly TextView[];
  /** All tags, separated by breaks. */
  tags: TextView;
  /** The first part of the answer. */
  answerHead: TextView;
}

export interface ScoreParts {
  /** 0..1 combined confidence. */
  confidence: number;
  /** Share of the question's weight found in the situation. */
  queryCoverage: number;
  /** Share of the best text's weight found in the question. */
  textCoverage: number;
  /** Which text scored best: 0 the question, 1.. the alternates. */
  text: number;
}

/** Tuning of the confidence formula (defaults measured with bench/match.bench.ts). */
export interface ScoringOptions {
  /** Exponent of the query coverage; the text coverage gets 1 - this. */
  queryExponent: number;
  /** Share of the query coverage that depends on adjacent pairs appearing adjacent too. */
  orderShare: number;
  /** Confidence lost for each matched word negated on one side only (at most two count). */
  negationPenalty: number;
  /** Most credit for a dictionary term of the question found only syllable by syllable. */
  partCredit: number;
  /** Credit for a part of the question found in another text of the same situation (an alternate). */
  siblingCredit: number;
  /** Credit for a part of the question found only in the tags. */
  tagCredit: number;
  /** Credit for a part of the question found only in the first part of the answer. */
  answerCredit: number;
  /**
   * Exponent of the search score (relative to the best hit) that tempers the confidence. The
   * search weighs all the texts and tags of the situation together; the coverage weighs one text. When
   * they disagree, the confidence drops, and the matcher asks rather than answers.
   */
  searchAgreement: number;
}

export const DEFAULT_SCORING: ScoringOptions = {
  queryExponent: 0.6,
  orderShare: 0.25,
  siblingCredit: 0.75,
  partCredit: 0.8,
  negationPenalty: 0.3,
  tagCredit: 0.6,
  answerCredit: 0.3,
  searchAgreement: 0.4,
};

interface Occurrence {
  start: number;
  end: number;
  score: number;
}

/** Builds a text view from canonical tokens. */
export function textView(tokens: readonly string[]): TextView {
  return { syl: tokens, fold: tokens.map((t) => (t === BREAK ? BREAK : fold(t))) };
}

const NEGATIONS = new Set(['không', 'chưa', 'chẳng', 'chả', 'đừng']);
/** Typed without diacritics, only these are surely negations ("cha", "dung" are other words). */
const UNACCENTED_NEGATIONS = new Set(['khong', 'chua', 'chang']);
const isNegation = (s: string) => NEGATIONS.has(s) || UNACCENTED_NEGATIONS.has(s);

/** A negation followed by a word in the same clause ("không biết"); a final "không?" only asks. */
const negatesNext = (syl: readonly string[], p: number) => isNegation(syl[p]!) && p + 1 < syl.length && syl[p + 1] !== BREAK;

/** An alternative to look for, and the slots (or syllables of dictionary terms, `part` ≥ 0) it serves. */
interface Entry {
  alt: Alternative;
  targets: Array<{ slot: number; part: number }>;
}

/**
 * A query prepared for scoring many situations: its alternatives by folded first syllable (each
 * distinct one once, however often the citizen repeated it), so a text is read once whatever the
 * number of slots; syllable weights are cached for the query.
 */
export class PreparedQuery {
  readonly byFirst = new Map<string, Entry[]>();
  readonly totalWeight: number;
  /** Slots that are a negation ("không", "chưa"), and slots right after one in the same clause. */
  readonly isNegation: boolean[];
  readonly negated: boolean[];
  private readonly weights = new Map<string, number>();

  constructor(
    readonly plan: QueryPlan,
    private readonly vocabulary: Vocabulary,
  ) {
    const unique = new Map<string, Entry>();
    const add = (alt: Alternative, slot: number, part: number) => {
      const key = `${alt.syl.join(' ')}|${alt.factor}|${alt.foldFactor}`;
      let entry = unique.get(key);
      if (!entry) {
        entry = { alt, targets: [] };
        unique.set(key, entry);
        const first = alt.fold[0]!;
        const list = this.byFirst.get(first);
        if (list) list.push(entry);
        else this.byFirst.set(first, [entry]);
      }
      entry.targets.push({ slot, part });
    };
    plan.slots.forEach((slot, i) => {
      for (const alt of slot.alts) add(alt, i, -1);
      slot.parts?.forEach((p, k) => add(p.alt, i, k));
    });
    this.totalWeight = plan.slots.reduce((sum, x) => sum + x.weight, 0);
    this.isNegation = plan.slots.map((slot) => slot.alts.some((a) => a.syl.length === 1 && isNegation(a.syl[0]!)));
    this.negated = plan.slots.map((slot, i) => i > 0 && !slot.breakBefore && this.isNegation[i - 1]!);
  }

  /** Importance × idf of a situation's syllable. */
  weight(syllable: string): number {
    let w = this.weights.get(syllable);
    if (w === undefined) {
      w = syllableImportance(syllable) * this.vocabulary.idf(syllable);
      this.weights.set(syllable, w);
    }
    return w;
  }
}

/** How each slot of the query appears in one text. */
interface TextMatch {
  /** Best 0..1 per slot. */
  best: Float64Array;
  /**
   * Occurrences per slot (dictionary-term parts included, at their reduced score); a slot with
   * none has no array. Null when the caller only wants `best`.
   */
  found: Array<Occurrence[] | undefined> | null;
}

/**
 * Finds the query's alternatives in one text. This runs for every text of every rescored
 * situation, so it allocates only what it returns: arrays of occurrences only for slots found.
 */
function matchText(q: PreparedQuery, view: TextView, partCredit: number, withOccurrences: boolean): TextMatch {
  const slots = q.plan.slots;
  const best = new Float64Array(slots.length);
  const found: Array<Occurrence[] | undefined> | null = withOccurrences ? new Array(slots.length) : null;
  let partBest: Float64Array[] | null = null;
  const { syl, fold: folded } = view;
  for (let p = 0; p < folded.length; p++) {
    const entries = q.byFirst.get(folded[p]!);
    if (!entries) continue;
    for (const { alt, targets } of entries) {
      let exact = syl[p] === alt.syl[0];
      let ok = true;
      for (let k = 1; k < alt.fold.length; k++) {
        if (folded[p + k] !== alt.fold[k]) {
          ok = false;
          break;
        }
        if (syl[p + k] !== alt.syl[k]) exact = false;
      }
      if (!ok) continue;
      const score = alt.factor * (exact ? 1 : alt.foldFactor);
      for (const { slot, part } of targets) {
        if (part < 0) {
          if (found) (found[slot] ??= []).push({ start: p, end: p + alt.fold.length, score });
          if (score > best[slot]!) best[slot] = score;
        } else {
          partBest ??= slots.map((s) => new Float64Array(s.parts?.length ?? 0));
          if (found) (found[slot] ??= []).push({ start: p, end: p + 1, score: score * partCredit });
          if (score > partBest[slot]![part]!) partBest[slot]![part] = score;
        }
      }
    }
  }
  if (partBest) {
    for (let i = 0; i < slots.length; i++) {
      const parts = slots[i]!.parts;
      if (!parts || best[i]! >= partCredit) continue;
      let total = 0;
      let matched = 0;
      for (let k = 0; k < parts.length; k++) {
        total += parts[k]!.weight;
        matched += parts[k]!.weight * partBest[i]![k]!;
      }
      if (total > 0) best[i] = Math.max(best[i]!, (partCredit * matched) / total);
    }
  }
  return { best, found };
}

/**
 * How many matched words are negated on one side only: "biết địa chỉ" against "không biết địa
 * chỉ". Each flips the meaning while sharing every word.
 */
function negationMismatches(q: PreparedQuery, view: TextView, found: ReadonlyArray<readonly Occurrence[] | undefined>): number {
  let flips = 0;
  for (let i = 0; i < found.length; i++) {
    const occurrences = found[i];
    if (!occurrences || q.isNegation[i]) continue;
    const textNegated = occurrences.some((o) => o.start > 0 && negatesNext(view.syl, o.start - 1));
    const textPlain = occurrences.some((o) => o.start === 0 || !negatesNext(view.syl, o.start - 1));
    if (q.negated[i] ? !textNegated : !textPlain) flips++;
  }
  return flips;
}

/** Scores one situation against a prepared query. */
export function scoreSituation(q: PreparedQuery, situation: ScorableSituation, options: ScoringOptions = DEFAULT_SCORING): ScoreParts {
  const slots = q.plan.slots;
  const n = slots.length;
  let best: ScoreParts = { confidence: 0, queryCoverage: 0, textCoverage: 0, text: 0 };
  if (n === 0 || q.totalWeight <= 0) return best;
  const partCredit = options.partCredit;

  // What the tags, the answer and the other texts offer each slot when a text lacks it.
  const tags = matchText(q, situation.tags, partCredit, false).best;
  const answer = matchText(q, situation.answerHead, partCredit, false).best;
  const matches = situation.texts.map((view) => matchText(q, view, partCredit, true));
  const fallback = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let anywhere = 0;
    for (const m of matches) if (m.best[i]! > anywhere) anywhere = m.best[i]!;
    fallback[i] = Math.max(options.tagCredit * tags[i]!, options.answerCredit * answer[i]!, options.siblingCredit * anywhere);
  }

  for (let t = 0; t < situation.texts.length; t++) {
    const view = situation.texts[t]!;
    const { best: inText } = matches[t]!;
    const found = matches[t]!.found!;
    let covered = 0;
    for (let i = 0; i < n; i++) covered += slots[i]!.weight * Math.max(inText[i]!, fallback[i]!);
    let pairWeight = 0;
    let pairFound = 0;
    for (let i = 1; i < n; i++) {
      if (slots[i]!.breakBefore || inText[i - 1] === 0 || inText[i] === 0) continue;
      const w = Math.min(slots[i - 1]!.weight, slots[i]!.weight);
      pairWeight += w;
      const after = found[i];
      if (after && found[i - 1]?.some((a) => after.some((b) => b.start === a.end))) pairFound += w;
    }
    const order = pairWeight > 0 ? pairFound / pairWeight : 1;
    const queryCoverage = (covered / q.totalWeight) * (1 - options.orderShare + options.orderShare * order);

    const coveredAt = new Float64Array(view.syl.length);
    for (const occ of found) if (occ) for (const o of occ) for (let p = o.start; p < o.end; p++) if (o.score > coveredAt[p]!) coveredAt[p] = o.score;
    let textWeight = 0;
    let textCovered = 0;
    for (let p = 0; p < view.syl.length; p++) {
      const s = view.syl[p]!;
      if (s === BREAK) continue;
      const w = q.weight(s);
      textWeight += w;
      textCovered += w * coveredAt[p]!;
    }
    const textCoverage = textWeight > 0 ? textCovered / textWeight : 0;
    const flips = negationMismatches(q, view, found);
    const confidence =
      Math.pow(queryCoverage, options.queryExponent) *
      Math.pow(textCoverage, 1 - options.queryExponent) *
      Math.pow(1 - options.negationPenalty, Math.min(flips, 2));
    if (confidence > best.confidence) best = { confidence, queryCoverage, textCoverage, text: t };
  }
  return best;
}
