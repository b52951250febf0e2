import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Response } from 'express';
import Handlebars from 'handlebars';
import { PROJECT_ROOT } from '../paths.js';

const VIEWS = path.join(PROJECT_ROOT, 'server/views/staff');
const read = (name: string) => readFileSync(path.join(VIEWS, name), 'utf8');

// A private Handlebars instance: `{{ }}` escapes everything; only the layout inserts the
// rendered page and the stylesheet with `{{{ }}}`.
const handlebars = Handlebars.create();
const compile = (name: string) => handlebars.compile(read(name), { strict: false });
const css = read('staff.css');
const layout = compile('layout.hbs');
const pages = {
  login: compile('login.hbs'),
  password: compile('password.hbs'),
  error: compile('error.hbs'),
};

/** The inline stylesheet is allowed by its hash: no other style, script or frame runs on staff pages. */
const CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(css, 'utf8').digest('base64')}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export type StaffPage = keyof typeof pages;

/** Headers every staff response carries: nothing cached, no framing, no referrer leaks. */
export function setStaffHeaders(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
}

/** Renders a staff page inside the layout, with the staff headers and a strict CSP. */
export function renderPage(res: Response, status: number, page: StaffPage, title: string, data: Record<string, unknown>): void {
  setStaffHeaders(res);
  res.setHeader('Content-Security-Policy', CSP);
  res.status(status).type('html').send(layout({ title, css, body: pages[page](data) }));
}
