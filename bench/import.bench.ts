/**
 * Import throughput: N generated situations (default 50,000) into the embedded PGlite and into
 * PostgreSQL (DATABASE_URL, or BENCH_DATABASE_URL; skipped when neither is set), each on an
 * empty database. Prints rows/s and peak RSS. Run: npm run bench:import [-- --rows 50000]
 *
 * Each engine runs in its own child process so that peak RSS is that engine's alone.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '50000' }, engine: { type: 'string' } } });
const rows = Number(values.rows);

if (values.engine) {
  await runOne(values.engine as 'pglite' | 'postgres', rows);
} else {
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
  console.log(`Import benchmark: ${rows.toLocaleString('en')} generated situations, one all-or-nothing import each`);
  console.log(`Reproduce: npm run bench:import -- --rows ${rows}   (PostgreSQL from BENCH_DATABASE_URL/DATABASE_URL, default ${pgUrl})\n`);
  for (const engine of ['pglite', 'postgres'] as const) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--engine', engine, '--rows', String(rows)], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_PG_URL: pgUrl },
    });
    if (child.status !== 0) console.log(`${engine}: failed (exit ${child.status})`);
  }
}

async function runOne(engine: 'pglite' | 'postgres', count: number) {
  const { openDatabase } = await import('../server/db/database.js');
  const { migrateUp } = await import('../server/db/migrator.js');
  const { MIGRATIONS_DIR } = await import('../server/paths.js');
  const { importSituations, parseKbFile } = await import('../server/knowledge/index.js');

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

  let url: string | undefined;
  let dropSchema = async () => {};
  if (engine === 'postgres') {
    // A private schema keeps the run away from whatever the database already holds.
    const pg = (await import('pg')).default;
    const admin = new pg.Client({ connectionString: process.env.BENCH_PG_URL });
    await admin.connect();
    const schema = `bench_import_${process.pid}`;
    await admin.query(`CREATE SCHEMA ${schema}`);
    const u = new URL(process.env.BENCH_PG_URL as string);
    u.searchParams.set('options', `-c search_path=${schema}`);
    url = u.toString();
    dropSchema = async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    };
  }
  const db = await openDatabase({ url, dataDir: 'memory://' });
  try {
    await migrateUp(db.dataSource, MIGRATIONS_DIR);
    const lines = generate(count);
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const t0 = performance.now();
    const parsed = await parseKbFile(bytes, 'jsonl');
    const tParsed = performance.now();
    const report = await importSituations(db.dataSource, parsed, { actor: 'bench', source: 'bench', createFields: true });
    const t1 = performance.now();
    if (!report.ok) throw new Error(`import failed: ${JSON.stringify(report.errors.slice(0, 3))}`);
    const reimport = await importSituations(db.dataSource, parsed, { actor: 'bench', source: 'bench' });
    const t2 = performance.now();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const seconds = (t1 - t0) / 1000;
    console.log(
      `${engine.padEnd(8)} ${count.toLocaleString('en')} rows (${(bytes.length / 1e6).toFixed(1)} MB) in ${seconds.toFixed(1)} s ` +
        `= ${Math.round(count / seconds).toLocaleString('en')} rows/s (parse ${((tParsed - t0) / 1000).toFixed(1)} s); ` +
        `re-import of the same file (all unchanged: ${reimport.unchanged}) ${((t2 - t1) / 1000).toFixed(1)} s; peak RSS ${Math.round(peakRss / 1e6)} MB`,
    );
  } finally {
    clearInterval(sampler);
    await db.close();
    await dropSchema();
  }
}

/** Realistic-length situations in 54 fields, each with alternates, tags and two citations. */
function generate(count: number): string[] {
  const topics = ['ly hôn', 'thừa kế', 'sổ đỏ', 'bảo hiểm xã hội', 'giấy phép lái xe', 'tạm trú', 'khai sinh', 'hợp đồng lao động'];
  const sentence = 'Người dân cần chuẩn bị hồ sơ gồm đơn đề nghị, giấy tờ tùy thân và các giấy tờ chứng minh liên quan, nộp tại Ủy ban nhân dân cấp xã nơi cư trú; cơ quan có thẩm quyền giải quyết trong thời hạn luật định. ';
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const topic = topics[i % topics.length] as string;
    out.push(
      JSON.stringify({
        code: `BENCH-${String(i).padStart(6, '0')}`,
        field: `Lĩnh vực thử ${i % 54}`,
        question: `Tình huống ${i} về ${topic}: thủ tục và giấy tờ cần chuẩn bị như thế nào?`,
        alternates: [`hỏi về ${topic} số ${i}`, `${topic} cần giấy tờ gì (${i})`],
        answer: sentence.repeat(4) + `Mã tham chiếu ${i}.`,
        legal_basis: [
          { document: '52/2014/QH13', title: 'Luật Hôn nhân và gia đình', article: `Điều ${1 + (i % 130)}`, clause: '1' },
          { document: '91/2015/QH13', title: 'Bộ luật Dân sự', article: `Điều ${1 + (i % 600)}` },
        ],
        tags: [topic, 'thủ tục'],
        status: 'published',
        reviewed_at: '2026-11-28',
      }),
    );
  }
  return out;
}
