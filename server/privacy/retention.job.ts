import type { Logger } from '../logger.js';
import type { RetentionReport } from './privacy.service.js';

export interface RetentionScheduleOptions {
  /** One run of the job (the privacy service's runRetention). */
  run: () => Promise<RetentionReport>;
  logger: Logger;
  /** Time between runs; an hour by default (the cutoff moves by days, so more often buys nothing). */
  intervalMs?: number;
  /** Delay before the first run, so that starting instances are not slowed by it. */
  firstRunMs?: number;
}

/**
 * Runs the retention job on an in-process timer. Safe on several instances at once: each batch
 * takes a transaction-scoped advisory lock, and an instance that does not get it skips the run.
 * `stop()` clears the timer and waits for a run in progress, so that close() never cuts one off.
 */
export function scheduleRetention({ run, logger, intervalMs = 3_600_000, firstRunMs = 60_000 }: RetentionScheduleOptions) {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = run()
      .then(() => undefined)
      .catch((error: unknown) => logger.warn({ err: error }, 'retention job failed; will retry at the next run'))
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(tick, firstRunMs);
  const timer = setInterval(tick, intervalMs);
  first.unref();
  timer.unref();
  return {
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
