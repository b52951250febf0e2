import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response } from 'express';
import Handlebars from 'handlebars';
import { PROJECT_ROOT } from '../paths.js';

const VIEWS = path.join(PROJECT_ROOT, 'server/views/admin');
const read = (name: string) => readFileSync(path.join(VIEWS, name), 'utf8');

/**
 * A private Handlebars instance for the admin console. `{{ }}` escapes everything; the only
 * triple-stash is the layout inserting a page that this instance rendered.
 */
const handlebars = Handlebars.create();

const VN_TIME = new Intl.DateTimeFormat('vi-VN', {
  timeZone: 'Asia/Ho_Chi_Minh',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

export const SITUATION_STATUS_LABELS: Record<string, string> = { draft: 'Nháp', published: 'Đang dùng', archived: 'Lưu trữ' };
export const DOCUMENT_STATUS_LABELS: Record<string, string> = { in_force: 'Còn hiệu lực', amended: 'Đã sửa đổi, bổ sung', repealed: 'Hết hiệu lực' };
export const DOCUMENT_TYPE_LABELS: Record<string, string> = {
  constitution: 'Hiến pháp',
  code: 'Bộ luật',
  law: 'Luật',
  ordinance: 'Pháp lệnh',
  resolution: 'Nghị quyết',
  decree: 'Nghị định',
  decision: 'Quyết định',
  circular: 'Thông tư',
  joint_circular: 'Thông tư liên tịch',
  other: 'Khác',
};
export const DECISION_LABELS: Record<string, string> = { answer: 'Trả lời', clarify: 'Hỏi lại để làm rõ', escalate: 'Chuyển chuyên viên' };

/** "2026-11-28" (or an ISO time) → "28/11/2026". */
export function formatDate(value: unknown): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value ?? ''));
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

handlebars.registerHelper('inc', (v: unknown) => Number(v) + 1);
handlebars.registerHelper('eq', (a: unknown, b: unknown) => String(a) === String(b));
handlebars.registerHelper('date', (v: unknown) => formatDate(v));
handlebars.registerHelper('datetime', (v: unknown) => {
  const d = new Date(String(v ?? ''));
  return Number.isNaN(d.getTime()) ? '' : VN_TIME.format(d);
});
handlebars.registerHelper('statusLabel', (v: unknown) => SITUATION_STATUS_LABELS[String(v)] ?? String(v));
handlebars.registerHelper('docStatusLabel', (v: unknown) => DOCUMENT_STATUS_LABELS[String(v)] ?? String(v));
handlebars.registerHelper('docTypeLabel', (v: unknown) => DOCUMENT_TYPE_LABELS[String(v)] ?? String(v));
handlebars.registerHelper('decisionLabel', (v: unknown) => DECISION_LABELS[String(v)] ?? String(v));
handlebars.registerHelper('join', (v: unknown, sep: unknown) => (Array.isArray(v) ? v.join(typeof sep === 'string' ? sep : ', ') : ''));

for (const file of readdirSync(path.join(VIEWS, 'partials'))) {
  if (file.endsWith('.hbs')) handlebars.registerPartial(file.slice(0, -4), read(path.join('partials', file)));
}

const layout = handlebars.compile(read('layout.hbs'), { strict: false });
const pageCache = new Map<string, HandlebarsTemplateDelegate>();
function page(name: string): HandlebarsTemplateDelegate {
  let template = pageCache.get(name);
  if (!template) {
    template = handlebars.compile(read(`${name}.hbs`), { strict: false });
    pageCache.set(name, template);
  }
  return template;
}

/** The stylesheet, served at /admin/admin.css (no inline style is allowed on admin pages). */
export const ADMIN_CSS = read('admin.css');

/** Admin pages load their own stylesheet and nothing else: no script, no frame, forms to this site. */
const CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** The sections of the navigation, in order: path, label, key. */
export const NAV = [
  { key: 'situations', href: '/admin/situations', label: 'Tình huống' },
  { key: 'review', href: '/admin/review', label: 'Chờ duyệt' },
  { key: 'documents', href: '/admin/documents', label: 'Văn bản pháp luật' },
  { key: 'dictionary', href: '/admin/dictionary', label: 'Từ điển' },
  { key: 'ask', href: '/admin/ask', label: 'Hỏi thử' },
  { key: 'import', href: '/admin/import', label: 'Nhập/Xuất' },
  { key: 'analytics', href: '/admin/analytics', label: 'Thống kê' },
  { key: 'audit', href: '/admin/audit', label: 'Nhật ký' },
] as const;

export type AdminSection = (typeof NAV)[number]['key'];

/** Headers of every admin response: nothing cached, no framing, the strict CSP. */
export function setAdminHeaders(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Content-Security-Policy', CSP);
}

export interface LayoutOptions {
  /** Page title (also the tab title). */
  title: string;
  /** Which navigation entry is current. */
  section: AdminSection;
  status?: number;
}

/**
 * Sends an already rendered page body inside the admin layout. Other admin modules (analytics,
 * audit) use it with their own templates so that every /admin page looks and navigates alike.
 * `body` must come from an escaping template.
 */
export function sendAdminLayout(req: Request, res: Response, body: string, options: LayoutOptions): void {
  setAdminHeaders(res);
  res
    .status(options.status ?? 200)
    .type('html')
    .send(
      layout({
        title: options.title,
        nav: NAV.map((n) => ({ ...n, current: n.key === options.section })),
        staffName: req.staff?.name || req.staff?.email,
        csrfToken: req.staffSession?.csrfToken,
        body,
      }),
    );
}

/** Renders `server/views/admin/<name>.hbs` with the data inside the layout. */
export function renderAdmin(req: Request, res: Response, name: string, data: Record<string, unknown>, options: LayoutOptions): void {
  const body = page(name)({ ...data, title: options.title, csrfToken: req.staffSession?.csrfToken });
  sendAdminLayout(req, res, body, options);
}
