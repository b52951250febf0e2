import { readCookie, SESSION_COOKIE } from './cookies.js';
import type { StaffService } from './staff.service.js';
import type { StaffPrincipal } from './staff.types.js';

/**
 * Builds `authenticateStaffSocket(cookieHeader)` for socket.io namespaces of staff (`/console`):
 * the principal of a live session named by the `hl_session` cookie of the handshake, or null.
 * Null as well for an account that still has to replace its one-time password. Only staff
 * sessions are looked up, so a citizen's conversation token never authenticates.
 */
export function createSocketAuthenticator(service: StaffService) {
  return async function authenticateStaffSocket(cookieHeader: string | undefined): Promise<StaffPrincipal | null> {
    const resolved = await service.resolveSession(readCookie(cookieHeader, SESSION_COOKIE));
    if (!resolved || resolved.principal.mustChangePassword) return null;
    return resolved.principal;
  };
}
