import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createChatRepository, hashToken } from '../../server/chat/index.js';
import type { Database } from '../../server/db/database.js';
import { AppError } from '../../server/errors.js';
import { generatePassword, hashPassword, verifyPassword } from '../../server/staff/password.js';
import { createStaffRepository } from '../../server/staff/staff.repository.js';
import { createStaffService, type StaffService } from '../../server/staff/staff.service.js';
import { createSocketAuthenticator } from '../../server/staff/staff.socket.js';
import { engineName, resetDatabase, testDatabase } from '../support/database.js';

const HOUR = 3_600_000;
const PASSWORD = 'một mật khẩu đủ dài 2026';

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a rejection');
}

describe('staff passwords', () => {
  it('when a password is hashed, then it is argon2id with its own salt and verifies only itself', async () => {
    const first = await hashPassword(PASSWORD);
    const second = await hashPassword(PASSWORD);
    expect(first).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(first).to.not.equal(second);
    expect(await verifyPassword(first, PASSWORD)).to.equal(true);
    expect(await verifyPassword(first, `${PASSWORD} `)).to.equal(false);
  });

  it('when the stored hash is malformed, then verification fails instead of throwing', async () => {
    expect(await verifyPassword('not-a-hash', PASSWORD)).to.equal(false);
  });

  it('when a one-time password is generated, then it has at least 16 random characters', () => {
    const passwords = new Set(Array.from({ length: 50 }, generatePassword));
    expect(passwords.size).to.equal(50);
    for (const password of passwords) expect(password.replace(/-/g, '')).to.match(/^[A-Za-z2-9]{20}$/);
  });
});

