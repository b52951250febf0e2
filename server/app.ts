import { createServer, type Server } from 'node:http';
import express from 'express';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import { pendingMigrations } from './db/migrator.js';
import { errorHandler, notFoundHandler } from './http/error-handler.js';
import { healthRoutes } from './http/health.routes.js';
import { createKnowledgeRepository, knowledgeRoutes } from './knowledge/index.js';
import type { Logger } from './logger.js';
import { MIGRATIONS_DIR } from './paths.js';

export interface AppDeps {
  config: Config;
  db: Database;
  logger: Logger;
}

export interface App {
  http: Server;
  express: express.Express;
  /** Stops accepting connections and waits for open requests (the database is the caller's). */
  close(): Promise<void>;
}

/** Wires every part of the service; has no side effects until the caller listens. */
export function createApp({ db, logger }: AppDeps): App {
  const knowledge = createKnowledgeRepository(db.dataSource);
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(express.json({ limit: '64kb' }));

  app.use(
    healthRoutes({
      database: async () => {
        await db.dataSource.query('SELECT 1');
        return null;
      },
      migrations: async () => {
        const pending = await pendingMigrations(db.dataSource, MIGRATIONS_DIR);
        return pending.length ? `${pending.length} pending` : null;
      },
    }),
  );
  app.use('/api/v1', knowledgeRoutes(knowledge));
  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  const http = createServer(app);
  return {
    http,
    express: app,
    close: () =>
      new Promise<void>((resolve) => {
        if (!http.listening) return resolve();
        http.close(() => resolve());
        http.closeIdleConnections();
      }),
  };
}
