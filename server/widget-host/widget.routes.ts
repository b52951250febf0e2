import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import Handlebars from 'handlebars';
import { PROJECT_ROOT } from '../paths.js';
import type { WidgetBundle } from './widget.bundle.js';

const demoTemplate = Handlebars.compile(readFileSync(path.join(PROJECT_ROOT, 'server/views/demo.hbs'), 'utf8'));

/** Serves the widget script and the demo portal page that embeds it. */
export function widgetRoutes(widget: WidgetBundle): Router {
  const router = Router();

  router.get('/widget.js', (req, res) => {
    res.setHeader('Content-Type', 'application/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('ETag', widget.etag);
    res.setHeader('Vary', 'Accept-Encoding');
    if (req.headers['if-none-match'] === widget.etag) {
      res.status(304).end();
      return;
    }
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      res.setHeader('Content-Encoding', 'gzip');
      res.end(widget.gzipped);
    } else {
      res.end(widget.code);
    }
  });

  router.get('/', (_req, res) => {
    res.type('html').send(demoTemplate({ widgetSrc: '/widget.js' }));
  });

  return router;
}
