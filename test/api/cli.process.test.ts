import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { resetDatabase, testDatabase, engineName } from '../support/database.js';
import { buildSituation, jsonl } from '../support/factories.js';
import { runTs } from '../support/process.js';

describe(`npm run kb (the CLI in its own process, ${engineName})`, function () {
  this.timeout(60_000);
  let dir: string;
  let env: Record<string, string | undefined>;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hoi-luat-cli-'));
    env = { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: process.env.DATABASE_URL };
    if (process.env.DATABASE_URL) await resetDatabase(await testDatabase());
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a third-party file with --create-fields, prints the counts, and a re-import counts them unchanged', async () => {
    const file = path.join(dir, 'third-party.jsonl');
    writeFileSync(file, jsonl([buildSituation({ code: 'TP-1', field: 'Trọng tài thương mại' }), buildSituation({ code: 'TP-2', field: 'Trọng tài thương mại' })]));
    const first = await runTs('server/knowledge/kb.cli.ts', ['import', file, '--create-fields'], env);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.contain('created 2, updated 0, unchanged 0, archived 0; fields created: trong-tai-thuong-mai');
    const again = await runTs('server/knowledge/kb.cli.ts', ['import', file], env);
    expect(again.stdout).to.contain('created 0, updated 0, unchanged 2, archived 0');
    const stats = await runTs('server/knowledge/kb.cli.ts', ['stats'], env);
    expect(stats.stdout).to.match(/2\s+0\s+0\s+Trọng tài thương mại \(trong-tai-thuong-mai\)/);
  });

  it('exits 1 and lists every bad row with its line when the file is invalid', async () => {
    const file = path.join(dir, 'bad.jsonl');
    writeFileSync(file, `${JSON.stringify(buildSituation({ field: 'Không tồn tại' }))}\nnot json\n`);
    const result = await runTs('server/knowledge/kb.cli.ts', ['import', file], env);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.contain('2 lỗi, không có gì được ghi:');
    expect(result.stderr).to.contain('dòng 1, trường field: lĩnh vực "Không tồn tại" không có trong hệ thống');
    expect(result.stderr).to.match(/dòng 2: JSON không hợp lệ/);
  });

  it('exits 2 with the usage for an unknown command', async () => {
    const result = await runTs('server/knowledge/kb.cli.ts', ['frobnicate'], env);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.contain('Unknown command "frobnicate"');
  });
});
