import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';

/** One SQL migration file: `<timestamp>_<purpose>.sql` with `-- migrate:up` and `-- migrate:down`. */
export interface Migration {
  name: string;
  up: string;
  down: string;
}

/** Reads and splits every migration in the folder, in name order. */
export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const upAt = text.indexOf('-- migrate:up');
      const downAt = text.indexOf('-- migrate:down');
      if (upAt < 0 || downAt < upAt) {
        throw new Error(`Migration ${file} needs a "-- migrate:up" section followed by "-- migrate:down"`);
      }
      return {
        name: file.replace(/\.sql$/, ''),
        up: text.slice(upAt + '-- migrate:up'.length, downAt).trim(),
        down: text.slice(downAt + '-- migrate:down'.length).trim(),
      };
    });
}

const LOCK_KEY = 72_417_001; // any constant; serialises migrators of several instances

const CREATE_LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  name text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * Applies every pending migration, all in one transaction under an advisory lock, so that two
 * instances starting together cannot both migrate and a failed step leaves nothing half-done.
 * Returns the names applied.
 */
export async function migrateUp(dataSource: DataSource, dir: string): Promise<string[]> {
  const migrations = readMigrations(dir);
  return dataSource.transaction(async (manager) => {
    await manager.query(`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
    await manager.query(CREATE_LEDGER);
    const applied = new Set(
      ((await manager.query('SELECT name FROM schema_migrations')) as { name: string }[]).map((r) => r.name),
    );
    const done: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      await manager.query(migration.up);
      await manager.query('INSERT INTO schema_migrations (name) VALUES ($1)', [migration.name]);
      done.push(migration.name);
    }
    return done;
  });
}

/** Undoes the last `steps` applied migrations, newest first. Returns the names undone. */
export async function migrateDown(dataSource: DataSource, dir: string, steps = 1): Promise<string[]> {
  const byName = new Map(readMigrations(dir).map((m) => [m.name, m]));
  return dataSource.transaction(async (manager) => {
    await manager.query(`SELECT pg_advisory_xact_lock(${LOCK_KEY})`);
    await manager.query(CREATE_LEDGER);
    const rows = (await manager.query('SELECT name FROM schema_migrations ORDER BY name DESC LIMIT $1', [
      steps,
    ])) as { name: string }[];
    const undone: string[] = [];
    for (const { name } of rows) {
      const migration = byName.get(name);
      if (!migration) throw new Error(`Applied migration ${name} has no file; cannot undo it`);
      await manager.query(migration.down);
      await manager.query('DELETE FROM schema_migrations WHERE name = $1', [name]);
      undone.push(name);
    }
    return undone;
  });
}

/** Names of migrations in the folder that the database has not applied yet. */
export async function pendingMigrations(dataSource: DataSource, dir: string): Promise<string[]> {
  const exists = (await dataSource.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS ok`)) as {
    ok: boolean;
  }[];
  const applied = exists[0]?.ok
    ? new Set(((await dataSource.query('SELECT name FROM schema_migrations')) as { name: string }[]).map((r) => r.name))
    : new Set<string>();
  return readMigrations(dir)
    .map((m) => m.name)
    .filter((name) => !applied.has(name));
}
