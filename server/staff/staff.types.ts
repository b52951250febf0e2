/** What a staff member may do: consultants answer citizens, admins run the service. */
export type StaffRole = 'consultant' | 'admin';

export const STAFF_ROLES: readonly StaffRole[] = ['consultant', 'admin'];

/** A stored staff account, without its password hash. */
export interface StaffAccount {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
  active: boolean;
  mustChangePassword: boolean;
  fieldSlugs: string[];
  capacity: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The signed-in staff member behind a request or a socket, as other modules see them.
 * `sessionId` is the stored hash, never the cookie's token.
 */
export interface StaffPrincipal {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  fieldSlugs: string[];
  capacity: number;
  /** True while the account holds a generated password: only the change-password page is open. */
  mustChangePassword: boolean;
  sessionId: string;
}

/** The session behind a request: its synchroniser token for forms, and when it ends. */
export interface StaffSessionInfo {
  id: string;
  csrfToken: string;
  expiresAt: Date;
}
