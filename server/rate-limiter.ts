/**
 * Fixed-window counters kept in memory, per key ("ip:1.2.3.4", "conv:<id>"). Each process counts
 * on its own: with N instances a key gets up to N times the limit (the per-conversation message
 * limit is counted in the database as well, see ChatRepository.appendCitizenMessages).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private lastSweep = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one hit; false when the key is over its limit in the current window. */
  take(key: string): boolean {
    const now = this.now();
    this.sweep(now);
    const window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    if (window.count >= this.limit) return false;
    window.count += 1;
    return true;
  }

  /** Seconds until the key may try again. */
  retryAfter(key: string): number {
    const window = this.windows.get(key);
    if (!window) return 0;
    return Math.max(0, Math.ceil((window.start + this.windowMs - this.now()) / 1000));
  }

  private sweep(now: number) {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key);
  }
}
