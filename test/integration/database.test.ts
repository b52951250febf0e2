import { expect } from 'chai';
import { openDatabase, type Database } from '../../server/db/database.js';
import { migrateDown, migrateUp, pendingMigrations, readMigrations } from '../../server/db/migrator.js';
import { MIGRATIONS_DIR } from '../../server/paths.js';
import { engineName, resetDatabase, testDatabase } from '../support/database.js';

describe(`database (${engineName})`, () => {
  let db: Database;

  before(async () => {
    db = await testDatabase();
  });

  beforeEach(async () => {
    await resetDatabase(db);
  });

  it('when one transaction commits while another rolls back, the committed row survives', async () => {
    // Interleave two transactions: with one shared PGlite session and no lock, the rollback
    // of the second would also undo the first one's insert.
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    const committing = db.dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO legal_fields (slug, name) VALUES ('committed', 'Committed')`);
      await firstMayCommit;
    });
    const rollingBack = db.dataSource
      .transaction(async (manager) => {
        await manager.query(`INSERT INTO legal_fields (slug, name) VALUES ('rolled-back', 'Rolled back')`);
        throw new Error('abort');
      })
      .catch((error: Error) => error.message);
    setTimeout(releaseFirst, 20);
    const [, outcome] = await Promise.all([committing, rollingBack]);
    expect(outcome).to.equal('abort');
    const rows = await db.dataSource.query('SELECT slug FROM legal_fields ORDER BY slug');
    expect(rows).to.deep.equal([{ slug: 'committed' }]);
  });

  it('many concurrent transactions, half failing, keep exactly the committed half', async () => {
    const work = Array.from({ length: 20 }, (_, i) =>
      db.dataSource
        .transaction(async (manager) => {
          await manager.query('INSERT INTO legal_fields (slug, name) VALUES ($1, $2)', [`f-${i}`, `F ${i}`]);
          await new Promise((r) => setTimeout(r, Math.random() * 5));
          if (i % 2 === 1) throw new Error('fail');
        })
        .catch(() => undefined),
    );
    await Promise.all(work);
    const [{ n }] = await db.dataSource.query('SELECT count(*) AS n FROM legal_fields');
    expect(n).to.equal(10);
  });

  it('returns the same JavaScript types on both engines: bigint as number, date as text, arrays and jsonb decoded', async () => {
    const [row] = await db.dataSource.query(
      `SELECT count(*) AS n, DATE '2026-07-01' AS d, ARRAY['a','b'] AS arr, '{"x":1}'::jsonb AS j, true AS b`,
    );
    expect(row).to.deep.equal({ n: 1, d: '2026-07-01', arr: ['a', 'b'], j: { x: 1 }, b: true });
  });

  it('maps a unique violation to the SQLSTATE the error mapper expects', async () => {
    await db.dataSource.query(`INSERT INTO legal_fields (slug, name) VALUES ('x', 'X')`);
    const error = await db.dataSource.query(`INSERT INTO legal_fields (slug, name) VALUES ('x', 'X')`).catch((e: unknown) => e);
    expect((error as { code?: string }).code).to.equal('23505');
  });

  it('every migration goes down and up again cleanly', async () => {
    const count = readMigrations(MIGRATIONS_DIR).length;
    const undone = await migrateDown(db.dataSource, MIGRATIONS_DIR, count);
    expect(undone).to.have.length(count);
    const [{ n }] = await db.dataSource.query(
      `SELECT count(*) AS n FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`,
    );
    expect(n).to.equal(0);
    expect(await pendingMigrations(db.dataSource, MIGRATIONS_DIR)).to.have.length(count);
    const applied = await migrateUp(db.dataSource, MIGRATIONS_DIR);
    expect(applied).to.deep.equal([...undone].reverse());
    expect(await migrateUp(db.dataSource, MIGRATIONS_DIR)).to.deep.equal([]);
  });
});

describe('embedded database on disk', () => {
  it('keeps committed data across a close and reopen', async function () {
    if (process.env.DATABASE_URL) this.skip(); // PGlite-only behaviour; the PostgreSQL run covers the server path.
    this.timeout(60_000);
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'hoi-luat-'));
    try {
      const first = await openDatabase({ dataDir: dir });
      await migrateUp(first.dataSource, MIGRATIONS_DIR);
      await first.dataSource.query(`INSERT INTO legal_fields (slug, name) VALUES ('kept', 'Kept')`);
      await first.close();
      const again = await openDatabase({ dataDir: dir });
      try {
        const rows = await again.dataSource.query('SELECT slug FROM legal_fields');
        expect(rows).to.deep.equal([{ slug: 'kept' }]);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to open a data directory that another live process holds, saying which', async function () {
    if (process.env.DATABASE_URL) this.skip(); // PGlite-only behaviour.
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { spawn } = await import('node:child_process');
    const dir = mkdtempSync(path.join(tmpdir(), 'hoi-luat-'));
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(path.join(dir, 'hoi-luat.lock'), String(holder.pid));
      const error = await openDatabase({ dataDir: dir }).catch((e: Error) => e);
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.contain(`in use by process ${holder.pid}`);
    } finally {
      holder.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