describe(`staff accounts and sessions (${engineName})`, () => {
  let db: Database;
  let service: StaffService;
  let clock: Date;

  before(async () => {
    db = await testDatabase();
  });

  beforeEach(async () => {
    await resetDatabase(db);
    clock = new Date('2026-11-28T08:00:00Z');
    service = createStaffService({ repo: createStaffRepository(db.dataSource), sessionTtlMs: 12 * HOUR, now: () => clock });
  });

  const advance = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };

  it('when an account is created, then the email is stored lower-cased and the password only as a hash', async () => {
    const { account, oneTimePassword } = await service.createAccount({ email: '  Lan.Nguyen@STP.gov.vn ', role: 'consultant', password: PASSWORD });
    expect(account).to.include({ email: 'lan.nguyen@stp.gov.vn', displayName: 'lan.nguyen', role: 'consultant', active: true, capacity: 3, mustChangePassword: false });
    expect(account.fieldSlugs).to.deep.equal([]);
    expect(oneTimePassword).to.equal(undefined);
    const [row] = await db.dataSource.query('SELECT password_hash FROM staff_accounts');
    expect(row.password_hash).to.match(/^\$argon2id\$/).and.not.contain(PASSWORD);
  });

  it('when the same email is used again in another case, then it is refused as taken', async () => {
    await service.createAccount({ email: 'lan@stp.gov.vn', role: 'consultant', password: PASSWORD });
    const error = await rejection(service.createAccount({ email: 'LAN@stp.gov.vn', role: 'admin', password: PASSWORD }));
    expect(error).to.include({ code: 'staff_email_taken', status: 409 });
    expect(error.message).to.contain('đã có tài khoản');
  });

  it('when a password is shorter than 12 characters or the role is unknown, then nothing is created', async () => {
    expect((await rejection(service.createAccount({ email: 'a@b.vn', role: 'consultant', password: 'ngắn quá' }))).message).to.equal('Mật khẩu phải có ít nhất 12 ký tự.');
    expect((await rejection(service.createAccount({ email: 'a@b.vn', role: 'root', password: PASSWORD }))).code).to.equal('invalid_staff_input');
    expect((await rejection(service.createAccount({ email: 'not-an-email', role: 'admin', password: PASSWORD }))).code).to.equal('invalid_staff_input');
    expect(await service.listAccounts()).to.have.length(0);
  });

  it('when no password is given, then a one-time password is generated and must be replaced', async () => {
    const { account, oneTimePassword } = await service.createAccount({ email: 'admin@stp.gov.vn', role: 'admin' });
    expect(oneTimePassword).to.be.a('string');
    expect(account.mustChangePassword).to.equal(true);
    expect(await service.verifyCredentials('admin@stp.gov.vn', oneTimePassword!)).to.include({ id: account.id });
  });

  it('when credentials are checked, then a wrong password, an unknown email and an inactive account all fail alike', async () => {
    const { account } = await service.createAccount({ email: 'lan@stp.gov.vn', role: 'consultant', password: PASSWORD });
    expect(await service.verifyCredentials('LAN@stp.gov.vn', PASSWORD)).to.include({ id: account.id });
    expect(await service.verifyCredentials('lan@stp.gov.vn', 'sai mật khẩu rồi nhé')).to.equal(null);
    expect(await service.verifyCredentials('ai-do@stp.gov.vn', PASSWORD)).to.equal(null);
    expect(await service.verifyCredentials('<script>', PASSWORD)).to.equal(null);
    await service.deactivate('lan@stp.gov.vn');
    expect(await service.verifyCredentials('lan@stp.gov.vn', PASSWORD)).to.equal(null);
  });

  it('when a session starts, then only the SHA-256 of its token is stored and the token resolves to the person', async () => {
    const { account } = await service.createAccount({ email: 'lan@stp.gov.vn', role: 'consultant', displayName: 'Nguyễn Thị Lan', password: PASSWORD });
    const { token, session } = await service.startSession(account.id, 'Mozilla/5.0');
    expect(Buffer.from(token, 'base64url')).to.have.length(32);
    const rows = await db.dataSource.query('SELECT id, user_agent, expires_at FROM staff_sessions');
    expect(rows).to.have.length(1);
    expect(rows[0].id).to.equal(createHash('sha256').update(token).digest('hex')).and.equal(session.id);
    expect(rows[0].user_agent).to.equal('Mozilla/5.0');
    expect(new Date(rows[0].expires_at).getTime()).to.equal(clock.getTime() + 12 * HOUR);

    const resolved = await service.resolveSession(token);
    expect(resolved?.principal).to.deep.include({ id: account.id, email: 'lan@stp.gov.vn', name: 'Nguyễn Thị Lan', role: 'consultant', sessionId: session.id });
    expect(resolved?.session.csrfToken).to.equal(session.csrfToken);
    expect(await service.resolveSession(rows[0].id)).to.equal(null, 'the stored hash is not a token');
  });

  it('when a session is not used for longer than its lifetime, then it no longer resolves', async () => {
    const { account } = await service.createAccount({ email: 'lan@stp.gov.vn', role: 'consultant', password: PASSWORD });
    const { token } = await service.startSession(account.id, '');
    advance(12 * HOUR - 1000);
    expect(await service.resolveSession(token)).to.not.equal(null);
    advance(12 * HOUR + 1000);
    expect(await service.resolveSession(token)).to.equal(null);
  });

  it('when a session is used, then its expiry slides forward', async () => {
    const { account } = await service.createAccount({ email: 'lan@stp.gov.vn', role: 'consultant', password: PASSWORD });
    const { token, session } = await service.startSession(account.id, '');
    advance(8 * HOUR);
    const used = await service.resolveSession(token);
    expect(used?.refreshed).to.equal(true);
    expect(used!.session.expiresAt.getTime()).to.equal(session.expiresAt.getTime() + 8 * HOUR);
    advance(8 * HOUR); // 16 h after login, 8 h after the last use
    expect(await service.resolveSession(token)).to.not.equal(null);
  });

  it('when a session ends, or the password changes, or the account is deactivated, then its token stops working', async () => {
    const { account } = await service.createAccount({ email: 'lan@stp.gov.vn', role: 'consultant', password: PASSWORD });
    const ended = await service.startSession(account.id, '');
    expect(await service.endSession(ended.session.id)).to.equal(true);
    expect(await service.endSession(ended.session.id)).to.equal(false);
    expect(await service.resolveSession(ended.token)).to.equal(null);
    await service.startSession(account.id, '');
    expect(await service.revokeSessions(account.id)).to.equal(1);

    const beforeReset = await service.startSession(account.id, '');
    const other = await service.startSession(account.id, '');
    await service.setPassword('lan@stp.gov.vn', 'mật khẩu mới dài hơn 12');
    expect(await service.resolveSession(beforeReset.token)).to.equal(null);
    expect(await service.resolveSession(other.token)).to.equal(null);

    const beforeDeactivation = await service.startSession(account.id, '');
    await service.deactivate('lan@stp.gov.vn');
    expect(await service.resolveSession(beforeDeactivation.token)).to.equal(null);
    expect(await db.dataSource.query('SELECT id FROM staff_sessions')).to.have.length(0);
  });

  it('when an admin resets a password, then only a consultant can be the target', async () => {
    const { account: admin } = await service.createAccount({ email: 'admin@stp.gov.vn', role: 'admin', password: PASSWORD });
    const { account: consultant } = await service.createAccount({ email: 'lan@stp.gov.vn', role: 'consultant', password: PASSWORD });
    const reset = await service.resetConsultantPassword(consultant.id);
    expect(reset.account.mustChangePassword).to.equal(true);
    expect(await service.verifyCredentials('lan@stp.gov.vn', reset.oneTimePassword)).to.include({ id: consultant.id });
    expect(await service.verifyCredentials('lan@stp.gov.vn', PASSWORD)).to.equal(null);
    expect((await rejection(service.resetConsultantPassword(admin.id))).code).to.equal('forbidden_target');
  });

  it('when expired sessions exist, then the next login purges them', async () => {
    const { account } = await service.createAccount({ email: 'lan@stp.gov.vn', role: 'consultant', password: PASSWORD });
    await service.startSession(account.id, '');
    advance(13 * HOUR);
    await service.startSession(account.id, '');
    expect(await db.dataSource.query('SELECT id FROM staff_sessions')).to.have.length(1);
  });

  it("when a citizen's conversation token is presented, then it is not a staff session", async () => {
    const citizenToken = randomBytes(32).toString('base64url');
    await createChatRepository(db.dataSource).createConversation(hashToken(citizenToken));
    expect(await service.resolveSession(citizenToken)).to.equal(null);
    const authenticate = createSocketAuthenticator(service);
    expect(await authenticate(`hl_session=${citizenToken}`)).to.equal(null);
    expect(await authenticate(undefined)).to.equal(null);
    expect(await authenticate('hl_session=%E0%A4%A; other=1')).to.equal(null);
  });
});
