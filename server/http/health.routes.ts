import { Router } from 'express';

/** A check that /readyz runs; it resolves with a problem description, or null when fine. */
export type ReadinessCheck = () => Promise<string | null>;

/**
 * Liveness (the process answers) and readiness (it can serve: database, migrations, index).
 * `details` adds facts to both answers (which instance answered, how many situations it indexes).
 */
export function healthRoutes(checks: Record<string, ReadinessCheck>, details: () => Record<string, unknown> = () => ({})): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...details() });
  });
  router.get('/readyz', async (_req, res) => {
    const results: Record<string, string> = {};
    let ready = true;
    for (const [name, check] of Object.entries(checks)) {
      let problem: string | null;
      try {
        problem = await withTimeout(check(), 2000);
      } catch (error) {
        problem = (error as Error).message || 'failed';
      }
      results[name] = problem ?? 'ok';
      if (problem) ready = false;
    }
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: results, ...details() });
  });
  return router;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
