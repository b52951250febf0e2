import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { Router } from 'express';
import Handlebars from 'handlebars';
import { PROJECT_ROOT } from '../paths.js';
import { requireStaff } from '../staff/index.js';
import { CONSOLE_CSS } from './client/console.css.js';

const page = Handlebars.compile(readFileSync(path.join(PROJECT_ROOT, 'server/views/console/console.hbs'), 'utf8'));

/** Bundles the console's browser script (with the socket.io client), once at start. */
export async function buildConsoleScript(): Promise<Buffer> {
  const result = await build({
    entryPoints: [path.join(PROJECT_ROOT, 'server/console/client/console.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  return Buffer.from(result.outputFiles[0]!.contents);
}

/** The consultant console page, for consultants and admins. */
export function consoleRoutes(script: Buffer): Router {
  const router = Router();
  router.get('/console/console.js', requireStaff('consultant', 'admin'), (_req, res) => {
    res.type('application/javascript').setHeader('Cache-Control', 'private, max-age=300');
    res.end(script);
  });
  router.get('/console/console.css', (_req, res) => {
    res.type('text/css').setHeader('Cache-Control', 'public, max-age=300');
    res.end(CONSOLE_CSS);
  });
  router.get('/console', requireStaff('consultant', 'admin'), (req, res) => {
    res.type('html').send(
      page({
        name: req.staff!.name,
        roleLabel: req.staff!.role === 'admin' ? 'quản trị viên' : 'chuyên viên tư vấn',
        csrfToken: req.staffSession!.csrfToken,
      }),
    );
  });
  return router;
}
