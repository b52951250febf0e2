import { mkdirSync } from 'node:fs';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { entities } from './entities.js';
import { lockDataDir } from './data-dir-lock.js';
import { createPgliteDriver } from './pglite-driver.js';

/** Which engine serves the data: a PostgreSQL server, or PGlite embedded in this process. */
export type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  kind: DatabaseKind;
  /** TypeORM data source; only repositories use it. */
  dataSource: DataSource;
  /** Closes the data source, then the embedded engine (which flushes its files). */
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data directory, or `memory://` for a throw-away in-memory database. */
  dataDir?: string;
  /** Connections in the node-postgres pool (PGlite has one session). */
  poolSize?: number;
}

const INT8_OID = 20;
const DATE_OID = 1082;

/**
 * Both engines must hand the code the same JavaScript values: bigint (counts) as number,
 * and SQL `date` as its 'YYYY-MM-DD' text (a Date object would shift with the time zone).
 */
const int8AsNumber = (value: string) => Number(value);
const dateAsText = (value: string) => value;

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return int8AsNumber;
    if (oid === DATE_OID) return dateAsText;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** Opens the database named by the options and returns it connected (migrations are separate). */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10);
  return openPglite(options.dataDir ?? 'memory://');
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities,
    synchronize: false,
    migrationsRun: false,
    installExtensions: false,
    poolSize,
    extra: { types: pgTypes },
  });
  await dataSource.initialize();
  return {
    kind: 'postgres',
    dataSource,
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  let unlock = () => {};
  if (!dataDir.includes('://')) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  let engine: PGlite;
  try {
    engine = await PGlite.create(dataDir, {
      parsers: { [INT8_OID]: int8AsNumber, [DATE_OID]: dateAsText },
      serializers: { [pgliteTypes.BOOL]: serializeBoolean },
    });
  } catch (error) {
    unlock();
    throw error;
  }
  const dataSource = new DataSource({
    type: 'postgres',
    driver: createPgliteDriver(engine),
    entities,
    synchronize: false,
    migrationsRun: false,
    // TypeORM's CREATE EXTENSION "uuid-ossp" crashes PGlite; ids use gen_random_uuid() instead.
    installExtensions: false,
  });
  try {
    await dataSource.initialize();
  } catch (error) {
    await engine.close();
    unlock();
    throw error;
  }
  return {
    kind: 'pglite',
    dataSource,
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (!engine.closed) await engine.close();
      unlock();
    },
  };
}

function serializeBoolean(value: unknown): string {
  if (value === true || value === 'true' || value === 1) return 't';
  if (value === false || value === 'false' || value === 0) return 'f';
  return String(value);
}
