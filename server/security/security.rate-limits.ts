import { Router, type RequestHandler } from 'express';
import { AppError } from '../errors.js';
import { RateLimiter } from '../rate-limiter.js';

const tooMany = (seconds: number) =>
  new AppError('rate_limited', 429, `Bạn gửi quá nhiều yêu cầu. Vui lòng chờ khoảng ${Math.max(1, seconds)} giây rồi thử lại.`);

/**
 * Counts requests per client IP (`req.ip`: the address of the peer, or the first
 * X-Forwarded-For hop when the peer is the proxy on loopback) in a fixed one-minute window;
 * over the limit answers 429 `rate_limited` with Retry-After, as JSON through the error handler.
 */
export function perIpLimit(limit: number, windowMs = 60_000, now?: () => number): RequestHandler {
  const limiter = new RateLimiter(limit, windowMs, now);
  return (req, res, next) => {
    const key = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    if (limiter.take(key)) return next();
    const seconds = Math.max(1, limiter.retryAfter(key));
    res.setHeader('Retry-After', String(seconds));
    next(tooMany(seconds));
  };
}

export interface PublicRateLimitOptions {
  /** Requests per minute from one IP address, counted separately for the API, the widget script and the demo page. */
  perMinute: number;
  /** The clock (tests move it). */
  now?: () => number;
}

/**
 * Per-IP limits on the public HTTP routes that have none of their own: `/api/*`, `/widget.js`
 * and the demo page `/`. The ticket page `/tra-cuu` and the staff login keep their own,
 * stricter limits; socket.io commands are limited in server/realtime/chat.socket.ts. Each
 * group has its own counter, so a page load (page + script + API) never starves another group.
 */
export function publicRateLimits({ perMinute, now }: PublicRateLimitOptions): Router {
  const router = Router();
  router.use('/api', perIpLimit(perMinute, 60_000, now));
  router.get('/widget.js', perIpLimit(perMinute, 60_000, now));
  router.get('/', perIpLimit(perMinute, 60_000, now));
  return router;
}
