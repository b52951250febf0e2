/**
 * Question matching: Vietnamese normalisation, an in-memory index of published situations, and
 * the answer / clarify / escalate decision. Pure: no database, no transport. See docs/matching.md.
 */
export { createMatcher, type Matcher, type MatcherOptions, type MatchExplanation } from './matcher.js';
export type {
  MatchableSituation,
  MatchCandidate,
  MatchDecision,
  MatcherStats,
  MatchOptions,
  MatchReason,
  MatchResult,
} from './matching.types.js';
export { DEFAULT_THRESHOLDS, type DecisionThresholds } from './decision.js';
export { DEFAULT_SCORING, type ScoringOptions } from './scoring.js';
export { EMPTY_DICTIONARY, parseDictionary, type Dictionary, type DictionaryEntry } from './dictionary.js';
export { detectSmallTalk, type SmallTalkKind } from './small-talk.js';
export { foldText, normalizeText } from './normalize.js';
