import { createHash, randomBytes } from 'node:crypto';
import { newCsrfToken } from './csrf.js';
import { AppError, badRequest, conflict, fromDatabaseError, notFound } from '../errors.js';
import { generatePassword, hashPassword, passwordProblem, spendVerificationTime, verifyPassword } from './password.js';
import type { StaffRepository } from './staff.repository.js';
import { displayNameSchema, emailSchema, roleSchema } from './staff.schemas.js';
import type { StaffAccount, StaffPrincipal, StaffRole, StaffSessionInfo } from './staff.types.js';

export interface StaffServiceOptions {
  repo: StaffRepository;
  /** How long an unused session lives; each use pushes the expiry this far ahead again. */
  sessionTtlMs: number;
  /** The clock (tests move it to expire sessions). */
  now?: () => Date;
  /** A used session is written back at most this often (ms): sliding expiry without a write per request. */
  touchIntervalMs?: number;
}

/** A password the service generated: shown once, never stored in clear. */
export interface IssuedPassword {
  account: StaffAccount;
  /** Present only when the service generated the password. */
  oneTimePassword?: string;
}

/** A resolved session: who, the session, and whether its expiry was just pushed forward. */
export interface ResolvedSession {
  principal: StaffPrincipal;
  session: StaffSessionInfo;
  refreshed: boolean;
}

/** Cookie tokens are 32 random bytes in base64url; anything else is not worth a query. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** SHA-256 (hex) of a session token: the session's id in the database. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const invalidInput = (message: string) => badRequest(message, undefined, 'invalid_staff_input');
const staffNotFound = () => notFound('Không tìm thấy tài khoản cán bộ này.', 'staff_not_found');

function parseOr<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInput(parsed.error.issues[0]?.message ?? 'Dữ liệu không hợp lệ.');
  return parsed.data;
}

/** The principal other modules see for an account and one of its sessions. */
export function toPrincipal(account: StaffAccount, sessionId: string): StaffPrincipal {
  return {
    id: account.id,
    email: account.email,
    name: account.displayName,
    role: account.role,
    fieldSlugs: account.fieldSlugs,
    capacity: account.capacity,
    mustChangePassword: account.mustChangePassword,
    sessionId,
  };
}

/**
 * Staff accounts, passwords and sessions. Knows nothing of HTTP: routes, the socket handshake and
 * the CLI all call it.
 */
