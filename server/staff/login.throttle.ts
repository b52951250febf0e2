import type { Config } from '../config.js';
import { RateLimiter } from '../rate-limiter.js';
import { staffErrors } from './staff.errors.js';

/** Login attempts are counted in fixed windows of this length. */
export const LOGIN_WINDOW_MS = 15 * 60_000;

/**
 * Limits login attempts per account (guessing one password) and per client address (spraying
 * many accounts). Every attempt counts, successful or not; counters live in this process.
 */
export function createLoginThrottle(config: Pick<Config, 'LOGIN_ATTEMPTS_PER_ACCOUNT' | 'LOGIN_ATTEMPTS_PER_IP'>, now?: () => number) {
  const perAccount = new RateLimiter(config.LOGIN_ATTEMPTS_PER_ACCOUNT, LOGIN_WINDOW_MS, now);
  const perIp = new RateLimiter(config.LOGIN_ATTEMPTS_PER_IP, LOGIN_WINDOW_MS, now);
  return {
    /** Counts one attempt; throws a 429 AppError (Vietnamese, with retryAfter seconds) when over a limit. */
    take(ip: string, email: string): void {
      const ipKey = `ip:${ip}`;
      if (!perIp.take(ipKey)) throw staffErrors.tooManyAttempts(perIp.retryAfter(ipKey));
      const accountKey = `account:${email.trim().toLowerCase()}`;
      if (!perAccount.take(accountKey)) throw staffErrors.tooManyAttempts(perAccount.retryAfter(accountKey));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
