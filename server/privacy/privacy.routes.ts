import { Router, type Request } from 'express';
import { parseStaffForm, requireCsrf, requireStaff, staffErrorPage } from '../staff/index.js';
import type { PrivacyActor, PrivacyService } from './privacy.service.js';

const actorOf = (req: Request): PrivacyActor => ({ id: req.staff!.id, email: req.staff!.email });

/**
 * Admins answering a citizen's request under Decree 13/2023, by ticket code:
 * `GET /admin/privacy/ticket/:code` exports everything stored about the conversation (JSON),
 * `POST /admin/privacy/ticket/:code/delete` erases it (CSRF token in `x-csrf-token` or `_csrf`).
 * Both are written to the audit log with the admin's identity; neither is ever cached.
 */
export function privacyRoutes(privacy: PrivacyService): Router {
  const router = Router();
  router.use('/admin/privacy', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.get('/admin/privacy/ticket/:code', requireStaff('admin'), async (req, res) => {
    const data = await privacy.exportByTicket(String(req.params.code), actorOf(req));
    res.setHeader('Content-Disposition', `attachment; filename="hoi-luat-${data.ticket}.json"`);
    res.json(data);
  });

  router.post('/admin/privacy/ticket/:code/delete', parseStaffForm, requireStaff('admin'), requireCsrf, async (req, res) => {
    const result = await privacy.deleteByTicket(String(req.params.code), actorOf(req));
    res.json({ deleted: true, ...result });
  });

  router.use('/admin/privacy', staffErrorPage);
  return router;
}
