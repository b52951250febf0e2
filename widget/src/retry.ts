/**
 * When the widget sends a question again. Kept apart from main.ts (which needs a page) so that the
 * tests' citizen client follows the very same rule.
 */

/**
 * Error codes after which a question stays in the outbox and is sent again with the same clientId
 * (so it is never stored twice):
 * - `timeout`: no answer in time (the widget's own code);
 * - `unavailable`: the instance is shutting down, or the database cannot be reached for a moment;
 * - `no_conversation`: this connection is not bound to the conversation yet (a question that went
 *   out right after a reconnect, before the resume): the widget resumes first, then resends.
 */
export const RETRYABLE_ERRORS: ReadonlySet<string> = new Set(['timeout', 'unavailable', 'no_conversation']);

/** Pause before the next attempt after a retryable error. */
export const RETRY_DELAY_MS = 1000;

/** True when a refused command is worth sending again as it is. */
export function isRetryable(code: string): boolean {
  return RETRYABLE_ERRORS.has(code);
}

/**
 * After a server:resync every tab reads its conversation again: each waits a random part of this
 * time first, so that the tabs of thousands of citizens do not all ask the recovering database at once.
 */
export const RESYNC_SPREAD_MS = 3000;