export function createStaffService(options: StaffServiceOptions) {
  const { repo, sessionTtlMs } = options;
  const now = options.now ?? (() => new Date());
  const touchIntervalMs = options.touchIntervalMs ?? 60_000;

  async function chosenOrGenerated(password: string | undefined, email: string): Promise<{ hash: string; oneTimePassword?: string }> {
    if (password === undefined) {
      const oneTimePassword = generatePassword();
      return { hash: await hashPassword(oneTimePassword), oneTimePassword };
    }
    const problem = passwordProblem(password, email);
    if (problem) throw invalidInput(problem);
    return { hash: await hashPassword(password) };
  }

  async function accountByEmail(email: string): Promise<StaffAccount> {
    const account = await repo.findAccountByEmail(parseOr(emailSchema, email));
    if (!account) throw staffNotFound();
    return account;
  }

  /** Opens a session: the token goes in the cookie, only its hash is stored. Purges expired ones. */
  async function startSession(staffId: string, userAgent: string): Promise<{ token: string; session: StaffSessionInfo }> {
    const at = now();
    await repo.purgeExpiredSessions(at);
    const token = randomBytes(32).toString('base64url');
    const session = { id: hashSessionToken(token), csrfToken: newCsrfToken(), expiresAt: new Date(at.getTime() + sessionTtlMs) };
    await repo.insertSession({ ...session, staffId, userAgent: userAgent.slice(0, 512), now: at });
    return { token, session };
  }

  return {
    /**
     * Creates an account. Without a password, generates a one-time one (returned once) that the
     * holder must replace at first login.
     */
    async createAccount(input: { email: string; role: string; displayName?: string; password?: string; fieldSlugs?: string[]; capacity?: number }): Promise<IssuedPassword> {
      const email = parseOr(emailSchema, input.email);
      const role = parseOr(roleSchema, input.role) as StaffRole;
      const displayName = parseOr(displayNameSchema, input.displayName ?? email.split('@')[0]);
      const { hash, oneTimePassword } = await chosenOrGenerated(input.password, email);
      try {
        const account = await repo.insertAccount({
          email,
          displayName,
          role,
          passwordHash: hash,
          mustChangePassword: oneTimePassword !== undefined,
          fieldSlugs: input.fieldSlugs,
          capacity: input.capacity,
        });
        return { account, ...(oneTimePassword ? { oneTimePassword } : {}) };
      } catch (error) {
        const appError = fromDatabaseError(error);
        if (appError.code === 'duplicate') throw conflict(`Email ${email} đã có tài khoản.`, 'staff_email_taken');
        throw error;
      }
    },

    listAccounts: () => repo.listAccounts(),

    findAccount: (id: string) => repo.findAccountById(id),

    /** Sets a password by email (a generated one-time password when none is given); revokes every session. */
    async setPassword(email: string, password?: string): Promise<IssuedPassword> {
      const account = await accountByEmail(email);
      const { hash, oneTimePassword } = await chosenOrGenerated(password, account.email);
      const updated = await repo.replacePassword(account.id, hash, oneTimePassword !== undefined);
      if (!updated) throw staffNotFound();
      return { account: updated, ...(oneTimePassword ? { oneTimePassword } : {}) };
    },

    /**
     * An admin resets a consultant's password: a new one-time password, returned once, and every
     * session of that consultant revoked. Admins' passwords are reset with the CLI only.
     */
    async resetConsultantPassword(id: string): Promise<Required<IssuedPassword>> {
      const account = await repo.findAccountById(id);
      if (!account) throw staffNotFound();
      if (account.role !== 'consultant') {
        throw new AppError('forbidden_target', 403, 'Chỉ đặt lại được mật khẩu của tư vấn viên; mật khẩu quản trị viên được đặt lại bằng dòng lệnh.');
      }
      const oneTimePassword = generatePassword();
      const updated = await repo.replacePassword(account.id, await hashPassword(oneTimePassword), true);
      if (!updated) throw staffNotFound();
      return { account: updated, oneTimePassword };
    },

    /** A signed-in person replaces their own password; their other sessions end, this one stays. */
    async changeOwnPassword(principal: StaffPrincipal, current: string, next: string, userAgent = ''): Promise<{ token: string; session: StaffSessionInfo }> {
      const credentials = await repo.findCredentials({ id: principal.id });
      if (!credentials || !(await verifyPassword(credentials.passwordHash, current))) {
        throw new AppError('wrong_password', 400, 'Mật khẩu hiện tại không đúng.');
      }
      const problem = passwordProblem(next, credentials.account.email);
      if (problem) throw invalidInput(problem);
      if (await verifyPassword(credentials.passwordHash, next)) throw invalidInput('Mật khẩu mới phải khác mật khẩu hiện tại.');
      await repo.replacePassword(principal.id, await hashPassword(next), false);
      return startSession(principal.id, userAgent);
    },

    /** Deactivates an account by email and revokes its sessions. */
    async deactivate(email: string): Promise<StaffAccount> {
      const account = await accountByEmail(email);
      const updated = await repo.deactivate(account.id);
      if (!updated) throw staffNotFound();
      return updated;
    },

    /**
     * Checks an email and password. Null for an unknown email, an inactive account or a wrong
     * password alike, in about the same time.
     */
    async verifyCredentials(email: string, password: string): Promise<StaffAccount | null> {
      const parsed = emailSchema.safeParse(email);
      const credentials = parsed.success ? await repo.findCredentials({ email: parsed.data }) : null;
      if (!credentials || !credentials.account.active) {
        await spendVerificationTime(password);
        return null;
      }
      return (await verifyPassword(credentials.passwordHash, password)) ? credentials.account : null;
    },

    startSession,

    /**
     * The live session of a cookie token, or null (garbage, unknown, expired, revoked, or the
     * account deactivated). Pushes the expiry forward when the last write is older than the
     * touch interval.
     */
    async resolveSession(token: string | undefined): Promise<ResolvedSession | null> {
      if (!token || !TOKEN_PATTERN.test(token)) return null;
      const at = now();
      const stored = await repo.findLiveSession(hashSessionToken(token), at);
      if (!stored) return null;
      let expiresAt = stored.expiresAt;
      let refreshed = false;
      if (at.getTime() - new Date(stored.lastSeenAt).getTime() >= touchIntervalMs) {
        const slid = new Date(at.getTime() + sessionTtlMs);
        if (await repo.touchSession(stored.id, at, slid)) {
          expiresAt = slid;
          refreshed = true;
        }
      }
      return {
        principal: toPrincipal(stored.account, stored.id),
        session: { id: stored.id, csrfToken: stored.csrfToken, expiresAt },
        refreshed,
      };
    },

    /** Ends one session (logout). */
    endSession: (sessionId: string) => repo.deleteSession(sessionId),

    /** Ends every session of an account. */
    revokeSessions: (staffId: string) => repo.deleteSessionsOf(staffId),
  };
}

export type StaffService = ReturnType<typeof createStaffService>;
