import type { SmallTalkKind } from './small-talk.js';

/** A published situation as the matcher needs it. */
export interface MatchableSituation {
  /** Stable code, unique across the knowledge base ("HNGD-012"). */
  code: string;
  /** Slug of the legal field ("hon-nhan-gia-dinh"); `match(q, { field })` filters on it. */
  fieldSlug: string;
  fieldName: string;
  question: string;
  /** Other ways citizens ask the same thing; matched like the question. */
  alternates: readonly string[];
  /** Only its first part is indexed (see docs/matching.md). */
  answer: string;
  tags: readonly string[];
}

/** A situation offered for a question. */
export interface MatchCandidate {
  code: string;
  question: string;
  fieldSlug: string;
  fieldName: string;
  /** Confidence 0..1 that this situation answers the question. */
  score: number;
}

export type MatchDecision = 'answer' | 'clarify' | 'escalate';
export type MatchReason = 'confident' | 'close' | 'low_confidence' | 'no_match' | 'small_talk' | 'empty';

/**
 * What to do with a question.
 * - `answer`: candidates[0] answers it; the others (up to 4) are related reading.
 * - `clarify`: candidates are the 2–4 choices to offer, best first.
 * - `escalate`: hand off to a person; candidates (up to 5, maybe none) help the consultant.
 *   `reason` says why: `small_talk` (see `smallTalk`), `empty` (nothing readable),
 *   `no_match` (nothing related), `low_confidence` (related, not close enough).
 */
export interface MatchResult {
  decision: MatchDecision;
  reason: MatchReason;
  smallTalk?: SmallTalkKind;
  candidates: MatchCandidate[];
}

export interface MatchOptions {
  /** Only situations of this field slug are considered. */
  field?: string;
}

export interface MatcherStats {
  situations: number;
  /** Distinct syllables known (canonical and folded). */
  vocabulary: number;
  /** Distinct terms in the search index. */
  indexTerms: number;
  dictionaryEntries: number;
}
