/**
 * From ranked candidates to what the citizen gets: one answer, a short choice, or a person.
 * A wrong confident answer about the law is the worst outcome, so answering needs both a high
 * confidence and a clear lead over the runner-up.
 */

/** Thresholds of the decision, all on the 0..1 confidence scale. */
export interface DecisionThresholds {
  /** Lowest confidence of the best candidate for a direct answer. */
  answer: number;
  /** Lowest lead of the best candidate over the runner-up for a direct answer. */
  margin: number;
  /** Lowest confidence of a candidate offered as a choice. */
  clarify: number;
  /** A choice is offered only within this distance below the best candidate. */
  clarifyBand: number;
  /** Most choices offered at once (2..5). */
  maxChoices: number;
  /**
   * Below `clarify`, the three best candidates are still offered when they all belong to one
   * field and the best reaches this: the question is plainly about that field, only the situation
   * is unsure. Off-topic questions scatter across fields.
   */
  sameFieldClarify: number;
}

/** Defaults calibrated with `npx tsx bench/match.bench.ts` (see docs/matching.md). */
export const DEFAULT_THRESHOLDS: DecisionThresholds = {
  answer: 0.5,
  margin: 0.25,
  clarify: 0.5,
  clarifyBand: 0.2,
  maxChoices: 4,
  sameFieldClarify: 0.45,
};

export type Decision =
  | { decision: 'answer'; reason: 'confident' }
  | { decision: 'clarify'; reason: 'close'; choices: number }
  | { decision: 'escalate'; reason: 'low_confidence' | 'no_match' };

/**
 * Decides from confidences sorted best first, and the candidates' field slugs in the same order.
 * `choices` is how many leading candidates to offer.
 */
export function decide(scores: readonly number[], t: DecisionThresholds, fields: readonly string[] = []): Decision {
  const top = scores[0] ?? 0;
  const second = scores[1] ?? 0;
  if (top < t.clarify) {
    const oneField = fields.length >= 3 && fields[1] === fields[0] && fields[2] === fields[0];
    if (oneField && top >= t.sameFieldClarify) return { decision: 'clarify', reason: 'close', choices: 3 };
    return { decision: 'escalate', reason: top > 0 ? 'low_confidence' : 'no_match' };
  }
  if (top >= t.answer && top - second >= t.margin) return { decision: 'answer', reason: 'confident' };
  let choices = 0;
  const max = Math.min(Math.max(t.maxChoices, 2), 5);
  while (choices < Math.min(scores.length, max) && scores[choices]! >= t.clarify && scores[choices]! >= top - t.clarifyBand) choices++;
  if (choices === 1 && scores.length > 1 && second >= 0.75 * t.clarify) choices = 2;
  if (choices < 2) return { decision: 'escalate', reason: 'low_confidence' };
  return { decision: 'clarify', reason: 'close', choices };
}
