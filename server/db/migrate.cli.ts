import process from 'node:process';
import { loadConfig } from '../config.js';
import { MIGRATIONS_DIR } from '../paths.js';
import { openDatabase } from './database.js';
import { migrateDown, migrateUp, pendingMigrations } from './migrator.js';

/** `npm run migrate` applies pending migrations; `npm run migrate -- down [N]` undoes the last N; `status` lists pending. */
async function main() {
  const [command = 'up', count = '1'] = process.argv.slice(2);
  const config = loadConfig(process.env);
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 1 });
  try {
    if (command === 'up') {
      const applied = await migrateUp(db.dataSource, MIGRATIONS_DIR);
      console.log(applied.length ? `Applied:\n  ${applied.join('\n  ')}` : 'Nothing to apply: the database is up to date.');
    } else if (command === 'down') {
      const undone = await migrateDown(db.dataSource, MIGRATIONS_DIR, Math.max(1, Number(count) || 1));
      console.log(undone.length ? `Undone:\n  ${undone.join('\n  ')}` : 'Nothing to undo.');
    } else if (command === 'status') {
      const pending = await pendingMigrations(db.dataSource, MIGRATIONS_DIR);
      console.log(pending.length ? `Pending:\n  ${pending.join('\n  ')}` : 'Up to date.');
    } else {
      console.error('Usage: npm run migrate -- [up | down [N] | status]');
      process.exitCode = 2;
    }
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
