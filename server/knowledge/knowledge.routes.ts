import { Router } from 'express';
import { notFound } from '../errors.js';
import type { KnowledgeRepository } from './knowledge.repository.js';
import { presentField, presentSituation } from './situation.presenter.js';

/** Public read API of the knowledge base. */
export function knowledgeRoutes(knowledge: KnowledgeRepository): Router {
  const router = Router();

  router.get('/fields', async (_req, res) => {
    const fields = await knowledge.listFields();
    res.json({ fields: fields.map(presentField) });
  });

  router.get('/situations/:code', async (req, res) => {
    const code = String(req.params.code);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(code)) throw notFound('Không tìm thấy tình huống pháp lý này.', 'situation_not_found');
    const [situation] = await knowledge.findSituations([code], { publishedOnly: true });
    if (!situation) throw notFound('Không tìm thấy tình huống pháp lý này.', 'situation_not_found');
    res.json(presentSituation(situation));
  });

  return router;
}
