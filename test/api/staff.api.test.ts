import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { App } from '../../server/app.js';
import { createChatRepository, hashToken } from '../../server/chat/index.js';
import type { Database } from '../../server/db/database.js';
import { createStaffRepository, createStaffService, type StaffService } from '../../server/staff/index.js';
import { engineName, resetDatabase, testDatabase } from '../support/database.js';
import { startTestApp } from '../support/http.js';

const PASSWORD = 'mật khẩu thử nghiệm 2026';
const GENERIC = 'Email hoặc mật khẩu không đúng.';

/** Cookies as a browser would send them back: name → value, from Set-Cookie headers. */
type Jar = Map<string, string>;

function absorb(jar: Jar, res: Response): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq);
    const value = decodeURIComponent(pair!.slice(eq + 1));
    if (/max-age=0/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
}

const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');

function setCookieLine(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}

function hiddenCsrf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no _csrf field in the page');
  return match[1]!;
}

describe(`staff login, sessions and CSRF over HTTP (${engineName})`, () => {
  let db: Database;
  let app: App;
  let baseUrl: string;
  let service: StaffService;
  let adminId: string;
  let consultantId: string;
  let sequence = 0;

  /**
   * A consultant of its own for each test: every login attempt, good or bad, counts against the
   * account's limit of 5 per 15 minutes, so tests must not share one.
   */
  async function newConsultant(): Promise<{ id: string; email: string }> {
    sequence += 1;
    const email = `tu-van-${sequence}@stp.gov.vn`;
    const { account } = await service.createAccount({ email, role: 'consultant', password: PASSWORD });
    return { id: account.id, email };
  }

  /** A browser-like client: keeps its cookies, never follows redirects. */
  function browser() {
    const jar: Jar = new Map();
    const request = async (path: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      if (jar.size) headers.set('cookie', cookieHeader(jar));
      const res = await fetch(`${baseUrl}${path}`, { ...init, headers, redirect: 'manual' });
      absorb(jar, res);
      return res;
    };
    const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
      request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...headers }, body: new URLSearchParams(fields) });
    return {
      jar,
      request,
      form,
      /** Opens the login page and submits it, as a person would. */
      async login(email: string, password: string, extra: Record<string, string> = {}) {
        const page = await request('/staff/login', { headers: { accept: 'text/html' } });
        return form('/staff/login', { _csrf: hiddenCsrf(await page.text()), email, password, ...extra });
      },
      async me() {
        return request('/staff/me');
      },
      async csrf(): Promise<string> {
        return (await (await request('/staff/me')).json()).csrf_token;
      },
    };
  }

  before(async () => {
    db = await testDatabase();
    await resetDatabase(db);
    service = createStaffService({ repo: createStaffRepository(db.dataSource), sessionTtlMs: 3_600_000 });
    adminId = (await service.createAccount({ email: 'admin@stp.gov.vn', role: 'admin', displayName: 'Quản trị viên', password: PASSWORD })).account.id;
    consultantId = (await service.createAccount({ email: 'lan@stp.gov.vn', role: 'consultant', displayName: 'Nguyễn Thị Lan', password: PASSWORD })).account.id;
    ({ app, baseUrl } = await startTestApp(db, { LOGIN_ATTEMPTS_PER_IP: '1000' }));
  });

  after(async () => {
    await app.close();
  });

  it('the login page is in Vietnamese, carries a CSRF field, escapes what it echoes and forbids framing and foreign scripts', async () => {
    const res = await fetch(`${baseUrl}/staff/login?next=${encodeURIComponent('/admin/"><script>alert(1)</script>')}`);
    expect(res.status).to.equal(200);
    const html = await res.text();
    expect(html).to.contain('<html lang="vi">').and.contain('Đăng nhập').and.contain('Mật khẩu');
    expect(hiddenCsrf(html)).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(html).to.not.contain('<script>');
    expect(res.headers.get('content-security-policy')).to.contain("default-src 'none'").and.contain("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).to.equal('no-store');
    expect(setCookieLine(res, 'hl_login_csrf')).to.contain('HttpOnly').and.contain('SameSite=Strict');
  });

  it('when a consultant logs in, then an HttpOnly SameSite=Lax session cookie is set and they go to /console', async () => {
    const client = browser();
    const res = await client.login('Lan@STP.gov.vn', PASSWORD);
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('/console');
    const cookie = setCookieLine(res, 'hl_session')!;
    expect(cookie).to.match(/^hl_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).to.contain('HttpOnly').and.contain('SameSite=Lax').and.contain('Path=/').and.contain('Max-Age=43200');
    expect(cookie).to.not.contain('Secure');
    const me = await client.me();
    expect(me.status).to.equal(200);
    expect(await me.json()).to.deep.include({ id: consultantId, email: 'lan@stp.gov.vn', name: 'Nguyễn Thị Lan', role: 'consultant' });
  });

  it('when an admin logs in, then they go to /admin', async () => {
    const res = await browser().login('admin@stp.gov.vn', PASSWORD);
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('/admin');
  });

  it('when a login came through the TLS proxy on loopback, then the session cookie is Secure', async () => {
    const client = browser();
    const page = await client.request('/staff/login', { headers: { 'x-forwarded-proto': 'https' } });
    const { email } = await newConsultant();
    const res = await client.form('/staff/login', { _csrf: hiddenCsrf(await page.text()), email, password: PASSWORD }, { 'x-forwarded-proto': 'https' });
    expect(res.status).to.equal(303);
    expect(setCookieLine(res, 'hl_session')).to.contain('Secure');
  });

  it('when the password is wrong or the email unknown, then the same generic message is shown and no session cookie is set', async () => {
    for (const [email, password] of [
      ['lan@stp.gov.vn', 'không phải mật khẩu này'],
      ['khong-ton-tai@stp.gov.vn', PASSWORD],
    ] as const) {
      const res = await browser().login(email, password);
      expect(res.status, email).to.equal(401);
      expect(setCookieLine(res, 'hl_session'), email).to.equal(undefined);
      const html = await res.text();
      expect(html, email).to.contain(GENERIC);
    }
  });

  it('when the login form comes without its CSRF token, then it is refused without checking the password', async () => {
    const client = browser();
    await client.request('/staff/login');
    const res = await client.form('/staff/login', { email: 'lan@stp.gov.vn', password: PASSWORD, _csrf: 'forged' });
    expect(res.status).to.equal(403);
    expect(setCookieLine(res, 'hl_session')).to.equal(undefined);
  });

  it('when one account is tried a 6th time within 15 minutes, then it answers 429 in Vietnamese, even with the right password', async () => {
    await service.createAccount({ email: 'binh@stp.gov.vn', role: 'consultant', password: PASSWORD });
    const client = browser();
    for (let i = 1; i <= 5; i += 1) expect((await client.login('binh@stp.gov.vn', `sai mật khẩu lần ${i}`)).status, `attempt ${i}`).to.equal(401);
    const sixth = await client.login('BINH@stp.gov.vn', PASSWORD);
    expect(sixth.status).to.equal(429);
    expect(Number(sixth.headers.get('retry-after'))).to.be.within(1, 900);
    expect(await sixth.text()).to.contain('Bạn đã thử đăng nhập quá nhiều lần. Vui lòng thử lại sau khoảng 15 phút.');
    expect(setCookieLine(sixth, 'hl_session')).to.equal(undefined);
    // Another account from the same address is not locked out.
    expect((await browser().login((await newConsultant()).email, PASSWORD)).status).to.equal(303);
  });

  it('when a staff member logs out, then the session row is deleted and the old cookie no longer works', async () => {
    const client = browser();
    await client.login((await newConsultant()).email, PASSWORD);
    const oldCookie = cookieHeader(client.jar);
    const res = await client.form('/staff/logout', { _csrf: await client.csrf() });
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('/staff/login');
    expect(setCookieLine(res, 'hl_session')).to.contain('Max-Age=0');
    const replay = await fetch(`${baseUrl}/staff/me`, { headers: { cookie: oldCookie } });
    expect(replay.status).to.equal(401);
    expect((await replay.json()).error.code).to.equal('unauthenticated');
  });

  it('when a state-changing request lacks the CSRF token or carries a wrong one, then it is 403 and nothing changes', async () => {
    const client = browser();
    await client.login((await newConsultant()).email, PASSWORD);
    const missing = await client.form('/staff/logout', {}, { accept: 'application/json' });
    expect(missing.status).to.equal(403);
    expect((await missing.json()).error.code).to.equal('csrf_failed');
    const wrong = await client.request('/staff/logout', { method: 'POST', headers: { 'x-csrf-token': randomBytes(32).toString('base64url') } });
    expect(wrong.status).to.equal(403);
    expect((await client.me()).status, 'still signed in').to.equal(200);
    const right = await client.request('/staff/logout', { method: 'POST', headers: { 'x-csrf-token': await client.csrf() } });
    expect(right.status).to.equal(303);
    expect((await client.me()).status).to.equal(401);
  });

  it('when nobody is signed in, then a page request is sent to the login page and an API request gets 401 JSON', async () => {
    const page = await fetch(`${baseUrl}/staff/password`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).to.equal(303);
    expect(page.headers.get('location')).to.equal('/staff/login?next=%2Fstaff%2Fpassword');
    const api = await fetch(`${baseUrl}/admin/staff/${consultantId}/reset-password`, { method: 'POST' });
    expect(api.status).to.equal(401);
    expect((await api.json()).error).to.deep.equal({ code: 'unauthenticated', message: 'Vui lòng đăng nhập để tiếp tục.' });
  });

  it('when a consultant asks to reset a password, then it is 403', async () => {
    const client = browser();
    await client.login((await newConsultant()).email, PASSWORD);
    const res = await client.request(`/admin/staff/${consultantId}/reset-password`, { method: 'POST', headers: { 'x-csrf-token': await client.csrf() } });
    expect(res.status).to.equal(403);
    expect((await res.json()).error.code).to.equal('forbidden');
  });

  it("when an admin resets a consultant's password, then it is shown once, the old sessions end, and the new one leads to a forced change", async () => {
    const { account } = await service.createAccount({ email: 'chi@stp.gov.vn', role: 'consultant', password: PASSWORD });
    const consultant = browser();
    await consultant.login('chi@stp.gov.vn', PASSWORD);
    expect((await consultant.me()).status).to.equal(200);

    const admin = browser();
    await admin.login('admin@stp.gov.vn', PASSWORD);
    const noToken = await admin.request(`/admin/staff/${account.id}/reset-password`, { method: 'POST' });
    expect(noToken.status).to.equal(403);
    const res = await admin.request(`/admin/staff/${account.id}/reset-password`, { method: 'POST', headers: { 'x-csrf-token': await admin.csrf() } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('cache-control')).to.equal('no-store');
    const body = await res.json();
    expect(body.account).to.include({ id: account.id, email: 'chi@stp.gov.vn', must_change_password: true });
    expect(body.password.replace(/-/g, '')).to.have.length.of.at.least(16);

    expect((await consultant.me()).status, 'old session revoked').to.equal(401);
    expect((await browser().login('chi@stp.gov.vn', PASSWORD)).status, 'old password').to.equal(401);

    const fresh = browser();
    const login = await fresh.login('chi@stp.gov.vn', body.password);
    expect(login.status).to.equal(303);
    expect(login.headers.get('location')).to.equal('/staff/password');
    expect(await (await fresh.me()).json()).to.include({ must_change_password: true });
    const blocked = await fresh.request(`/admin/staff/${consultantId}/reset-password`, { method: 'POST', headers: { 'x-csrf-token': await fresh.csrf() } });
    expect(blocked.status).to.equal(403);
    expect((await blocked.json()).error.code).to.equal('password_change_required');

    const page = await fresh.request('/staff/password', { headers: { accept: 'text/html' } });
    const csrf = hiddenCsrf(await page.text());
    const mismatch = await fresh.form('/staff/password', { _csrf: csrf, current: body.password, password: 'mật khẩu riêng của Chi', confirm: 'khác' });
    expect(mismatch.status).to.equal(400);
    expect(await mismatch.text()).to.contain('không khớp');
    const changed = await fresh.form('/staff/password', { _csrf: csrf, current: body.password, password: 'mật khẩu riêng của Chi', confirm: 'mật khẩu riêng của Chi' });
    expect(changed.status).to.equal(303);
    expect(changed.headers.get('location')).to.equal('/console');
    expect(await (await fresh.me()).json()).to.include({ must_change_password: false });
    expect((await browser().login('chi@stp.gov.vn', 'mật khẩu riêng của Chi')).headers.get('location')).to.equal('/console');
  });

  it("when an admin's password is the target, then the reset is refused: admins reset theirs with the CLI", async () => {
    const admin = browser();
    await admin.login('admin@stp.gov.vn', PASSWORD);
    const res = await admin.request(`/admin/staff/${adminId}/reset-password`, { method: 'POST', headers: { 'x-csrf-token': await admin.csrf() } });
    expect(res.status).to.equal(403);
    expect((await res.json()).error.code).to.equal('forbidden_target');
    const unknown = await admin.request(`/admin/staff/not-a-uuid/reset-password`, { method: 'POST', headers: { 'x-csrf-token': await admin.csrf() } });
    expect(unknown.status).to.equal(404);
  });

  it('authenticateStaffSocket accepts a live session cookie and rejects garbage and a citizen token', async () => {
    const { id, email } = await newConsultant();
    const client = browser();
    await client.login(email, PASSWORD);
    const principal = await app.staff.authenticateStaffSocket(`theme=dark; ${cookieHeader(client.jar)}`);
    expect(principal).to.include({ id, email, role: 'consultant' });

    const citizenToken = randomBytes(32).toString('base64url');
    await createChatRepository(db.dataSource).createConversation(hashToken(citizenToken));
    for (const header of [undefined, '', 'hl_session=garbage', `hl_session=${randomBytes(32).toString('base64url')}`, `hl_session=${citizenToken}`]) {
      expect(await app.staff.authenticateStaffSocket(header), String(header)).to.equal(null);
    }
    const asCitizen = await fetch(`${baseUrl}/staff/me`, { headers: { cookie: `hl_session=${citizenToken}` } });
    expect(asCitizen.status).to.equal(401);
  });

  it('staff sessions are read on staff paths only, not on the public API', async () => {
    const stale = { cookie: `hl_session=${randomBytes(32).toString('base64url')}` };
    const onStaff = await fetch(`${baseUrl}/staff/me`, { headers: stale });
    expect(setCookieLine(onStaff, 'hl_session'), 'a stale cookie is cleared on staff paths').to.contain('Max-Age=0');
    const onApi = await fetch(`${baseUrl}/api/v1/fields`, { headers: stale });
    expect(onApi.status).to.equal(200);
    expect(onApi.headers.getSetCookie()).to.deep.equal([]);
  });
});

