import { Router } from 'express';
import { badRequest } from '../errors.js';
import { presentCitation, type KnowledgeRepository } from '../knowledge/index.js';
import type { MatchingService } from './matching.service.js';

export const MAX_QUESTION_LENGTH = 1000;

/**
 * POST /api/v1/ask: the matching decision over HTTP, in an exact contract
 * `{ decision, candidates: [{ code, question, field, score }], answer? }`.
 */
export function askRoutes(matching: MatchingService, knowledge: KnowledgeRepository): Router {
  const router = Router();
  router.post('/ask', async (req, res) => {
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      throw badRequest('Yêu cầu phải là JSON dạng {"question": "..."}.', undefined, 'invalid_request');
    }
    const { question, field } = req.body as { question?: unknown; field?: unknown };
    if (question === undefined || question === null) throw badRequest('Vui lòng nhập câu hỏi.', undefined, 'empty_question');
    if (typeof question !== 'string') throw badRequest('Câu hỏi phải là một chuỗi văn bản.', undefined, 'invalid_question');
    const text = question.normalize('NFC').trim();
    if (!text) throw badRequest('Vui lòng nhập câu hỏi.', undefined, 'empty_question');
    if (text.length > MAX_QUESTION_LENGTH) {
      throw badRequest(`Câu hỏi dài quá ${MAX_QUESTION_LENGTH.toLocaleString('vi-VN')} ký tự. Vui lòng rút gọn.`, undefined, 'question_too_long');
    }
    let fieldSlug: string | undefined;
    if (field !== undefined && field !== null && field !== '') {
      if (typeof field !== 'string') throw badRequest('Lĩnh vực phải là mã (slug) dạng chuỗi.', undefined, 'invalid_field');
      const fields = await knowledge.listFields();
      if (!fields.some((f) => f.slug === field)) throw badRequest(`Không có lĩnh vực "${field}".`, undefined, 'unknown_field');
      fieldSlug = field;
    }

    const result = matching.match(text, { field: fieldSlug });
    const candidates = result.candidates.slice(0, 5).map((c) => ({
      code: c.code,
      question: c.question,
      field: c.fieldSlug,
      score: Math.round(c.score * 1000) / 1000,
    }));
    if (result.decision === 'answer' && candidates[0]) {
      const [situation] = await knowledge.findPublished([candidates[0].code]);
      if (situation) {
        res.json({
          decision: 'answer',
          candidates,
          answer: {
            code: situation.code,
            question: situation.question,
            answer: situation.answer,
            legal_basis: situation.citations.map(presentCitation),
            field: situation.field.slug,
          },
        });
        return;
      }
      res.json({ decision: 'escalate', candidates });
      return;
    }
    res.json({ decision: result.decision, candidates });
  });
  return router;
}
