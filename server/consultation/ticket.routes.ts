import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import Handlebars from 'handlebars';
import { AppError } from '../errors.js';
import { PROJECT_ROOT } from '../paths.js';
import { RateLimiter } from '../rate-limiter.js';
import type { ConsultationService } from './consultation.service.js';

const page = Handlebars.compile(readFileSync(path.join(PROJECT_ROOT, 'server/views/consultation/ticket.hbs'), 'utf8'));

/** GET /tra-cuu?ma=CODE: a citizen reads the consultant's reply with the ticket code. */
export function ticketRoutes(consultation: ConsultationService): Router {
  const router = Router();
  // 40-bit codes are not guessable, and the limit keeps anyone from trying.
  const limiter = new RateLimiter(30, 60_000);
  router.get('/tra-cuu', async (req, res) => {
    const code = typeof req.query.ma === 'string' ? req.query.ma.slice(0, 20) : '';
    if (!code) {
      res.type('html').send(page({ code: '' }));
      return;
    }
    if (!limiter.take(req.ip ?? 'unknown')) throw new AppError('rate_limited', 429, 'Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút.');
    const ticket = await consultation.ticket(code);
    res.status(ticket ? 200 : 404).type('html').send(
      page({
        code,
        notFound: !ticket,
        ticket: ticket && {
          question: ticket.question,
          replies: ticket.replies.map((m) => ({
            body: m.body,
            author: (m.payload as { author?: string }).author ?? 'Chuyên viên tư vấn',
            time: new Date(m.createdAt).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }),
          })),
        },
      }),
    );
  });
  return router;
}