describe(`staff login limits per address and forced Secure cookies (${engineName})`, () => {
  let app: App;
  let baseUrl: string;

  before(async () => {
    const db = await testDatabase();
    await resetDatabase(db);
    const service = createStaffService({ repo: createStaffRepository(db.dataSource), sessionTtlMs: 3_600_000 });
    await service.createAccount({ email: 'lan@stp.gov.vn', role: 'consultant', password: PASSWORD });
    ({ app, baseUrl } = await startTestApp(db, { LOGIN_ATTEMPTS_PER_IP: '3', COOKIE_SECURE: 'true', SESSION_TTL_HOURS: '2' }));
  });

  after(async () => {
    await app.close();
  });

  async function attempt(email: string, password: string): Promise<Response> {
    const page = await fetch(`${baseUrl}/staff/login`);
    const csrf = hiddenCsrf(await page.text());
    const cookie = setCookieLine(page, 'hl_login_csrf')!.split(';')[0]!;
    return fetch(`${baseUrl}/staff/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, email, password }),
    });
  }

  it('when COOKIE_SECURE=true, then the session cookie is Secure even over plain HTTP, with the configured lifetime', async () => {
    const res = await attempt('lan@stp.gov.vn', PASSWORD);
    expect(res.status).to.equal(303);
    expect(setCookieLine(res, 'hl_session')).to.contain('Secure').and.contain('Max-Age=7200');
  });

  it('when one address spreads attempts over many accounts, then it is stopped at the per-address limit', async () => {
    // The first attempt of this app's window was the login above.
    expect((await attempt('a@stp.gov.vn', 'sai mật khẩu rồi')).status).to.equal(401);
    expect((await attempt('b@stp.gov.vn', 'sai mật khẩu rồi')).status).to.equal(401);
    const res = await attempt('c@stp.gov.vn', 'sai mật khẩu rồi');
    expect(res.status).to.equal(429);
    expect(await res.text()).to.contain('Bạn đã thử đăng nhập quá nhiều lần.');
  });
});
