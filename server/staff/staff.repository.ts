import type { DataSource } from 'typeorm';
import type { StaffAccount, StaffRole } from './staff.types.js';

const ACCOUNT_COLUMNS = `a.id, a.email, a.display_name AS "displayName", a.role, a.active,
  a.must_change_password AS "mustChangePassword", a.field_slugs AS "fieldSlugs", a.capacity,
  a.created_at AS "createdAt", a.updated_at AS "updatedAt"`;

/** An account to insert; the email is already normalised (trimmed, lower-cased). */
export interface NewStaffAccount {
  email: string;
  displayName: string;
  role: StaffRole;
  passwordHash: string;
  mustChangePassword: boolean;
  fieldSlugs?: string[];
  capacity?: number;
}

/** A session row joined with its (active) account. */
export interface StoredSession {
  id: string;
  csrfToken: string;
  lastSeenAt: Date;
  expiresAt: Date;
  account: StaffAccount;
}

/**
 * SQL for staff accounts and their sessions; times come from the service's clock.
 * Writes that return rows are wrapped as `WITH … SELECT`: for a bare UPDATE/DELETE, TypeORM's
 * postgres driver answers `[rows, count]` while the PGlite driver answers `rows`.
 */
export function createStaffRepository(dataSource: DataSource) {
  return {
    async insertAccount(input: NewStaffAccount): Promise<StaffAccount> {
      const [row] = await dataSource.query(
        `INSERT INTO staff_accounts AS a (email, display_name, role, password_hash, must_change_password, field_slugs, capacity)
         VALUES ($1, $2, $3, $4, $5, $6::text[], $7)
         RETURNING ${ACCOUNT_COLUMNS}`,
        [input.email, input.displayName, input.role, input.passwordHash, input.mustChangePassword, input.fieldSlugs ?? [], input.capacity ?? 3],
      );
      return row;
    },

    async findAccountById(id: string): Promise<StaffAccount | null> {
      const [row] = await dataSource.query(`SELECT ${ACCOUNT_COLUMNS} FROM staff_accounts a WHERE a.id = $1`, [id]);
      return row ?? null;
    },

    async findAccountByEmail(email: string): Promise<StaffAccount | null> {
      const [row] = await dataSource.query(`SELECT ${ACCOUNT_COLUMNS} FROM staff_accounts a WHERE lower(a.email) = lower($1)`, [email]);
      return row ?? null;
    },

    /** The account and its password hash, for login only. */
    async findCredentials(by: { email: string } | { id: string }): Promise<{ account: StaffAccount; passwordHash: string } | null> {
      const [where, value] = 'email' in by ? ['lower(a.email) = lower($1)', by.email] : ['a.id = $1', by.id];
      const [row] = await dataSource.query(
        `SELECT ${ACCOUNT_COLUMNS}, a.password_hash AS "passwordHash" FROM staff_accounts a WHERE ${where}`,
        [value],
      );
      if (!row) return null;
      const { passwordHash, ...account } = row;
      return { account, passwordHash };
    },

    async listAccounts(): Promise<StaffAccount[]> {
      return dataSource.query(`SELECT ${ACCOUNT_COLUMNS} FROM staff_accounts a ORDER BY a.role, a.email`);
    },

    /**
     * Replaces the password and revokes every session of the account in ONE statement: nobody
     * stays signed in with the old password, even for an instant.
     */
    async replacePassword(id: string, passwordHash: string, mustChangePassword: boolean): Promise<StaffAccount | null> {
      const [row] = await dataSource.query(
        `WITH revoked AS (DELETE FROM staff_sessions WHERE staff_id = $1 RETURNING id),
         updated AS (UPDATE staff_accounts AS a SET password_hash = $2, must_change_password = $3, updated_at = now()
           WHERE a.id = $1 RETURNING ${ACCOUNT_COLUMNS})
         SELECT * FROM updated`,
        [id, passwordHash, mustChangePassword],
      );
      return row ?? null;
    },

    /** Deactivates the account and revokes its sessions, in one statement. */
    async deactivate(id: string): Promise<StaffAccount | null> {
      const [row] = await dataSource.query(
        `WITH revoked AS (DELETE FROM staff_sessions WHERE staff_id = $1 RETURNING id),
         updated AS (UPDATE staff_accounts AS a SET active = false, updated_at = now() WHERE a.id = $1 RETURNING ${ACCOUNT_COLUMNS})
         SELECT * FROM updated`,
        [id],
      );
      return row ?? null;
    },

    async insertSession(input: { id: string; staffId: string; csrfToken: string; userAgent: string; now: Date; expiresAt: Date }): Promise<void> {
      await dataSource.query(
        `INSERT INTO staff_sessions (id, staff_id, csrf_token, user_agent, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $5, $6)`,
        [input.id, input.staffId, input.csrfToken, input.userAgent, input.now, input.expiresAt],
      );
    },

    /** A session that has not expired at `now` and whose account is active. */
    async findLiveSession(id: string, now: Date): Promise<StoredSession | null> {
      const [row] = await dataSource.query(
        `SELECT s.id AS "sessionId", s.csrf_token AS "csrfToken", s.last_seen_at AS "lastSeenAt", s.expires_at AS "expiresAt", ${ACCOUNT_COLUMNS}
         FROM staff_sessions s JOIN staff_accounts a ON a.id = s.staff_id
         WHERE s.id = $1 AND s.expires_at > $2 AND a.active`,
        [id, now],
      );
      if (!row) return null;
      const { sessionId, csrfToken, lastSeenAt, expiresAt, ...account } = row;
      return { id: sessionId, csrfToken, lastSeenAt, expiresAt, account };
    },

    /** Slides the expiry forward (only while the session is still live). */
    async touchSession(id: string, now: Date, expiresAt: Date): Promise<boolean> {
      const rows = await dataSource.query(
        `WITH touched AS (UPDATE staff_sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1 AND expires_at > $2 RETURNING id)
         SELECT id FROM touched`,
        [id, now, expiresAt],
      );
      return rows.length > 0;
    },

    async deleteSession(id: string): Promise<boolean> {
      const rows = await dataSource.query(`WITH gone AS (DELETE FROM staff_sessions WHERE id = $1 RETURNING id) SELECT id FROM gone`, [id]);
      return rows.length > 0;
    },

    async deleteSessionsOf(staffId: string): Promise<number> {
      const rows = await dataSource.query(`WITH gone AS (DELETE FROM staff_sessions WHERE staff_id = $1 RETURNING id) SELECT id FROM gone`, [staffId]);
      return rows.length;
    },

    async purgeExpiredSessions(now: Date): Promise<number> {
      const rows = await dataSource.query(`WITH gone AS (DELETE FROM staff_sessions WHERE expires_at <= $1 RETURNING id) SELECT id FROM gone`, [now]);
      return rows.length;
    },
  };
}

export type StaffRepository = ReturnType<typeof createStaffRepository>;
