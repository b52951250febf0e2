import type { Presence } from '../consultation/presence.js';
import type { Logger } from '../logger.js';
import type { PresenceRepository } from './presence.repository.js';

export interface PresenceSyncOptions {
  presence: Presence;
  repo: PresenceRepository;
  /** Tells the other instances to re-read presence now (NOTIFY presence_changed). */
  announce: () => Promise<void>;
  /** A consultant connected nowhere any more: start their grace period. */
  wentOffline: (staffId: string) => Promise<void>;
  logger: Logger;
  /** The consultants' grace period (CONSULTANT_GRACE_SECONDS). */
  graceSeconds: number;
  /** Seconds between heartbeats; rows older than 3 heartbeats count as gone. */
  heartbeatSeconds?: number;
}

/**
 * Keeps consultant presence in PostgreSQL so that every instance knows who is online: this
 * instance writes its own rows when its consultants connect, leave or go away, refreshes them on
 * a heartbeat, and reads the others' rows (at once on NOTIFY presence_changed, and on each beat).
 */
export function startPresenceSync(options: PresenceSyncOptions) {
  const { presence, repo, logger } = options;
  const heartbeatSeconds = options.heartbeatSeconds ?? 5;
  const ttlSeconds = heartbeatSeconds * 3;
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;

  /** Writes run one after another, so a leave never overtakes the join before it. */
  const enqueue = (work: () => Promise<void>) => {
    chain = chain.then(work).catch((error: unknown) => logger.warn({ err: error }, 'presence write failed'));
    return chain;
  };

  const writeLocal = (staffId: string) => {
    const mine = presence.local().find((p) => p.staffId === staffId);
    return enqueue(async () => {
      if (stopped) return;
      await repo.write(staffId, mine?.sockets ?? 0, mine?.away ?? false);
      await options.announce();
    });
  };

  const refreshRemote = async () => {
    presence.setRemote(await repo.remote(ttlSeconds));
  };
  /** The same, for callers that go on with the view they have when the database is away. */
  const refreshRemoteOrWarn = () => refreshRemote().catch((error: unknown) => logger.warn({ err: error }, 'presence read failed'));

  const unsubscribe = presence.onLocalChange((staffId) => void writeLocal(staffId));
  presence.setRemoteSource(refreshRemoteOrWarn);

  const beat = async () => {
    try {
      // Rows may have been lost (a database restart, a truncate): write them again.
      await enqueue(async () => {
        await repo.heartbeat();
        for (const mine of presence.local()) await repo.write(mine.staffId, mine.sockets, mine.away);
      });
      await refreshRemote();
    } catch (error) {
      logger.warn({ err: error }, 'presence heartbeat failed');
    }
  };
  const timer = setInterval(() => void beat(), heartbeatSeconds * 1000);
  timer.unref();

  return {
    ttlSeconds,
    /** Re-reads the other instances' consultants (on NOTIFY presence_changed). */
    refreshRemote: refreshRemoteOrWarn,
    /** Waits until every write made so far reached the database. */
    flush: () => chain,
    /**
     * Part of the background sweep: consultants of instances that died start their grace period,
     * and consultants connected somewhere keep their tickets.
     */
    async sweep(): Promise<void> {
      for (const staffId of await repo.removeStale(ttlSeconds)) {
        if (presence.local().some((p) => p.staffId === staffId)) continue;
        logger.info({ staffId }, 'consultant lost with their instance: grace period starts');
        await options.wentOffline(staffId);
      }
      await chain;
      await repo.keepTicketsOfConnected(ttlSeconds, options.graceSeconds);
    },
    /** Removes this instance's rows (clean shutdown: the disconnects already started grace periods). */
    async stop(): Promise<void> {
      clearInterval(timer);
      unsubscribe();
      presence.setRemoteSource(null);
      await chain;
      stopped = true;
      await repo.removeAll().catch((error: unknown) => logger.warn({ err: error }, 'presence cleanup failed'));
      await options.announce().catch(() => undefined);
    },
  };
}

export type PresenceSync = ReturnType<typeof startPresenceSync>;
