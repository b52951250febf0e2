import pg from 'pg';
import type { Logger } from '../logger.js';

export interface PgListenerOptions {
  /** postgres:// URL of the shared database. */
  url: string;
  /** Channels to LISTEN on. */
  channels: string[];
  /** Called for each notification; errors are logged, never thrown. */
  onNotification: (channel: string, payload: string) => void | Promise<void>;
  /**
   * Called after the connection came back from a loss: notifications sent meanwhile are gone, so
   * the caller re-reads what it keeps in memory.
   */
  onReconnect?: () => void | Promise<void>;
  logger: Logger;
}

export interface PgListener {
  /** Resolves once the first LISTEN is in place (or rejects when the database cannot be reached). */
  ready: Promise<void>;
  /** True while the LISTEN connection is up. */
  readonly connected: boolean;
  close(): Promise<void>;
}

/**
 * One dedicated connection that LISTENs on a few channels and reconnects on its own (backoff
 * 0.5 s doubling to 10 s) after the database restarts or the network drops.
 */
export function createPgListener(options: PgListenerOptions): PgListener {
  const { logger } = options;
  let client: pg.Client | null = null;
  let connected = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let delay = 500;
  let everConnected = false;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: options.url, application_name: 'hoi-luat-listener' });
    next.on('error', (error) => {
      // Without this listener a dropped connection would crash the process.
      logger.warn({ err: error }, 'LISTEN connection failed; reconnecting');
    });
    next.on('end', () => {
      if (client !== next) return;
      client = null;
      connected = false;
      schedule();
    });
    next.on('notification', (message) => {
      Promise.resolve(options.onNotification(message.channel, message.payload ?? '')).catch((error: unknown) =>
        logger.warn({ err: error, channel: message.channel }, 'notification handler failed'),
      );
    });
    await next.connect();
    for (const channel of options.channels) await next.query(`LISTEN "${channel.replace(/"/g, '')}"`);
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    connected = true;
    delay = 500;
    if (everConnected) {
      logger.info({ channels: options.channels }, 'LISTEN connection restored');
      await Promise.resolve(options.onReconnect?.()).catch((error: unknown) => logger.warn({ err: error }, 'resync after reconnect failed'));
    }
    everConnected = true;
  };

  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      connect().catch((error: unknown) => {
        logger.warn({ err: error, retryInMs: delay }, 'LISTEN connection could not be opened');
        delay = Math.min(delay * 2, 10_000);
        schedule();
      });
    }, delay);
    timer.unref();
  };

  const ready = connect();
  ready.catch(() => schedule());

  return {
    ready,
    get connected() {
      return connected;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      const current = client;
      client = null;
      connected = false;
      if (current) await current.end().catch(() => undefined);
    },
  };
}
