import { Router } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Server as SocketServer } from 'socket.io';
import type { Database } from '../db/database.js';
import type { EventBus } from '../events.js';
import type { MatchingService } from '../matching/matching.service.js';
import { metricsAccess, perIpLimit } from '../security/index.js';

export interface MetricsOptions {
  db: Database;
  /** The socket.io server (made after the metrics: read at scrape time). */
  io: () => SocketServer;
  events: EventBus;
  matching: MatchingService;
}

/**
 * Prometheus metrics of one instance, in a registry of its own (two apps in one test process
 * do not collide): questions by decision, match latency, connected citizens and consultants,
 * the queue, the database pool, socket commands, and Node's process metrics.
 */
export function createMetrics(options: MetricsOptions) {
  const { db, events, matching } = options;
  const register = new Registry();
  collectDefaultMetrics({ register });

  const questions = new Counter({
    name: 'hoiluat_questions_total',
    help: 'Citizen questions answered by the bot, by decision (answer, clarify, escalate, small_talk)',
    labelNames: ['decision'] as const,
    registers: [register],
  });
  const matchSeconds = new Histogram({
    name: 'hoiluat_match_duration_seconds',
    help: 'Time the matcher takes for one question',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5],
    registers: [register],
  });
  const commandSeconds = new Histogram({
    name: 'hoiluat_socket_command_duration_seconds',
    help: 'Socket commands from receipt to ack, by namespace, command and outcome',
    labelNames: ['namespace', 'command', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [register],
  });
  const httpSeconds = new Histogram({
    name: 'hoiluat_http_request_duration_seconds',
    help: 'HTTP requests by method, route group and status class',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [register],
  });
  const refusedHandshakes = new Counter({
    name: 'hoiluat_socket_handshakes_refused_total',
    help: 'New socket.io connections turned away, by reason (origin, rate_limited)',
    labelNames: ['reason'] as const,
    registers: [register],
  });
  const waitSeconds = new Histogram({
    name: 'hoiluat_queue_wait_seconds',
    help: 'How long a ticket waited in the queue before a consultant claimed it',
    buckets: [5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600],
    registers: [register],
  });
  new Gauge({
    name: 'hoiluat_connected_citizens',
    help: 'Citizen sockets connected to this instance',
    registers: [register],
    collect() {
      this.set(options.io().of('/chat').sockets.size);
    },
  });
  new Gauge({
    name: 'hoiluat_connected_consultants',
    help: 'Staff console sockets connected to this instance',
    registers: [register],
    collect() {
      this.set(options.io().of('/console').sockets.size);
    },
  });
  new Gauge({
    name: 'hoiluat_matcher_situations',
    help: 'Situations in this instance\'s matcher index',
    registers: [register],
    collect() {
      this.set(matching.size);
    },
  });
  // Both queue gauges come from one query per scrape (scrapes collect gauges in parallel).
  let queueRead: Promise<{ n: number; oldest: number }> | null = null;
  const readQueue = () =>
    (queueRead ??= db.dataSource
      .query(`SELECT count(*)::int AS n, COALESCE(EXTRACT(EPOCH FROM now() - min(queued_at)), 0)::float8 AS oldest FROM escalations WHERE status = 'queued'`)
      .then((rows: { n: number; oldest: number }[]) => ({ n: Number(rows[0]?.n ?? 0), oldest: Number(rows[0]?.oldest ?? 0) }))
      .finally(() => {
        queueRead = null;
      }));
  new Gauge({
    name: 'hoiluat_queue_length',
    help: 'Tickets waiting for a consultant (whole service: every instance reports the same)',
    registers: [register],
    async collect() {
      this.set((await readQueue()).n);
    },
  });
  new Gauge({
    name: 'hoiluat_queue_oldest_wait_seconds',
    help: 'How long the oldest queued ticket has waited (whole service)',
    registers: [register],
    async collect() {
      this.set((await readQueue()).oldest);
    },
  });
  const pool = () => (db.dataSource.driver as unknown as { master?: { totalCount?: number; idleCount?: number; waitingCount?: number } }).master;
  new Gauge({
    name: 'hoiluat_db_pool_connections',
    help: 'Database pool connections by state (in_use, idle, waiting clients)',
    labelNames: ['state'] as const,
    registers: [register],
    collect() {
      const p = pool();
      if (!p || typeof p.totalCount !== 'number') return;
      this.set({ state: 'in_use' }, p.totalCount - (p.idleCount ?? 0));
      this.set({ state: 'idle' }, p.idleCount ?? 0);
      this.set({ state: 'waiting' }, p.waitingCount ?? 0);
    },
  });

  events.on('message.created', ({ message }) => {
    if (message.sender === 'bot' && ['answer', 'clarify', 'escalate', 'small_talk'].includes(message.kind)) questions.inc({ decision: message.kind });
  });
  events.on('escalation.changed', ({ escalation, change }) => {
    if (change === 'claimed' && escalation.assignedAt) {
      waitSeconds.observe(Math.max(0, (new Date(escalation.assignedAt).getTime() - new Date(escalation.queuedAt).getTime()) / 1000));
    }
  });

  return {
    register,
    /** Times one call of the matcher. */
    observeMatch: (seconds: number) => matchSeconds.observe(seconds),
    observeCommand: (namespace: string, command: string, outcome: string, seconds: number) => commandSeconds.observe({ namespace, command, outcome }, seconds),
    observeHttp: (method: string, route: string, status: number, seconds: number) => httpSeconds.observe({ method, route, status: `${Math.floor(status / 100)}xx` }, seconds),
    countRefusedHandshake: (reason: string) => refusedHandshakes.inc({ reason }),
    /**
     * GET /metrics in Prometheus' text format: with `token`, for requests bearing it; without, for
     * this machine only (see metricsAccess and docs/operations.md). Limited per IP like the public routes.
     */
    router(access: { token?: string; perMinute: number }): Router {
      const router = Router();
      router.get('/metrics', perIpLimit(access.perMinute), metricsAccess(access.token), async (_req, res) => {
        res.set('Content-Type', register.contentType);
        res.set('Cache-Control', 'no-store');
        res.send(await register.metrics());
      });
      return router;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Wraps the matching service so each `match` call is timed; the service object keeps its
 * identity (everything that holds it sees the timed version).
 */
export function timeMatcher(matching: MatchingService, metrics: Metrics): void {
  const match = matching.match.bind(matching);
  matching.match = (question, options) => {
    const started = performance.now();
    try {
      return match(question, options);
    } finally {
      metrics.observeMatch((performance.now() - started) / 1000);
    }
  };
}
