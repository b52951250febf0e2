import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../config.js';
import { readCookie, serializeCookie, SESSION_COOKIE } from './cookies.js';
import { csrfTokensMatch } from './csrf.js';
import { staffErrors } from './staff.errors.js';
import type { StaffService } from './staff.service.js';
import type { StaffPrincipal, StaffRole, StaffSessionInfo } from './staff.types.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The signed-in staff member, set by `loadStaff` (absent for everyone else). */
      staff?: StaffPrincipal;
      /** Their session: the CSRF token for forms, the expiry. */
      staffSession?: StaffSessionInfo;
    }
  }
}

/** Writes and clears the session cookie the same way everywhere. */
export interface SessionCookies {
  /** Sets `hl_session` to the token for the session's lifetime. */
  set(req: Request, res: Response, token: string): void;
  /** Deletes `hl_session` in the browser. */
  clear(req: Request, res: Response): void;
  /** Whether cookies on this request get `Secure`. */
  secure(req: Request): boolean;
}

/**
 * `COOKIE_SECURE=auto` marks cookies Secure when the request came over TLS (`req.secure`, which
 * honours X-Forwarded-Proto from the trusted proxy); `true`/`false` force it.
 */
export function sessionCookies(config: Pick<Config, 'COOKIE_SECURE' | 'SESSION_TTL_HOURS'>): SessionCookies {
  const secure = (req: Request) => (config.COOKIE_SECURE === 'auto' ? req.secure : config.COOKIE_SECURE === 'true');
  return {
    secure,
    set: (req, res, token) => {
      res.append('Set-Cookie', serializeCookie(SESSION_COOKIE, token, { maxAge: config.SESSION_TTL_HOURS * 3600, secure: secure(req) }));
    },
    clear: (req, res) => {
      res.append('Set-Cookie', serializeCookie(SESSION_COOKIE, '', { maxAge: 0, secure: secure(req) }));
    },
  };
}

/** True when the client would rather read a page than JSON (a browser navigating). */
export function wantsHtml(req: Request): boolean {
  return req.accepts(['json', 'html']) === 'html';
}

/**
 * Reads the `hl_session` cookie and sets `req.staff` and `req.staffSession` when it names a live
 * session; otherwise leaves them unset (and deletes a stale cookie). Never rejects a request itself.
 */
export function createLoadStaff(service: StaffService, cookies: SessionCookies): RequestHandler {
  return async (req, res, next) => {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!token) return next();
    const resolved = await service.resolveSession(token);
    if (!resolved) {
      cookies.clear(req, res);
      return next();
    }
    req.staff = resolved.principal;
    req.staffSession = resolved.session;
    // The expiry slid forward in the database: let the browser's copy slide too.
    if (resolved.refreshed) cookies.set(req, res, token);
    next();
  };
}

/** Where a role lands after login. */
export function homeOf(role: StaffRole): string {
  return role === 'admin' ? '/admin' : '/console';
}

/** The login page, remembering a local page to come back to. */
export function loginUrl(next?: string): string {
  return next ? `/staff/login?next=${encodeURIComponent(next)}` : '/staff/login';
}

const isRead = (req: Request) => req.method === 'GET' || req.method === 'HEAD';

/**
 * Any signed-in staff member, even one who still holds a one-time password: for the few routes
 * that must stay open to them (change password, logout, /staff/me).
 */
export const requireSignedIn: RequestHandler = (req, res, next) => {
  if (req.staff) return next();
  if (isRead(req) && wantsHtml(req)) return res.redirect(303, loginUrl(req.originalUrl));
  next(staffErrors.unauthenticated());
};

/**
 * Lets through a signed-in staff member with one of the roles (any role when none is given).
 * Nobody signed in: a page request is redirected to the login page, anything else gets 401 JSON.
 * Wrong role: 403. A one-time password not yet replaced: redirect to the change-password page,
 * or 403 `password_change_required`.
 */
export function requireStaff(...roles: StaffRole[]): RequestHandler {
  return (req, res, next) => {
    const staff = req.staff;
    if (!staff) return requireSignedIn(req, res, next);
    if (staff.mustChangePassword) {
      if (isRead(req) && wantsHtml(req)) return res.redirect(303, '/staff/password');
      return next(staffErrors.passwordChangeRequired());
    }
    if (roles.length > 0 && !roles.includes(staff.role)) return next(staffErrors.forbidden());
    next();
  };
}

/**
 * Checks the session's synchroniser token on state-changing requests: the `x-csrf-token` header
 * (fetch) or the `_csrf` form field (parse the form first). GET, HEAD and OPTIONS pass: they
 * never change state. Put it after `requireStaff`/`requireSignedIn`.
 */
export const requireCsrf: RequestHandler = (req, _res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
  const header = req.get('x-csrf-token');
  const submitted = header !== undefined ? header : (req.body as Record<string, unknown> | undefined)?._csrf;
  if (!req.staffSession || !csrfTokensMatch(req.staffSession.csrfToken, submitted)) return next(staffErrors.csrf());
  next();
};
