import process from 'node:process';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrateUp } from './db/migrator.js';
import { MIGRATIONS_DIR } from './paths.js';

/** Reads the configuration from the environment; a bad value prints every problem and exits 2. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
}

/** Opens the configured database and applies pending migrations, for command-line tools. */
export async function openMigratedDatabase(): Promise<{ config: Config; db: Database }> {
  const config = loadConfigOrExit();
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
  await migrateUp(db.dataSource, MIGRATIONS_DIR);
  return { config, db };
}
