import process from 'node:process';
import { createApp } from './app.js';
import { loadConfigOrExit } from './cli-support.js';
import { openDatabase } from './db/database.js';
import { migrateUp } from './db/migrator.js';
import { seedIfEmpty } from './knowledge/index.js';
import { createLogger } from './logger.js';
import { MIGRATIONS_DIR, resolveFromRoot } from './paths.js';

/** The only file with side effects: read config, open the database, migrate, seed, listen. */
async function main() {
  const config = loadConfigOrExit();
  const logger = createLogger(config.LOG_LEVEL);
  const started = Date.now();
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: config.DATABASE_POOL_SIZE });
  logger.info({ database: db.kind, dataDir: db.kind === 'pglite' ? config.DATA_DIR : undefined }, 'database open');
  if (db.kind === 'pglite') logger.info('embedded PGlite runs in this process only: do not start a second instance on the same DATA_DIR');

  const applied = await migrateUp(db.dataSource, MIGRATIONS_DIR);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  if (config.SEED_ON_EMPTY) {
    const seed = await seedIfEmpty(db.dataSource, resolveFromRoot(config.KB_DIR));
    if (seed.seeded) logger.info({ created: seed.report?.created, documents: seed.documents }, 'bundled knowledge base imported');
  }

  const app = await createApp({ config, db, logger });
  await new Promise<void>((resolve, reject) => {
    app.http.once('error', reject);
    app.http.listen(config.PORT, config.HOST, resolve);
  });
  const address = app.http.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ host: config.HOST, port, startupMs: Date.now() - started }, `Hỏi Luật is listening on http://localhost:${port}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    try {
      await app.drain();
      await app.close();
      await db.close();
      logger.info('stopped cleanly');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  console.error('Hỏi Luật failed to start:', error);
  process.exit(1);
});
