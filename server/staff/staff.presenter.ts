import type { StaffAccount, StaffPrincipal } from './staff.types.js';

/** The signed-in person as `/staff/me` shows them. */
export function presentMe(principal: StaffPrincipal, csrfToken: string) {
  return {
    id: principal.id,
    email: principal.email,
    name: principal.name,
    role: principal.role,
    must_change_password: principal.mustChangePassword,
    csrf_token: csrfToken,
  };
}

/** An account as admins and the CLI see it (never the hash). */
export function presentAccount(account: StaffAccount) {
  return {
    id: account.id,
    email: account.email,
    name: account.displayName,
    role: account.role,
    active: account.active,
    must_change_password: account.mustChangePassword,
    field_slugs: account.fieldSlugs,
    capacity: account.capacity,
    created_at: new Date(account.createdAt).toISOString(),
  };
}
