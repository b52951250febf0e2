import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Response } from 'express';
import Handlebars from 'handlebars';
import { PROJECT_ROOT } from '../paths.js';

const VIEWS = path.join(PROJECT_ROOT, 'server/views/analytics');
const read = (name: string) => readFileSync(path.join(VIEWS, name), 'utf8');

// A private Handlebars instance: `{{ }}` escapes everything. Only the layout inserts the page and
// the stylesheet, and the dashboard its SVG charts (built and escaped in analytics.charts.ts),
// with `{{{ }}}`.
const handlebars = Handlebars.create();
handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
handlebars.registerPartial('table', read('table.hbs'));
const compile = (name: string) => handlebars.compile(read(name), { strict: false });
const css = read('analytics.css');
const layout = compile('layout.hbs');
const pages = {
  dashboard: compile('dashboard.hbs'),
  audit: compile('audit.hbs'),
};

/** No script at all; only this stylesheet (by hash) styles the page, forms go to this site. */
const CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`,
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Headers of every admin analytics response: private, never framed, never cached. */
export function setPrivateHeaders(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
}

/** The layout's own data: who is signed in, for the header and the logout form. */
export interface LayoutData {
  title: string;
  current: 'analytics' | 'audit';
  staffName: string;
  csrfToken: string;
}

/** Renders a page in the analytics layout with the strict CSP. */
export function renderPage(res: Response, page: keyof typeof pages, layoutData: LayoutData, data: Record<string, unknown>): void {
  setPrivateHeaders(res);
  res.setHeader('Content-Security-Policy', CSP);
  res.status(200).type('html').send(layout({ ...layoutData, css, body: pages[page](data) }));
}
