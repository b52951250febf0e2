/**
 * What the chat needs from question matching. The matcher (server/matching) satisfies it; tests
 * may pass a scripted one.
 */
export interface MatchCandidateLike {
  code: string;
  question: string;
  fieldSlug: string;
  fieldName: string;
  score: number;
}

export interface MatchResultLike {
  decision: 'answer' | 'clarify' | 'escalate';
  reason: string;
  smallTalk?: 'greeting' | 'thanks' | 'goodbye' | 'identity' | 'other';
  candidates: MatchCandidateLike[];
}

export interface QuestionMatcher {
  match(question: string, options?: { field?: string }): MatchResultLike;
}
