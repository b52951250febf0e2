import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { EventBus } from '../events.js';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

/** Route groups for metrics labels: a bounded set, never raw paths with ids or ticket codes. */
function routeGroup(path: string): string {
  const [, first = '', second = ''] = path.split('/');
  if (first === 'api') return `/api/${second}/${path.split('/')[3] ?? ''}`.replace(/\/$/, '');
  return `/${first}`;
}

/**
 * Request ids and access logs: takes X-Request-Id from the proxy (nginx sets one) or makes one,
 * sends it back, and logs one JSON line per request with it (health probes and scrapes at debug).
 */
export function requestLog(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && VALID_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    res.locals.requestId = requestId;
    const started = performance.now();
    // Taken now: routers mounted on a prefix rewrite req.path while they run. No query string (it may carry a ticket code).
    const path = req.path;
    res.on('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      metrics.observeHttp(req.method, res.statusCode === 404 ? 'not_found' : routeGroup(path), res.statusCode, seconds);
      const entry = { requestId, method: req.method, path, status: res.statusCode, ms: Math.round(seconds * 1000) };
      if (QUIET.has(path)) logger.debug(entry, 'request');
      else logger.info(entry, 'request');
    });
    next();
  };
}

/** One log line per queue change, with the conversation id, so one conversation can be followed across instances. */
export function logDomainEvents(events: EventBus, logger: Logger): void {
  events.on('escalation.changed', ({ escalation, change }) => {
    logger.info({ conversationId: escalation.conversationId, escalationId: escalation.id, change, status: escalation.status }, 'escalation changed');
  });
  events.on('conversation.updated', ({ conversationId, status }) => {
    logger.debug({ conversationId, status }, 'conversation updated');
  });
}
