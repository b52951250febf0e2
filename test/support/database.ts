import { openDatabase, type Database } from '../../server/db/database.js';
import { migrateUp } from '../../server/db/migrator.js';
import { MIGRATIONS_DIR } from '../../server/paths.js';

/**
 * One database per test run: PGlite in memory by default (creating one costs seconds and
 * hundreds of MB, so tests share it), or the PostgreSQL named by DATABASE_URL. Each test
 * empties the tables it needs with resetDatabase().
 */
let shared: Promise<Database> | undefined;

export function testDatabase(): Promise<Database> {
  shared ??= (async () => {
    const db = await openDatabase({ url: process.env.DATABASE_URL, dataDir: 'memory://', poolSize: 5 });
    await migrateUp(db.dataSource, MIGRATIONS_DIR);
    return db;
  })();
  return shared;
}

/** Empties every application table (the schema and its migrations stay). */
export async function resetDatabase(db: Database): Promise<void> {
  const tables: { tablename: string }[] = await db.dataSource.query(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`,
  );
  if (tables.length === 0) return;
  await db.dataSource.query(`TRUNCATE ${tables.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
}

/** Closes the shared database at the end of the run (mocha root hook). */
export async function closeTestDatabase(): Promise<void> {
  if (!shared) return;
  const db = await shared;
  shared = undefined;
  await db.close();
}

/** Which engine the integration tests run on, for test titles and engine-specific checks. */
export const engineName = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
