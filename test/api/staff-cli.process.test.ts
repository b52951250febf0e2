import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { App } from '../../server/app.js';
import { openDatabase, type Database } from '../../server/db/database.js';
import { engineName, resetDatabase, testDatabase } from '../support/database.js';
import { startTestApp } from '../support/http.js';
import { runTs } from '../support/process.js';

const CLI = 'server/staff/staff.cli.ts';

describe(`npm run staff (the CLI in its own process, ${engineName})`, function () {
  this.timeout(60_000);
  let dir: string;
  let env: Record<string, string | undefined>;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hoi-luat-staff-cli-'));
    env = { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: process.env.DATABASE_URL };
    if (process.env.DATABASE_URL) await resetDatabase(await testDatabase());
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The database the CLI wrote to: the shared PostgreSQL, or the CLI's PGlite folder (once it has exited). */
  async function withCliDatabase(use: (db: Database) => Promise<void>): Promise<void> {
    if (process.env.DATABASE_URL) return use(await testDatabase());
    const db = await openDatabase({ dataDir: env.DATA_DIR });
    try {
      await use(db);
    } finally {
      await db.close();
    }
  }

  async function login(baseUrl: string, email: string, password: string): Promise<Response> {
    const page = await fetch(`${baseUrl}/staff/login`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const cookie = page.headers.getSetCookie().find((c) => c.startsWith('hl_login_csrf='))!.split(';')[0]!;
    return fetch(`${baseUrl}/staff/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, email, password }),
    });
  }

  it('when create gets no password, then it prints a one-time password that logs in and must be changed', async () => {
    const result = await runTs(CLI, ['create', '--email', 'Admin@STP.gov.vn', '--role', 'admin', '--name', 'Trần Văn Quản'], env);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.contain('Created admin admin@stp.gov.vn (Trần Văn Quản)');
    const password = /One-time password[^:]*: (\S+)/.exec(result.stdout)?.[1];
    expect(password?.replace(/-/g, '')).to.have.length.of.at.least(16);

    await withCliDatabase(async (db) => {
      let app: App | undefined;
      try {
        const started = await startTestApp(db);
        app = started.app;
        const res = await login(started.baseUrl, 'admin@stp.gov.vn', password!);
        expect(res.status).to.equal(303);
        expect(res.headers.get('location')).to.equal('/staff/password');
      } finally {
        await app?.close();
      }
    });
  });

  it('when the email already has an account, in any letter case, then create exits 1 with a message', async () => {
    const result = await runTs(CLI, ['create', '--email', 'ADMIN@stp.gov.vn', '--role', 'consultant'], env);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.contain('Email admin@stp.gov.vn đã có tài khoản.');
    expect(result.stdout).to.not.contain('One-time password');
  });

  it('when the password is too short, then create exits 1 and says why', async () => {
    const result = await runTs(CLI, ['create', '--email', 'lan@stp.gov.vn', '--role', 'consultant', '--password', 'ngan'], env);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.contain('Mật khẩu phải có ít nhất 12 ký tự.');
  });

  it('list, set-password and deactivate act on the account named by --email', async () => {
    const created = await runTs(CLI, ['create', '--email', 'lan@stp.gov.vn', '--role', 'consultant', '--password', 'mật khẩu của Lan 2026'], env);
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout).to.not.contain('One-time password');
    const list = await runTs(CLI, ['list'], env);
    expect(list.code).to.equal(0);
    expect(list.stdout).to.match(/admin\s+admin@stp\.gov\.vn\s+Trần Văn Quản\s+\[active, one-time password\]/);
    expect(list.stdout).to.match(/consultant\s+lan@stp\.gov\.vn\s+lan\s+\[active\]/);
    const reset = await runTs(CLI, ['set-password', '--email', 'LAN@stp.gov.vn'], env);
    expect(reset.code, reset.stderr).to.equal(0);
    expect(reset.stdout).to.match(/One-time password[^:]*: \S{16,}/);
    const deactivated = await runTs(CLI, ['deactivate', '--email', 'lan@stp.gov.vn'], env);
    expect(deactivated.code).to.equal(0);
    expect((await runTs(CLI, ['list'], env)).stdout).to.match(/lan@stp\.gov\.vn\s+lan\s+\[inactive, one-time password\]/);
    const unknown = await runTs(CLI, ['deactivate', '--email', 'ai-do@stp.gov.vn'], env);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.contain('Không tìm thấy tài khoản cán bộ này.');
  });

  it('exits 2 with the usage for an unknown command or a missing option', async () => {
    for (const args of [['frobnicate'], ['create', '--role', 'admin'], ['create', '--email', 'x@y.vn'], [], ['list', '--bogus']]) {
      const result = await runTs(CLI, args, env);
      expect(result.code, args.join(' ')).to.equal(2);
      expect(result.stderr, args.join(' ')).to.contain('Usage: npm run staff');
    }
  });
});
