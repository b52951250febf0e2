import { Router } from 'express';
import { countWithheld } from '../knowledge/index.js';
import { requireStaff } from '../staff/index.js';
import type { AdminContext } from './admin.context.js';
import { previewOf } from './admin.presenter.js';
import { renderAdmin } from './admin.views.js';

const REASONS: Record<string, string> = {
  confident: 'đủ chắc chắn và vượt xa phương án thứ hai',
  close: 'vài tình huống gần nhau: hỏi lại người dân',
  low_confidence: 'có tình huống liên quan nhưng chưa đủ chắc chắn',
  no_match: 'không tìm thấy tình huống liên quan',
  small_talk: 'câu chào hỏi, không phải câu hỏi pháp luật',
  empty: 'không đọc được nội dung',
};

/** "Hỏi thử": ask as a citizen would and see the decision, the candidates and their scores. */
export function askRoutes(ctx: AdminContext): Router {
  const router = Router();

  router.get('/admin/ask', requireStaff('admin'), async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.normalize('NFC').trim().slice(0, 1000) : '';
    const fields = await ctx.knowledge.listFields();
    const field = typeof req.query.field === 'string' && fields.some((f) => f.slug === req.query.field) ? req.query.field : undefined;
    let result;
    if (q) {
      const match = ctx.matching.match(q, { field });
      const explanation = ctx.matching.explain(q, { field, limit: 10 });
      const shown = new Set(match.candidates.map((c) => c.code));
      let preview;
      if (match.decision === 'answer' && match.candidates[0]) {
        const [situation] = await ctx.knowledge.findSituations([match.candidates[0].code], { publishedOnly: true });
        if (situation) preview = previewOf(situation);
      }
      result = {
        decision: match.decision,
        reason: REASONS[match.reason] ?? match.reason,
        candidates: match.candidates,
        tokens: explanation.tokens,
        ranked: explanation.ranked.map((r) => ({ ...r, offered: shown.has(r.code) })),
        preview,
      };
    }
    renderAdmin(
      req,
      res,
      'ask',
      { q, field, fields, result, indexed: ctx.matching.size, withheld: ctx.config.WITHHOLD_UNREVIEWED ? await countWithheld(ctx.dataSource) : 0 },
      { title: 'Hỏi thử', section: 'ask' },
    );
  });

  return router;
}
