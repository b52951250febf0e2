import express, { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { LOGIN_CSRF_COOKIE, readCookie, serializeCookie } from './cookies.js';
import { csrfTokensMatch, newCsrfToken } from './csrf.js';
import type { LoginThrottle } from './login.throttle.js';
import { MIN_PASSWORD_LENGTH } from './password.js';
import { homeOf, requireCsrf, requireSignedIn, requireStaff, type SessionCookies, wantsHtml } from './staff.middleware.js';
import { INVALID_CREDENTIALS_MESSAGE } from './staff.errors.js';
import { presentAccount, presentMe } from './staff.presenter.js';
import { loginFormSchema, passwordFormSchema, staffIdSchema } from './staff.schemas.js';
import type { StaffService } from './staff.service.js';
import type { StaffRole } from './staff.types.js';
import { renderPage, setStaffHeaders } from './staff.views.js';

export interface StaffRoutesDeps {
  service: StaffService;
  cookies: SessionCookies;
  throttle: LoginThrottle;
  logger: Logger;
}

/** Staff forms are small url-encoded bodies; nothing else is parsed on these routes. */
export const parseStaffForm = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 });

const LOGIN_CSRF_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const LOGIN_CSRF_MAX_AGE = 3600;

/** A page to return to after login: only the role's own area, never another site. */
function safeNext(next: unknown, role?: StaffRole): string | undefined {
  if (typeof next !== 'string' || !/^\/(?:console|admin)(?:[/?#]|$)/.test(next) || /[\\\s]/.test(next)) return undefined;
  if (role && !next.startsWith(homeOf(role))) return undefined;
  return next;
}

/**
 * Staff pages and endpoints: login, logout, the change-password page, `/staff/me`, and the
 * admin's password reset. Expects `loadStaff` to have run on these paths.
 */
export function staffRoutes({ service, cookies, throttle, logger }: StaffRoutesDeps): Router {
  const router = Router();
  router.use(['/staff', '/admin/staff'], (_req, res, next) => {
    setStaffHeaders(res);
    next();
  });

  /** Login CSRF: before a session exists, the form token is double-submitted in a cookie. */
  const loginCsrfToken = (req: Request, res: Response): string => {
    const existing = readCookie(req.headers.cookie, LOGIN_CSRF_COOKIE);
    const token = existing && LOGIN_CSRF_PATTERN.test(existing) ? existing : newCsrfToken();
    res.append('Set-Cookie', serializeCookie(LOGIN_CSRF_COOKIE, token, { maxAge: LOGIN_CSRF_MAX_AGE, secure: cookies.secure(req), path: '/staff/login', sameSite: 'Strict' }));
    return token;
  };
  const renderLogin = (req: Request, res: Response, status: number, data: { error?: string; email?: string; next?: string }) =>
    renderPage(res, status, 'login', 'Đăng nhập', { ...data, csrfToken: loginCsrfToken(req, res) });

  router.get('/staff/login', (req, res) => {
    if (req.staff) return res.redirect(303, req.staff.mustChangePassword ? '/staff/password' : homeOf(req.staff.role));
    renderLogin(req, res, 200, { next: safeNext(req.query.next) });
  });

  router.post('/staff/login', parseStaffForm, async (req, res) => {
    const parsed = loginFormSchema.safeParse(req.body ?? {});
    const form = parsed.success ? parsed.data : { email: '', password: '', _csrf: undefined, next: undefined };
    const email = form.email.trim();
    const next = safeNext(form.next);
    if (!csrfTokensMatch(readCookie(req.headers.cookie, LOGIN_CSRF_COOKIE), form._csrf)) {
      return renderLogin(req, res, 403, { error: 'Trang đăng nhập đã hết hạn. Vui lòng nhập lại.', email, next });
    }
    try {
      throttle.take(req.ip ?? 'unknown', email);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const retryAfter = (error.details as { retryAfter?: number } | undefined)?.retryAfter;
      if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
      logger.warn({ ip: req.ip }, 'staff login throttled');
      return renderLogin(req, res, error.status, { error: error.message, email, next });
    }
    const account = await service.verifyCredentials(email, form.password);
    if (!account) return renderLogin(req, res, 401, { error: INVALID_CREDENTIALS_MESSAGE, email, next });

    // A new session on every login (no fixation); a session this browser already had ends.
    if (req.staffSession) await service.endSession(req.staffSession.id);
    const { token } = await service.startSession(account.id, req.get('user-agent') ?? '');
    cookies.set(req, res, token);
    res.append('Set-Cookie', serializeCookie(LOGIN_CSRF_COOKIE, '', { maxAge: 0, secure: cookies.secure(req), path: '/staff/login', sameSite: 'Strict' }));
    logger.info({ staffId: account.id, role: account.role }, 'staff signed in');
    res.redirect(303, account.mustChangePassword ? '/staff/password' : (safeNext(next, account.role) ?? homeOf(account.role)));
  });

  router.post('/staff/logout', parseStaffForm, (req, res, next) => (req.staff ? requireCsrf(req, res, next) : next()), async (req, res) => {
    if (req.staffSession) await service.endSession(req.staffSession.id);
    cookies.clear(req, res);
    res.redirect(303, '/staff/login');
  });

  router.get('/staff/me', requireSignedIn, (req, res) => {
    res.json(presentMe(req.staff!, req.staffSession!.csrfToken));
  });

  const renderPassword = (req: Request, res: Response, status: number, error?: string) =>
    renderPage(res, status, 'password', 'Đổi mật khẩu', {
      error,
      email: req.staff!.email,
      mustChange: req.staff!.mustChangePassword,
      csrfToken: req.staffSession!.csrfToken,
      minLength: MIN_PASSWORD_LENGTH,
    });

  router.get('/staff/password', requireSignedIn, (req, res) => renderPassword(req, res, 200));

  router.post('/staff/password', parseStaffForm, requireSignedIn, requireCsrf, async (req, res) => {
    const parsed = passwordFormSchema.safeParse(req.body ?? {});
    if (!parsed.success) return renderPassword(req, res, 400, 'Vui lòng điền đủ các ô.');
    const { current, password, confirm } = parsed.data;
    if (password !== confirm) return renderPassword(req, res, 400, 'Hai lần nhập mật khẩu mới không khớp.');
    try {
      const { token } = await service.changeOwnPassword(req.staff!, current, password, req.get('user-agent') ?? '');
      cookies.set(req, res, token);
    } catch (error) {
      if (error instanceof AppError && error.status === 400) return renderPassword(req, res, 400, error.message);
      throw error;
    }
    logger.info({ staffId: req.staff!.id }, 'staff changed their password');
    res.redirect(303, homeOf(req.staff!.role));
  });

  router.post('/admin/staff/:id/reset-password', parseStaffForm, requireStaff('admin'), requireCsrf, async (req, res) => {
    const id = staffIdSchema.safeParse(req.params.id);
    if (!id.success) throw new AppError('staff_not_found', 404, 'Không tìm thấy tài khoản cán bộ này.');
    const { account, oneTimePassword } = await service.resetConsultantPassword(id.data);
    logger.info({ staffId: account.id, by: req.staff!.id }, 'consultant password reset by an admin');
    res.json({ account: presentAccount(account), password: oneTimePassword });
  });

  router.use(staffErrorPage);
  return router;
}

/**
 * Errors on staff routes: a browser gets a small Vietnamese page with the status; programs get
 * the usual JSON from the app's error handler.
 */
export const staffErrorPage: ErrorRequestHandler = (error, req, res, next) => {
  if (!(error instanceof AppError) || res.headersSent || !wantsHtml(req)) return next(error);
  renderPage(res, error.status, 'error', 'Không thực hiện được', { heading: 'Không thực hiện được', message: error.message });
};
