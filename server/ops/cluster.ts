import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import type { Namespace, Server as SocketServer } from 'socket.io';
import type { Presence } from '../consultation/presence.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { MatchingService } from '../matching/matching.service.js';
import { createPgListener, type PgListener } from './pg-listener.js';
import { createPresenceRepository } from './presence.repository.js';
import { startPresenceSync, type PresenceSync } from './presence-sync.js';

/** Notification channels shared by the instances. */
export const CHANNELS = {
  /** Payload: changed situation codes, comma-separated, or '*' (re-read everything). Sent by a trigger. */
  kbChanged: 'kb_changed',
  /** The synonyms dictionary file changed: every instance reads it again. */
  dictionaryChanged: 'dictionary_changed',
  /** A consultant connected, left or went away somewhere: re-read presence. */
  presenceChanged: 'presence_changed',
} as const;

/**
 * Sent to this instance's own clients when cross-instance messaging works again after a loss (a
 * database restart): broadcasts from other instances sent meanwhile were lost, so clients catch up
 * (the widget resumes with lastSeenId, the console reloads its lists and open transcript).
 */
export const RESYNC_EVENT = 'server:resync';
/** How often the instance checks whether its cross-instance connections came back. */
const RESYNC_CHECK_MS = 500;

export interface ClusterOptions {
  /** postgres:// URL; without it (embedded PGlite) the instance works alone. */
  databaseUrl: string | undefined;
  db: Database;
  io: SocketServer;
  matching: MatchingService;
  presence: Presence;
  /** Starts a consultant's grace period (consultation.consultantWentOffline). */
  consultantWentOffline: (staffId: string) => Promise<void>;
  graceSeconds: number;
  /** This instance's name in logs, metrics and presence rows. */
  instanceId: string;
  logger: Logger;
}

export interface Cluster {
  /** 'postgres': events cross instances; 'single': this process only (PGlite). */
  mode: 'postgres' | 'single';
  instanceId: string;
  /** Null when cross-instance messaging works, else what is wrong (for /readyz). */
  problem(): string | null;
  /** Announces that the dictionary file changed; every instance (this one too) reloads it. */
  dictionaryChanged(): Promise<void>;
  /** Background step: presence of dead instances, tickets of reconnected consultants. */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Makes this instance one of several on the same PostgreSQL: socket.io broadcasts travel through
 * the PostgreSQL adapter (its own small pool), knowledge-base and dictionary changes arrive by
 * LISTEN/NOTIFY, and consultant presence is shared through the database. With the embedded
 * PGlite everything stays in this process.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { io, matching, presence, logger, instanceId } = options;
  const log = logger.child({ instance: instanceId });

  const reloadDictionary = () => {
    try {
      matching.reloadDictionary();
      log.info('dictionary reloaded');
    } catch (error) {
      log.warn({ err: error }, 'dictionary reload failed; the previous one stays');
    }
  };

