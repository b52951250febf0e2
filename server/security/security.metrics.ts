import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../errors.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 addresses. */
export function isLoopback(address: string | undefined): boolean {
  return !!address && (address === '::1' || /^(::ffff:)?127\./.test(address));
}

/**
 * Who may read `/metrics`. With a token: only requests carrying `Authorization: Bearer <token>`
 * (compared in constant time), else 401. Without one: only clients on this machine (`req.ip` is
 * loopback; behind the reverse proxy on loopback `req.ip` is the forwarded client, so a proxied
 * request from outside is refused too), else 403. Private networks are not trusted by default:
 * a scraper on another host gets the token.
 */
export function metricsAccess(token: string | undefined): RequestHandler {
  const expected = token ? digest(token) : null;
  return (req, res, next) => {
    if (!expected) {
      if (isLoopback(req.ip)) return next();
      return next(new AppError('forbidden', 403, 'Metrics are served to this machine only; set METRICS_TOKEN to scrape from elsewhere.'));
    }
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.get('authorization') ?? '');
    if (match && timingSafeEqual(digest(match[1]!), expected)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
    next(new AppError('unauthorized', 401, 'A valid bearer token is required (METRICS_TOKEN).'));
  };
}
