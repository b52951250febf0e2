import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Database } from '../../server/db/database.js';
import { importSituations, parseKbFile } from '../../server/knowledge/index.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { HOSTILE } from '../support/chat-fixtures.js';
import { resetDatabase } from '../support/database.js';
import { buildSituation, createFields, DEFAULT_FIELDS, jsonl } from '../support/factories.js';

/**
 * Shared helpers of the admin console tests (this file holds no test): an HTTP client with a
 * staff cookie and CSRF token, the edit form's fields, a small knowledge base, a dictionary copy.
 */

/** A staff member's HTTP client: their cookie, their CSRF token, no redirects followed. */
export function staffClient(baseUrl: string, cookie: string) {
  let csrf: string | undefined;
  const call = (p: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('cookie', cookie);
    return fetch(`${baseUrl}${p}`, { ...init, headers, redirect: 'manual' });
  };
  return {
    cookie,
    async csrf(): Promise<string> {
      csrf ??= ((await (await call('/staff/me')).json()) as { csrf_token: string }).csrf_token;
      return csrf;
    },
    get: (p: string, accept = 'application/json') => call(p, { headers: { accept } }),
    page: (p: string) => call(p, { headers: { accept: 'text/html' } }),
    /** Posts a url-encoded form; `_csrf` is added unless `withCsrf` is false. Repeated fields as arrays. */
    async form(p: string, fields: Record<string, string | string[]> = {}, options: { withCsrf?: boolean; accept?: string } = {}) {
      const body = new URLSearchParams();
      if (options.withCsrf !== false) body.append('_csrf', await this.csrf());
      for (const [key, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
      return call(p, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: options.accept ?? 'application/json' }, body });
    },
    async upload(p: string, file: { name: string; bytes: Uint8Array }, fields: Record<string, string> = {}, options: { withCsrf?: boolean; accept?: string } = {}) {
      const body = new FormData();
      if (options.withCsrf !== false) body.append('_csrf', await this.csrf());
      for (const [key, value] of Object.entries(fields)) body.append(key, value);
      body.append('file', new Blob([Buffer.from(file.bytes)]), file.name);
      return call(p, { method: 'POST', headers: { accept: options.accept ?? 'application/json' }, body });
    },
  };
}

/** The edit form's fields for a situation as the console shows it. */
export function situationFields(s: Record<string, any>, version?: number): Record<string, string | string[]> {
  const basis = (s.legal_basis ?? []) as Record<string, string>[];
  return {
    ...(version ? { version: String(version) } : {}),
    code: s.code,
    field: s.field,
    question: s.question,
    alternates: (s.alternates ?? []).join('\n'),
    answer: s.answer,
    tags: (s.tags ?? []).join(', '),
    status: s.status ?? 'published',
    reviewed_at: s.reviewed_at ?? '',
    citation_document: basis.map((c) => c.document ?? ''),
    citation_title: basis.map((c) => c.title ?? ''),
    citation_article: basis.map((c) => c.article ?? ''),
    citation_clause: basis.map((c) => c.clause ?? ''),
  };
}

export const CON = buildSituation({
  code: 'HN-CON',
  question: 'Ly hôn thì con dưới 36 tháng tuổi ở với ai?',
  alternates: ['con nhỏ ở với ai khi bố mẹ ly dị', 'ly hôn ai được nuôi con nhỏ'],
  answer: 'Con dưới 36 tháng tuổi được giao cho mẹ trực tiếp nuôi, trừ khi người mẹ không đủ điều kiện.',
  legal_basis: [{ document: '52/2014/QH13', title: 'Luật Hôn nhân và gia đình', article: 'Điều 81', clause: '3' }],
  tags: ['ly hôn', 'nuôi con'],
  reviewed_at: '2025-01-15',
});
export const DAT = buildSituation({
  code: 'DD-RANH',
  field: 'dat-dai',
  question: 'Hàng xóm xây tường lấn sang đất nhà tôi thì giải quyết thế nào?',
  alternates: ['tranh chấp ranh giới đất với nhà bên cạnh'],
  answer: 'Trước hết các bên tự hòa giải hoặc đề nghị Ủy ban nhân dân cấp xã hòa giải.',
  legal_basis: [{ document: '31/2024/QH15', title: 'Luật Đất đai', article: 'Điều 235' }],
  tags: ['đất đai'],
});
export const EVIL = buildSituation({ code: 'KS-EVIL', question: 'Đăng ký khai sinh muộn cho con thì làm ở đâu?', alternates: [], answer: HOSTILE, tags: [], legal_basis: [] });
export const DRAFT = buildSituation({ code: 'NHAP-ABCD2345', question: 'Mất giấy chứng nhận quyền sử dụng đất thì xin cấp lại ở đâu?', status: 'draft', legal_basis: [] });

/** Fields, two registered documents and four situations. */
export async function seedAdminKnowledge(db: Database): Promise<void> {
  await resetDatabase(db);
  await createFields(db.dataSource, DEFAULT_FIELDS);
  await db.dataSource.query(
    `INSERT INTO legal_documents (number, title, doc_type, status) VALUES
       ('52/2014/QH13', 'Luật Hôn nhân và gia đình', 'law', 'in_force'),
       ('31/2024/QH15', 'Luật Đất đai', 'law', 'in_force')`,
  );
  const report = await importSituations(db.dataSource, await parseKbFile(jsonl([CON, DAT, EVIL, DRAFT]), 'jsonl'), { actor: 'test', source: 'admin-test' });
  if (!report.ok) throw new Error(JSON.stringify(report.errors));
}

/** A copy of the bundled dictionary that tests may rewrite. */
export function dictionaryCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hoi-luat-dict-'));
  const file = path.join(dir, 'dictionary.json');
  copyFileSync(path.join(PROJECT_ROOT, 'knowledge-base/dictionary.json'), file);
  return file;
}
