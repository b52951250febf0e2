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
  /** Credit for a part of the question found only in the tags. */
  tagCredit: number;
  /** Credit for a part of the question found only in the first part of the answer. */
  answerCredit: number;
}

export const DEFAULT_SCORING: ScoringOptions = {
  queryExponent: 0.7,
  orderShare: 0.25,
  tagCredit: 0.6,
  answerCredit: 0.3,
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

class TextMatcher {
  private index: Map<string, number[]> | null = null;
  constructor(readonly view: TextView) {}

  private positions(folded: string): readonly number[] {
    if (!this.index) {
      this.index = new Map();
      this.view.fold.forEach((f, i) => {
        if (f === BREAK) return;
        const list = this.index!.get(f);
        if (list) list.push(i);
        else this.index!.set(f, [i]);
      });
    }
    return this.index.get(folded) ?? [];
  }

  occurrences(alt: Alternative): Occurrence[] {
    const out: Occurrence[] = [];
    const { syl, fold: folded } = this.view;
    for (const start of this.positions(alt.fold[0]!)) {
      let ok = true;
      let exact = syl[start] === alt.syl[0];
      for (let k = 1; k < alt.fold.length; k++) {
        if (folded[start + k] !== alt.fold[k]) {
          ok = false;
          break;
        }
        if (syl[start + k] !== alt.syl[k]) exact = false;
      }
      if (ok) out.push({ start, end: start + alt.fold.length, score: alt.factor * (exact ? 1 : alt.foldFactor) });
    }
    return out;
  }

  best(alts: readonly Alternative[]): number {
    let best = 0;
    for (const alt of alts) for (const o of this.occurrences(alt)) if (o.score > best) best = o.score;
    return best;
  }
}

/** Scores one situation against a query plan. */
export function scoreSituation(
  plan: QueryPlan,
  situation: ScorableSituation,
  vocabulary: Vocabulary,
  options: ScoringOptions = DEFAULT_SCORING,
): ScoreParts {
  const slots = plan.slots;
  const totalWeight = slots.reduce((s, x) => s + x.weight, 0);
  const empty: ScoreParts = { confidence: 0, queryCoverage: 0, textCoverage: 0, text: 0 };
  if (slots.length === 0 || totalWeight <= 0) return empty;

  const tags = new TextMatcher(situation.tags);
  const answer = new TextMatcher(situation.answerHead);
  const extra = slots.map((s) => Math.max(options.tagCredit * tags.best(s.alts), options.answerCredit * answer.best(s.alts)));

  let best = empty;
  situation.texts.forEach((view, textIndex) => {
    const text = new TextMatcher(view);
    const found = slots.map((s) => s.alts.flatMap((a) => text.occurrences(a)));
    const inText = found.map((occ) => occ.reduce((m, o) => Math.max(m, o.score), 0));
    const matched = inText.map((v, i) => Math.max(v, extra[i]!));

    let covered = 0;
    for (let i = 0; i < slots.length; i++) covered += slots[i]!.weight * matched[i]!;
    let pairWeight = 0;
    let pairFound = 0;
    for (let i = 1; i < slots.length; i++) {
      if (slots[i]!.breakBefore || inText[i - 1] === 0 || inText[i] === 0) continue;
      const w = Math.min(slots[i - 1]!.weight, slots[i]!.weight);
      pairWeight += w;
      const adjacent = found[i - 1]!.some((a) => found[i]!.some((b) => b.start === a.end));
      if (adjacent) pairFound += w;
    }
    const order = pairWeight > 0 ? pairFound / pairWeight : 1;
    const queryCoverage = (covered / totalWeight) * (1 - options.orderShare + options.orderShare * order);

    const coveredAt = new Float64Array(view.syl.length);
    for (const occ of found) for (const o of occ) for (let p = o.start; p < o.end; p++) coveredAt[p] = Math.max(coveredAt[p]!, o.score);
    let textWeight = 0;
    let textCovered = 0;
    view.syl.forEach((s, p) => {
      if (s === BREAK) return;
      const w = syllableImportance(s) * vocabulary.idf(s);
      textWeight += w;
      textCovered += w * coveredAt[p]!;
    });
    const textCoverage = textWeight > 0 ? textCovered / textWeight : 0;
    const confidence = Math.pow(queryCoverage, options.queryExponent) * Math.pow(textCoverage, 1 - options.queryExponent);
    if (confidence > best.confidence) best = { confidence, queryCoverage, textCoverage, text: textIndex };
  });
  return best;
}
