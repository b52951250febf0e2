import path from 'node:path';
import { expect } from 'chai';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { seedIfEmpty } from '../../server/knowledge/index.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { engineName, resetDatabase, testDatabase } from '../support/database.js';
import { startTestApp } from '../support/http.js';

describe(`public HTTP API (${engineName})`, () => {
  let db: Database;
  let app: App;
  let baseUrl: string;

  before(async () => {
    db = await testDatabase();
    await resetDatabase(db);
    await seedIfEmpty(db.dataSource, path.join(PROJECT_ROOT, 'test/fixtures/kb-bundle'));
    ({ app, baseUrl } = await startTestApp(db));
  });

  after(async () => {
    await app.close();
  });

  it('GET /healthz answers while the process is up', async () => {
    const res = await fetch(`${baseUrl}/healthz`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.include({ status: 'ok' });
  });

  it('GET /readyz is 200 when the database answers and every migration is applied', async () => {
    const res = await fetch(`${baseUrl}/readyz`);
    expect(res.status).to.equal(200);
    const body = await res.json();
    expect(body.status).to.equal('ready');
    expect(body.checks).to.include({ database: 'ok', migrations: 'ok', matcher: 'ok' });
  });

  it('GET /readyz is 503 and names the problem when a migration is pending', async () => {
    const [{ name }] = await db.dataSource.query('SELECT max(name) AS name FROM schema_migrations');
    await db.dataSource.query('DELETE FROM schema_migrations WHERE name = $1', [name]);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      expect(res.status).to.equal(503);
      expect((await res.json()).checks.migrations).to.equal('1 pending');
    } finally {
      await db.dataSource.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
    }
  });

  it('GET /api/v1/fields lists the fields in display order with their published counts', async () => {
    const res = await fetch(`${baseUrl}/api/v1/fields`);
    expect(res.status).to.equal(200);
    const body = await res.json();
    expect(body.fields.map((f: { slug: string; situation_count: number }) => [f.slug, f.situation_count])).to.deep.equal([
      ['hon-nhan-gia-dinh', 1],
      ['dat-dai', 1],
    ]);
    expect(body.fields[0]).to.include({ name: 'Hôn nhân và gia đình', order: 1 });
  });

  it('GET /api/v1/situations/:code returns a published situation with its legal basis', async () => {
    const res = await fetch(`${baseUrl}/api/v1/situations/FX-HN-1`);
    expect(res.status).to.equal(200);
    const body = await res.json();
    expect(body).to.include({ code: 'FX-HN-1', question: 'Ly hôn thì con dưới 36 tháng tuổi ở với ai?', reviewed_at: '2026-11-28' });
    expect(body.field).to.deep.equal({ slug: 'hon-nhan-gia-dinh', name: 'Hôn nhân và gia đình' });
    expect(body.legal_basis).to.deep.equal([
      { document: '52/2014/QH13', title: 'Luật Hôn nhân và gia đình', article: 'Điều 81', clause: '3', document_status: 'in_force' },
    ]);
  });

  it('GET /api/v1/situations/:code is 404 for a draft, an unknown code and a malformed code', async () => {
    for (const code of ['FX-DD-2', 'NOPE-1', '%20%3Cscript%3E']) {
      const res = await fetch(`${baseUrl}/api/v1/situations/${code}`);
      expect(res.status, code).to.equal(404);
      expect((await res.json()).error.code).to.equal('situation_not_found');
    }
  });

  it('an unknown route answers 404 in the common error shape', async () => {
    const res = await fetch(`${baseUrl}/api/v1/nothing-here`);
    expect(res.status).to.equal(404);
    expect(await res.json()).to.deep.equal({ error: { code: 'route_not_found', message: 'Không tìm thấy địa chỉ yêu cầu.' } });
  });
});
