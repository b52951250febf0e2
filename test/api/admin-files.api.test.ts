import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { parseKbFile } from '../../server/knowledge/index.js';
import { engineName, testDatabase } from '../support/database.js';
import { buildSituation, jsonl, tableCounts } from '../support/factories.js';
import { startTestApp } from '../support/http.js';
import { signedInStaff } from '../support/staff.js';
import { dictionaryCopy, seedAdminKnowledge, staffClient } from './admin.helpers.test.js';

describe(`admin console: import, export, dictionary, ask as a citizen (${engineName})`, function () {
  this.timeout(60_000);
  let db: Database;
  let app: App;
  let baseUrl: string;
  let admin: ReturnType<typeof staffClient>;
  let consultant: ReturnType<typeof staffClient>;
  let dictionaryPath: string;

  const ask = async (question: string) =>
    (await (await fetch(`${baseUrl}/api/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) })).json()) as any;
  const audit = (action: string) => db.dataSource.query(`SELECT actor_email, entity_id, before, after FROM audit_log WHERE action = $1 ORDER BY id`, [action]);

  before(async () => {
    db = await testDatabase();
    await seedAdminKnowledge(db);
    dictionaryPath = dictionaryCopy();
    ({ app, baseUrl } = await startTestApp(db, { DICTIONARY_PATH: dictionaryPath, ADMIN_IMPORT_MAX_MB: '0.1', PUBLIC_REQUESTS_PER_MINUTE_PER_IP: '100000' }));
    admin = staffClient(baseUrl, (await signedInStaff(app, { role: 'admin' })).cookie);
    consultant = staffClient(baseUrl, (await signedInStaff(app)).cookie);
  });

  after(() => app.close());

  describe('import', () => {
    const good = [
      buildSituation({ code: 'IMP-1', field: 'dat-dai', question: 'Thuê đất nông nghiệp tối đa bao nhiêu năm?', answer: 'Thời hạn cho thuê đất nông nghiệp đối với hộ gia đình, cá nhân không quá 50 năm.', alternates: [], tags: ['thuê đất'], legal_basis: [{ document: '31/2024/QH15', article: 'Điều 172' }] }),
      buildSituation({ code: 'IMP-2', question: 'Kết hôn với người nước ngoài cần giấy tờ gì?', answer: 'Cần tờ khai đăng ký kết hôn và giấy xác nhận tình trạng hôn nhân.', alternates: [], tags: [] }),
    ];

    it('a file with bad rows: the dry run lists every bad row with its line and reason, and nothing is written (nor can it be committed)', async () => {
      const before = await tableCounts(db.dataSource);
      const bytes = Buffer.concat([jsonl([good[0], { ...good[1], question: '' }]), Buffer.from('{"code": "IMP-3", broken\n'), jsonl([{ ...good[1], code: 'IMP-4', field: 'khong-co' }])]);
      const res = await admin.upload('/admin/import', { name: 'hỏng.jsonl', bytes });
      expect(res.status).to.equal(422);
      const body = await res.json();
      expect(body.upload_id).to.equal(null);
      expect(body.report.ok).to.equal(false);
      expect(body.report.errors.map((e: { line: number; field: string }) => [e.line, e.field])).to.deep.equal([
        [2, 'question'],
        [3, ''],
        [4, 'field'],
      ]);
      expect(body.report.errors[2].message).to.contain('không có trong hệ thống');
      expect(await tableCounts(db.dataSource)).to.deep.equal(before);
      // The page shows the same, in Vietnamese.
      const page = await admin.upload('/admin/import', { name: 'hỏng.jsonl', bytes }, {}, { accept: 'text/html' });
      const html = await page.text();
      expect(page.status).to.equal(422);
      expect(html).to.contain('Tệp hỏng.jsonl có lỗi: không ghi gì');
      expect(html).to.not.contain('Xác nhận nhập');
    });

    it('a good file: the dry run counts without writing; the commit writes all of it, audits it, and the bot answers at once', async () => {
      const before = await tableCounts(db.dataSource);
      const changed = { ...buildSituation({ code: 'HN-CON' }), question: 'Ly hôn thì con dưới 36 tháng tuổi ở với ai?', alternates: ['con nhỏ ở với ai khi bố mẹ ly dị'], answer: 'Câu trả lời mới từ tệp nhập.', legal_basis: [], tags: [] };
      const file = { name: 'dot-1.jsonl', bytes: jsonl([...good, changed]) };
      const dry = await admin.upload('/admin/import', file, { replace: '1' });
      expect(dry.status).to.equal(200);
      const body = await dry.json();
      expect(body.report).to.include({ ok: true, dry_run: true, total: 3, created: 2, updated: 1, unchanged: 0, archived: 3 });
      expect(body.upload_id).to.match(/^[0-9a-f-]{36}$/);
      expect(await tableCounts(db.dataSource)).to.deep.include({ situations: before.situations, revisions: before.revisions });
      expect((await ask('thuê đất nông nghiệp tối đa bao nhiêu năm')).answer?.code).to.not.equal('IMP-1');
      // Another admin cannot commit someone else's upload.
      const other = staffClient(baseUrl, (await signedInStaff(app, { role: 'admin' })).cookie);
      expect((await other.form(`/admin/import/${body.upload_id}/commit`)).status).to.equal(410);

      const commit = await admin.form(`/admin/import/${body.upload_id}/commit`);
      expect(commit.status).to.equal(200);
      expect((await commit.json()).report).to.include({ ok: true, dry_run: false, created: 2, updated: 1, archived: 3 });
      expect((await ask('thuê đất nông nghiệp tối đa bao nhiêu năm')).answer?.code).to.equal('IMP-1');
      expect((await ask('ly hôn thì con dưới 36 tháng ở với ai')).answer?.answer).to.equal('Câu trả lời mới từ tệp nhập.');
      expect((await ask('hàng xóm xây tường lấn sang đất nhà tôi')).answer?.code).to.not.equal('DD-RANH');
      const [entry] = await audit('kb.import');
      expect(entry.entity_id).to.equal('dot-1.jsonl');
      expect(entry.after).to.include({ created: 2, updated: 1, archived: 3 });
      const [rev] = await db.dataSource.query(`SELECT r.actor, r.source FROM situation_revisions r JOIN situations s ON s.id = r.situation_id WHERE s.code = 'IMP-1'`);
      expect(rev.source).to.equal('admin: dot-1.jsonl');
      // The upload is gone once committed.
      expect((await admin.form(`/admin/import/${body.upload_id}/commit`)).status).to.equal(410);
    });

    it('reads CSV and XLSX too, and refuses an unknown format, a missing file and a file over the size limit', async () => {
      const csv = 'code,field,question,answer,legal_basis,tags\r\n"IMP-CSV","Đất đai","Chuyển mục đích sử dụng đất cần xin phép ai?","Phải được Ủy ban nhân dân cấp có thẩm quyền cho phép.","31/2024/QH15 Điều 121","đất đai"\r\n';
      const csvRes = await admin.upload('/admin/import', { name: 'a.csv', bytes: Buffer.from(csv) });
      expect((await csvRes.json()).report).to.include({ ok: true, created: 1 });
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('s');
      sheet.addRow(['code', 'field', 'question', 'answer']);
      sheet.addRow(['IMP-X', 'dat-dai', 'Câu hỏi từ Excel?', 'Trả lời từ Excel.']);
      sheet.addRow(['IMP-Y', 'dat-dai', '', 'Thiếu câu hỏi.']);
      const xlsx = await admin.upload('/admin/import', { name: 'b.xlsx', bytes: Buffer.from(await workbook.xlsx.writeBuffer()) });
      expect(xlsx.status).to.equal(422);
      expect((await xlsx.json()).report.errors[0]).to.include({ line: 3, field: 'question' });
      const odd = await admin.upload('/admin/import', { name: 'c.txt', bytes: Buffer.from('x') });
      expect(odd.status).to.equal(400);
      expect((await odd.json()).error.code).to.equal('unsupported_format');
      const noFile = new FormData();
      noFile.append('_csrf', await admin.csrf());
      const none = await fetch(`${baseUrl}/admin/import`, { method: 'POST', body: noFile, headers: { cookie: admin.cookie } });
      expect(none.status).to.equal(400);
      expect((await none.json()).error.code).to.equal('no_file');
      const big = await admin.upload('/admin/import', { name: 'big.jsonl', bytes: jsonl(Array.from({ length: 400 }, (_, i) => buildSituation({ code: `BIG-${i}` }))) });
      expect(big.status).to.equal(413);
      expect((await big.json()).error.code).to.equal('file_too_large');
    });
  });

  describe('export', () => {
    it('exports the whole base or a field and status, in JSONL, CSV and XLSX that read back, and audits it', async () => {
      const all = await admin.get('/admin/export?format=jsonl');
      expect(all.status).to.equal(200);
      expect(all.headers.get('content-disposition')).to.match(/attachment; filename="tinh-huong-\d{4}-\d{2}-\d{2}\.jsonl"/);
      const allRows = (await parseKbFile(Buffer.from(await all.arrayBuffer()), 'jsonl')).rows;
      const [{ n }] = await db.dataSource.query('SELECT count(*)::int AS n FROM situations');
      expect(allRows.length).to.equal(n);
      const part = await admin.get('/admin/export?format=csv&field=dat-dai&status=published');
      const partRows = (await parseKbFile(Buffer.from(await part.arrayBuffer()), 'csv')).rows;
      expect(partRows.length).to.be.greaterThan(0);
      expect(partRows.every((r) => r.values.field === 'dat-dai' && r.values.status === 'published')).to.equal(true);
      const xlsx = await admin.get('/admin/export?format=xlsx&status=archived');
      expect(xlsx.headers.get('content-type')).to.contain('spreadsheetml');
      const xlsxRows = (await parseKbFile(Buffer.from(await xlsx.arrayBuffer()), 'xlsx')).rows;
      expect(xlsxRows.every((r) => r.values.status === 'archived')).to.equal(true);
      expect((await audit('kb.export')).length).to.equal(3);
    });
  });

  describe('dictionary', () => {
    const etagOf = async (p: string) => /name="etag" value="([0-9a-f]+)"/.exec(await (await admin.page(p)).text())![1]!;

    it('adds an entry: the file is rewritten whole and valid, and the running matcher reads questions with it at once', async () => {
      const before = await (await admin.page('/admin/ask?q=' + encodeURIComponent('lyhon con o voi ai'))).text();
      expect(before).to.not.contain('<span>hôn</span>');
      const res = await admin.form('/admin/dictionary', { etag: await etagOf('/admin/dictionary/new'), kind: 'shorthand', terms: 'ly hôn\nlyhon', note: 'viết liền khi chat' });
      expect(res.status).to.equal(303);
      const saved = JSON.parse(readFileSync(dictionaryPath, 'utf8'));
      expect(saved.entries.at(-1)).to.deep.equal({ kind: 'shorthand', terms: ['ly hôn', 'lyhon'], note: 'viết liền khi chat' });
      const after = await (await admin.page('/admin/ask?q=' + encodeURIComponent('lyhon con o voi ai'))).text();
      expect(after).to.contain('<span>hôn</span>');
      const [entry] = await audit('dictionary.add');
      expect(entry.after.terms).to.deep.equal(['ly hôn', 'lyhon']);
    });

    it('refuses an invalid edit with the reason and leaves the file as it was; a stale edit is refused too', async () => {
      const text = readFileSync(dictionaryPath, 'utf8');
      const etag = await etagOf('/admin/dictionary/0');
      const one = await admin.form('/admin/dictionary/0', { etag, kind: 'abbreviation', terms: 'chỉ một từ' });
      expect(one.status).to.equal(400);
      const body = await one.json();
      expect(body.error.code).to.equal('invalid_dictionary');
      expect(body.error.details.errors[0].field).to.equal('entries[0].terms');
      const page = await admin.form('/admin/dictionary/0', { etag, kind: 'abbreviation', terms: 'a\nb', weight: '7' }, { accept: 'text/html' });
      expect(page.status).to.equal(400);
      expect(await page.text()).to.contain('<strong>weight</strong>');
      const raw = await admin.form('/admin/dictionary/raw', { etag, dictionary: '{"version": 1, "entries": [' });
      expect(raw.status).to.equal(400);
      expect((await raw.json()).error.message).to.contain('JSON không hợp lệ');
      const wrongShape = await admin.form('/admin/dictionary/raw', { etag, dictionary: '{"version": 2, "entries": []}' });
      expect(wrongShape.status).to.equal(400);
      expect(readFileSync(dictionaryPath, 'utf8')).to.equal(text);
      const stale = await admin.form('/admin/dictionary/0', { etag: 'f'.repeat(32), kind: 'abbreviation', terms: 'a\nb' });
      expect(stale.status).to.equal(409);
      expect(readFileSync(dictionaryPath, 'utf8')).to.equal(text);
      const consultantTry = await consultant.form('/admin/dictionary/0', { etag, kind: 'abbreviation', terms: 'a\nb' });
      expect(consultantTry.status).to.equal(403);
      expect(readFileSync(dictionaryPath, 'utf8')).to.equal(text);
    });

    it('edits and deletes entries, and replaces the whole file from the raw editor', async () => {
      const count = JSON.parse(readFileSync(dictionaryPath, 'utf8')).entries.length;
      const last = count - 1;
      const edit = await admin.form(`/admin/dictionary/${last}`, { etag: await etagOf(`/admin/dictionary/${last}`), kind: 'shorthand', terms: 'ly hôn\nlyhon\nlihon', weight: '' });
      expect(edit.status).to.equal(303);
      expect(JSON.parse(readFileSync(dictionaryPath, 'utf8')).entries[last].terms).to.deep.equal(['ly hôn', 'lyhon', 'lihon']);
      const del = await admin.form(`/admin/dictionary/${last}/delete`, { etag: await etagOf(`/admin/dictionary/${last}`) });
      expect(del.status).to.equal(303);
      expect(JSON.parse(readFileSync(dictionaryPath, 'utf8')).entries.length).to.equal(count - 1);
      const current = JSON.parse(readFileSync(dictionaryPath, 'utf8'));
      current.entries.push({ kind: 'synonym', terms: ['sổ đỏ', 'giấy chứng nhận quyền sử dụng đất'] });
      const raw = await admin.form('/admin/dictionary/raw', { etag: await etagOf('/admin/dictionary/raw'), dictionary: JSON.stringify(current) });
      expect(raw.status).to.equal(303);
      expect(JSON.parse(readFileSync(dictionaryPath, 'utf8')).entries.length).to.equal(count);
      expect((await audit('dictionary.replace')).length).to.equal(1);
      expect((await admin.get(`/admin/dictionary/${count + 5}`)).status).to.equal(404);
    });
  });

  describe('ask as a citizen', () => {
    it('shows the decision, the candidates with their scores and how the question was read', async () => {
      const html = await (await admin.page('/admin/ask?q=' + encodeURIComponent('Kết hôn với người nước ngoài cần giấy tờ gì'))).text();
      expect(html).to.contain('Quyết định: Trả lời');
      expect(html).to.contain('href="/admin/situations/IMP-2"');
      expect(html).to.match(/<meter min="0" max="1" value="0\.\d+">/);
      expect(html).to.contain('Câu trả lời người dân nhận được');
      const none = await (await admin.page('/admin/ask?q=' + encodeURIComponent('thời tiết hôm nay thế nào'))).text();
      expect(none).to.contain('Quyết định: Chuyển chuyên viên');
    });
  });
});