  if (!options.databaseUrl || options.db.kind !== 'postgres') {
    log.info('single instance: socket.io events and presence stay in this process (embedded PGlite cannot be shared)');
    return {
      mode: 'single',
      instanceId,
      problem: () => null,
      dictionaryChanged: async () => reloadDictionary(),
      sweep: async () => undefined,
      close: async () => undefined,
    };
  }

  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4, application_name: 'hoi-luat-socket.io' });
  pool.on('connect', (client) => client.on('error', (error) => log.warn({ err: error }, 'socket.io adapter connection lost')));
  pool.on('error', (error) => log.warn({ err: error }, 'socket.io adapter pool error'));
  const adapterConnections = adapterPool(pool, options.databaseUrl, log);
  io.adapter(createAdapter(adapterConnections as unknown as pg.Pool, { errorHandler: (error) => log.warn({ err: error }, 'socket.io adapter error') }) as never);

  const refreshCodes = async (payload: string) => {
    if (payload === '*') {
      await matching.rebuild();
      log.info({ situations: matching.size }, 'knowledge base changed: matcher rebuilt');
      return;
    }
    const codes = payload.split(',').filter(Boolean);
    await matching.refresh(codes);
    log.debug({ codes: codes.length }, 'knowledge base changed: matcher refreshed');
  };

  const repo = createPresenceRepository(options.db.dataSource, instanceId);
  let sync: PresenceSync | null = null;
  const listener: PgListener = createPgListener({
    url: options.databaseUrl,
    channels: Object.values(CHANNELS),
    logger: log,
    onNotification: async (channel, payload) => {
      if (channel === CHANNELS.kbChanged) await refreshCodes(payload);
      else if (channel === CHANNELS.dictionaryChanged) reloadDictionary();
      else if (channel === CHANNELS.presenceChanged && payload !== instanceId) await sync?.refreshRemote();
    },
    // Changes made while the connection was down were not heard: read everything again.
    onReconnect: async () => {
      await matching.rebuild();
      reloadDictionary();
      await sync?.refreshRemote();
    },
  });
  await listener.ready;

  sync = startPresenceSync({
    presence,
    repo,
    graceSeconds: options.graceSeconds,
    announce: async () => {
      await options.db.dataSource.query(`SELECT pg_notify($1, $2)`, [CHANNELS.presenceChanged, instanceId]);
    },
    wentOffline: options.consultantWentOffline,
    logger: log,
  });
  await sync.refreshRemote();

  // The adapter LISTENs on a connection of its own, opened in the background: wait for it, or a
  // broadcast sent right after start would not reach this instance.
  await waitFor(() => adapterListening(io), 5_000);
  log.info('cluster mode: socket.io events, knowledge-base changes and presence shared through PostgreSQL');

  const problem = () => {
    if (!listener.connected) return 'LISTEN connection down';
    if (!adapterListening(io)) return 'socket.io adapter not listening';
    return null;
  };
  // Once both LISTEN connections are back after a loss, tell this instance's clients to catch up
  // on what other instances broadcast meanwhile (those notifications are gone for good).
  let lostSince: number | null = null;
  const resync = setInterval(() => {
    const down = problem();
    if (down && lostSince === null) {
      lostSince = Date.now();
      log.warn({ problem: down }, 'cross-instance messaging lost: events of other instances are missed until it returns');
    } else if (!down && lostSince !== null) {
      const clients = namespaces(io).reduce((n, nsp) => n + nsp.sockets.size, 0);
      for (const nsp of namespaces(io)) nsp.local.emit(RESYNC_EVENT, {});
      log.info({ downMs: Date.now() - lostSince, clients }, 'cross-instance messaging restored: clients told to catch up');
      lostSince = null;
    }
  }, RESYNC_CHECK_MS);
  resync.unref();

  return {
    mode: 'postgres',
    instanceId,
    problem,
    dictionaryChanged: async () => {
      await options.db.dataSource.query(`SELECT pg_notify($1, $2)`, [CHANNELS.dictionaryChanged, instanceId]);
    },
    sweep: () => sync!.sweep(),
    close: async () => {
      clearInterval(resync);
      await sync!.stop();
      await listener.close();
      await Promise.allSettled(namespaces(io).map((nsp) => nsp.adapter.close()));
      await adapterConnections.close();
      await pool.end().catch(() => undefined);
    },
  };
}

/** Every namespace in use (socket.io keeps them in a private map; `_nsps` is stable across 4.x). */
function namespaces(io: SocketServer): Namespace[] {
  return [...(io as unknown as { _nsps: Map<string, Namespace> })._nsps.values()];
}

/**
 * What the socket.io adapter gets as its pool. Its queries (NOTIFY, attachments, clean-up) go to
 * the real pool, but its LISTEN connection is a client of its own: the adapter never releases that
 * connection when it dies (it opens another), so a pooled one kept its slot for good and after
 * three database restarts the pool of four was full: broadcasts waited forever while /readyz said
 * ready. Also, should the adapter open a second LISTEN connection while one is still alive (a
 * connection lost between connect and LISTEN schedules two reconnections), the older one is closed
 * quietly, or every broadcast would arrive twice.
 */
function adapterPool(pool: pg.Pool, url: string, log: Logger) {
  let current: pg.Client | null = null;
  const quietEnd = (client: pg.Client) => {
    client.removeAllListeners('end');
    client.removeAllListeners('notification');
    client.end().catch(() => undefined);
  };
  return {
    query: (...args: Parameters<pg.Pool['query']>) => (pool.query as (...a: unknown[]) => unknown)(...args),
    async connect(): Promise<pg.Client & { release(): void }> {
      const client = new pg.Client({ connectionString: url, application_name: 'hoi-luat-socket.io-listen' });
      // Without an error listener a dropped connection would crash the process.
      client.on('error', (error) => log.warn({ err: error }, 'socket.io adapter LISTEN connection lost; it reconnects'));
      client.on('end', () => {
        if (current === client) current = null;
      });
      await client.connect();
      if (current) quietEnd(current);
      current = client;
      return Object.assign(client, {
        release: () => {
          if (current === client) current = null;
          quietEnd(client);
        },
      });
    },
    async close() {
      if (current) quietEnd(current);
      current = null;
    },
  };
}

/** True when the adapter's LISTEN connection is open (the adapter exposes no public flag). */
function adapterListening(io: SocketServer): boolean {
  const adapter = io.of('/').adapter as unknown as { client?: { client?: unknown } };
  return Boolean(adapter.client?.client);
}

async function waitFor(predicate: () => boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!predicate() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
