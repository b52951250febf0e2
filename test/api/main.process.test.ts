import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { expect } from 'chai';
import { spawnTs } from '../support/process.js';

/** The real entry point, as `npm start` runs it: embedded database, seed, serve, stop on a signal. */
describe('npm start (server/main.ts in its own process, embedded database)', function () {
  this.timeout(90_000);
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hoi-luat-main-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function startServer(port: number) {
    const child = spawnTs('server/main.ts', [], {
      DATA_DIR: path.join(dir, 'data'),
      KB_DIR: 'test/fixtures/kb-bundle',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
      if (ready) return { child, output: () => output };
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGKILL');
    throw new Error(`server not ready in time:\n${output}`);
  }

  it('seeds the bundled base on first start, serves it, stops cleanly on SIGTERM and keeps the data for the next start', async () => {
    const port = 39000 + (process.pid % 500);
    const first = await startServer(port);
    const fields = await (await fetch(`http://127.0.0.1:${port}/api/v1/fields`)).json();
    expect(fields.fields.map((f: { slug: string }) => f.slug)).to.deep.equal(['hon-nhan-gia-dinh', 'dat-dai']);
    first.child.kill('SIGTERM');
    const [code] = await once(first.child, 'exit');
    expect(code, first.output()).to.equal(0);
    expect(first.output()).to.contain('bundled knowledge base imported');
    expect(first.output()).to.contain('stopped cleanly');

    const second = await startServer(port);
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/situations/FX-HN-1`);
    expect(res.status).to.equal(200);
    second.child.kill('SIGINT');
    const [code2] = await once(second.child, 'exit');
    expect(code2).to.equal(0);
    expect(second.output()).to.not.contain('bundled knowledge base imported');
  });
});
