import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import type { Server as SocketServer } from 'socket.io';
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
  // A connection the adapter holds for LISTEN has no error listener of its own: without this one,
  // a database restart would crash the process instead of letting the adapter reconnect.
  pool.on('connect', (client) => client.on('error', (error) => log.warn({ err: error }, 'socket.io adapter connection lost')));
  pool.on('error', (error) => log.warn({ err: error }, 'socket.io adapter pool error'));
  io.adapter(createAdapter(pool, { errorHandler: (error) => log.warn({ err: error }, 'socket.io adapter error') }) as never);

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

  return {
    mode: 'postgres',
    instanceId,
    problem: () => {
      if (!listener.connected) return 'LISTEN connection down';
      if (!adapterListening(io)) return 'socket.io adapter not listening';
      return null;
    },
    dictionaryChanged: async () => {
      await options.db.dataSource.query(`SELECT pg_notify($1, $2)`, [CHANNELS.dictionaryChanged, instanceId]);
    },
    sweep: () => sync!.sweep(),
    close: async () => {
      await sync!.stop();
      await listener.close();
      await Promise.allSettled([...namespaces(io)].map((nsp) => nsp.adapter.close()));
      await pool.end().catch(() => undefined);
    },
  };
}

function namespaces(io: SocketServer) {
  // socket.io keeps its namespaces in a private map; `_nsps` is stable across 4.x.
  return (io as unknown as { _nsps: Map<string, { adapter: { close(): Promise<void> | void } }> })._nsps.values();
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
