/**
 * Where a tab resumes its conversation after a reconnect. Resuming from the highest id shown can
 * skip a message: ids are given when a message is stored, and its broadcast arrives later (through
 * another instance, later still), so a question acknowledged with id 17 can be shown while the
 * consultant's reply 16 is still on its way when the connection drops. A resume therefore starts
 * from the highest id shown at least RESUME_OVERLAP_MS ago (such a message was stored before
 * anything still in flight), and messages received twice are shown once, by id.
 */

/** Longer than any broadcast stays on its way. */
export const RESUME_OVERLAP_MS = 30_000;

export interface ResumePoint {
  /** A message was shown. */
  seen(id: number, at?: number): void;
  /** The lastSeenId to resume from. */
  from(at?: number): number;
  /** A new conversation. */
  reset(): void;
}

export function createResumePoint(overlapMs = RESUME_OVERLAP_MS): ResumePoint {
  let settled = 0;
  /** [shown at, id] of the messages shown within the overlap, oldest first. */
  const recent: [number, number][] = [];
  const settle = (at: number) => {
    while (recent.length && recent[0]![0] <= at - overlapMs) settled = Math.max(settled, recent.shift()![1]);
  };
  return {
    seen(id, at = Date.now()) {
      recent.push([at, id]);
      settle(at);
    },
    from(at = Date.now()) {
      settle(at);
      return settled;
    },
    reset() {
      settled = 0;
      recent.length = 0;
    },
  };
}
