import { EventEmitter } from 'node:events';
import type { PGlite, Results } from '@electric-sql/pglite';

/**
 * A node-postgres look-alike over one PGlite instance, for TypeORM's postgres driver
 * (`driver` option). PGlite is a single session, so the pool hands out one client at a time:
 * a lock is held from `connect()` to the release callback. Without it (as in the published
 * typeorm-pglite) two query runners share one session, and a rollback in one undoes the
 * other's committed work.
 */
export function createPgliteDriver(db: PGlite) {
  const lock = new SessionLock();

  const runQuery = async (sql: string, params?: unknown[]) => {
    if (params && params.length > 0) return toPgResult(sql, await db.query(sql, params));
    const results = await db.exec(sql);
    return toPgResult(sql, results[results.length - 1] ?? { rows: [], fields: [] });
  };

  class Client extends EventEmitter {
    released = false;
    query(sql: string, paramsOrCallback?: unknown, maybeCallback?: unknown): Promise<unknown> {
      const callback = (typeof paramsOrCallback === 'function' ? paramsOrCallback : maybeCallback) as
        | ((error: unknown, result: unknown) => void)
        | undefined;
      const params = Array.isArray(paramsOrCallback) ? paramsOrCallback : undefined;
      if (this.released) {
        const error = new Error('PGlite client used after release');
        callback?.(error, null);
        return Promise.reject(error);
      }
      const promise = runQuery(sql, params);
      if (callback) {
        promise.then((result) => callback(null, result), (error: unknown) => callback(error, null));
        return promise.catch(() => undefined);
      }
      return promise;
    }
  }

  class Pool extends EventEmitter {
    constructor(_options?: unknown) {
      super();
    }

    connect(callback?: (error: unknown, client: Client | null, release: (error?: unknown) => void) => void) {
      const acquired = lock.acquire().then((unlock) => {
        const client = new Client();
        const release = () => {
          if (client.released) return;
          client.released = true;
          unlock();
        };
        return { client, release };
      });
      if (!callback) return acquired.then(({ client, release }) => Object.assign(client, { release }));
      acquired.then(
        ({ client, release }) => callback(null, client, release),
        (error: unknown) => callback(error, null, () => undefined),
      );
      return undefined;
    }

    async query(sql: string, params?: unknown[]) {
      const unlock = await lock.acquire();
      try {
        return await runQuery(sql, params);
      } finally {
        unlock();
      }
    }

    /** The PGlite instance belongs to whoever created it; closing TypeORM must not close it. */
    end(callback?: (error: unknown) => void) {
      callback?.(null);
      return Promise.resolve();
    }
  }

  return { Pool };
}

/** node-postgres result shape that TypeORM reads (`rows`, `rowCount`, `command`). */
function toPgResult(sql: string, result: Results) {
  const command = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '';
  return {
    command,
    rows: result.rows,
    rowCount: result.affectedRows ?? result.rows.length,
    fields: result.fields,
  };
}

/** A FIFO mutex: `acquire()` resolves with the function that frees it. */
class SessionLock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let unlock!: () => void;
    const freed = new Promise<void>((resolve) => (unlock = resolve));
    const ready = this.tail.then(() => unlock);
    this.tail = this.tail.then(() => freed);
    return ready;
  }
}
