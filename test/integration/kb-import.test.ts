import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Database } from '../../server/db/database.js';
import { importSituations, parseKbFile, type ImportOptions } from '../../server/knowledge/index.js';
import { engineName, resetDatabase, testDatabase } from '../support/database.js';
import { buildSituation, createFields, DEFAULT_FIELDS, jsonl, tableCounts } from '../support/factories.js';

const options: ImportOptions = { actor: 'test', source: 'test.jsonl' };

async function importJsonl(db: Database, records: unknown[], extra: Partial<ImportOptions> = {}) {
  return importSituations(db.dataSource, await parseKbFile(jsonl(records), 'jsonl'), { ...options, ...extra });
}

describe(`knowledge-base import (${engineName})`, () => {
  let db: Database;

  before(async () => {
    db = await testDatabase();
  });

  beforeEach(async () => {
    await resetDatabase(db);
    await createFields(db.dataSource, DEFAULT_FIELDS);
  });

  describe('when the file is valid', () => {
    it('creates every situation with its citations and a first revision, and the counts say so', async () => {
      const report = await importJsonl(db, [buildSituation({ code: 'A-1' }), buildSituation({ code: 'A-2', field: 'Đất đai' })]);
      expect(report).to.include({ ok: true, created: 2, updated: 0, unchanged: 0, archived: 0 });
      const counts = await tableCounts(db.dataSource);
      expect(counts).to.include({ situations: 2, citations: 2, revisions: 2 });
      const [row] = await db.dataSource.query(`SELECT f.slug FROM situations s JOIN legal_fields f ON f.id = s.field_id WHERE code = 'A-2'`);
      expect(row.slug).to.equal('dat-dai');
    });

    it('matches the field by name or slug ignoring case and diacritics', async () => {
      const report = await importJsonl(db, [
        buildSituation({ field: 'HON NHAN VA GIA DINH' }),
        buildSituation({ field: 'hôn nhân và gia đình' }),
        buildSituation({ field: 'Dat-Dai' }),
        buildSituation({ field: 'dat dai' }),
      ]);
      expect(report.ok, JSON.stringify(report.errors)).to.equal(true);
      expect(report.created).to.equal(4);
      expect((await tableCounts(db.dataSource)).fields).to.equal(2);
    });

    it('re-importing the same file changes nothing and writes no revision', async () => {
      const records = [buildSituation({ code: 'R-1', reviewed_at: '2026-01-15' }), buildSituation({ code: 'R-2' })];
      await importJsonl(db, records);
      const again = await importJsonl(db, records);
      expect(again).to.include({ ok: true, created: 0, updated: 0, unchanged: 2 });
      expect((await tableCounts(db.dataSource)).revisions).to.equal(2);
    });

    it('re-importing a changed situation updates it and records before and after in a revision', async () => {
      await importJsonl(db, [buildSituation({ code: 'U-1', answer: 'Câu trả lời cũ.' })]);
      const report = await importJsonl(db, [buildSituation({ code: 'U-1', answer: 'Câu trả lời mới.' })], { actor: 'admin@example.vn' });
      expect(report).to.include({ updated: 1, created: 0 });
      const revisions = await db.dataSource.query(
        `SELECT r.version, r.action, r.actor, r.before->>'answer' AS before, r.after->>'answer' AS after
           FROM situation_revisions r JOIN situations s ON s.id = r.situation_id WHERE s.code = 'U-1' ORDER BY r.version`,
      );
      expect(revisions).to.deep.equal([
        { version: 1, action: 'create', actor: 'test', before: null, after: 'Câu trả lời cũ.' },
        { version: 2, action: 'update', actor: 'admin@example.vn', before: 'Câu trả lời cũ.', after: 'Câu trả lời mới.' },
      ]);
    });

    it('with --replace, archives what the file does not contain and records why', async () => {
      await importJsonl(db, [buildSituation({ code: 'K-1' }), buildSituation({ code: 'K-2' }), buildSituation({ code: 'K-3' })]);
      const report = await importJsonl(db, [buildSituation({ code: 'K-1' })], { replace: true });
      expect(report.archived).to.equal(2);
      const statuses = await db.dataSource.query(`SELECT code, status FROM situations ORDER BY code`);
      expect(statuses).to.deep.equal([
        { code: 'K-1', status: 'published' },
        { code: 'K-2', status: 'archived' },
        { code: 'K-3', status: 'archived' },
      ]);
      const [{ n }] = await db.dataSource.query(`SELECT count(*) AS n FROM situation_revisions WHERE action = 'archive'`);
      expect(n).to.equal(2);
    });

    it('a dry run reports the same counts and writes nothing', async () => {
      await importJsonl(db, [buildSituation({ code: 'D-1' })]);
      const before = await tableCounts(db.dataSource);
      const report = await importJsonl(db, [buildSituation({ code: 'D-1', answer: 'Khác.' }), buildSituation({ code: 'D-2' })], {
        dryRun: true,
        replace: true,
      });
      expect(report).to.include({ ok: true, dryRun: true, created: 1, updated: 1 });
      expect(await tableCounts(db.dataSource)).to.deep.equal(before);
    });

    it('creates unknown fields only with createFields', async () => {
      const record = buildSituation({ field: 'Trọng tài thương mại' });
      const refused = await importJsonl(db, [record]);
      expect(refused.ok).to.equal(false);
      const accepted = await importJsonl(db, [record], { createFields: true });
      expect(accepted.fieldsCreated).to.deep.equal(['trong-tai-thuong-mai']);
      const [field] = await db.dataSource.query(`SELECT name FROM legal_fields WHERE slug = 'trong-tai-thuong-mai'`);
      expect(field.name).to.equal('Trọng tài thương mại');
    });

    it('stores decomposed (NFD) input as NFC', async () => {
      await importJsonl(db, [buildSituation({ code: 'N-1', question: 'Ly hôn đơn phương cần giấy tờ gì?'.normalize('NFD') })]);
      const [row] = await db.dataSource.query(`SELECT question FROM situations WHERE code = 'N-1'`);
      expect(row.question).to.equal('Ly hôn đơn phương cần giấy tờ gì?'.normalize('NFC'));
    });

    it('links citations to registered documents by number and keeps unknown ones as written', async () => {
      await db.dataSource.query(`INSERT INTO legal_documents (number, title, doc_type) VALUES ('52/2014/QH13', 'Luật Hôn nhân và gia đình', 'law')`);
      const report = await importJsonl(db, [
        buildSituation({ code: 'L-1', legal_basis: [{ document: '52/2014/qh13', article: 'Điều 59' }, { document: 'Bộ luật Dân sự 2015' }] }),
      ]);
      expect(report.unlinkedCitations).to.equal(1);
      const rows = await db.dataSource.query(`SELECT document_ref, document_id IS NOT NULL AS linked FROM situation_citations ORDER BY position`);
      expect(rows).to.deep.equal([
        { document_ref: '52/2014/qh13', linked: true },
        { document_ref: 'Bộ luật Dân sự 2015', linked: false },
      ]);
    });
  });

  describe('when the file has bad rows, nothing is written and each problem names its line', () => {
    const cases: { name: string; bytes: () => Buffer; line: number; field: string; message: RegExp }[] = [
      { name: 'malformed JSON', bytes: () => Buffer.from(`${JSON.stringify(buildSituation())}\n{"code": "X-1", "field": \n`), line: 2, field: '', message: /JSON không hợp lệ/ },
      { name: 'a missing required value', bytes: () => jsonl([buildSituation(), buildSituation({ answer: undefined })]), line: 2, field: 'answer', message: /thiếu giá trị bắt buộc/ },
      { name: 'an empty question', bytes: () => jsonl([buildSituation({ question: '   ' })]), line: 1, field: 'question', message: /thiếu giá trị bắt buộc/ },
      { name: 'an unknown field', bytes: () => jsonl([buildSituation({ field: 'Thiên văn học' })]), line: 1, field: 'field', message: /lĩnh vực "Thiên văn học" không có/ },
      { name: 'a code repeated in the file', bytes: () => jsonl([buildSituation({ code: 'DUP-1' }), buildSituation(), buildSituation({ code: 'dup-1' })]), line: 3, field: 'code', message: /trùng với dòng 1/ },
      { name: 'an answer over the limit', bytes: () => jsonl([buildSituation({ answer: 'a'.repeat(20_001) })]), line: 1, field: 'answer', message: /dài quá 20\.000 ký tự/ },
      { name: 'invalid UTF-8', bytes: () => Buffer.concat([jsonl([buildSituation()]), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a])]), line: 2, field: '', message: /UTF-8/ },
      { name: 'an unknown status', bytes: () => jsonl([buildSituation({ status: 'live' })]), line: 1, field: 'status', message: /draft, published hoặc archived/ },
      { name: 'a bad review date', bytes: () => jsonl([buildSituation({ reviewed_at: '2026-02-30' })]), line: 1, field: 'reviewed_at', message: /không phải ngày hợp lệ/ },
      { name: 'a list where text is expected', bytes: () => jsonl([buildSituation({ alternates: 'một chuỗi' })]), line: 1, field: 'alternates', message: /danh sách/ },
      { name: 'a code with spaces', bytes: () => jsonl([buildSituation({ code: 'A 1' })]), line: 1, field: 'code', message: /chỉ được dùng/ },
      { name: 'an empty file', bytes: () => Buffer.alloc(0), line: 0, field: '', message: /Tệp rỗng/ },
      { name: 'a file of blank lines', bytes: () => Buffer.from('\n  \n\n'), line: 0, field: '', message: /Tệp rỗng/ },
    ];

    for (const c of cases) {
      it(`reports ${c.name}`, async () => {
        await importJsonl(db, [buildSituation({ code: 'EXISTING-1' })]);
        const before = await tableCounts(db.dataSource);
        const report = await importSituations(db.dataSource, await parseKbFile(c.bytes(), 'jsonl'), options);
        expect(report.ok).to.equal(false);
        const error = report.errors.find((e) => e.line === c.line && e.field === c.field);
        expect(error, JSON.stringify(report.errors)).to.not.equal(undefined);
        expect(error!.message).to.match(c.message);
        expect(report).to.include({ created: 0, updated: 0, archived: 0 });
        expect(await tableCounts(db.dataSource)).to.deep.equal(before);
      });
    }

    it('reports every bad row, not just the first', async () => {
      const report = await importJsonl(db, [buildSituation({ question: '' }), buildSituation(), buildSituation({ field: 'Không có' }), buildSituation({ answer: 42 })]);
      expect(report.errors.map((e) => e.line)).to.deep.equal([1, 3, 4]);
    });

    it('one bad row among valid ones keeps the valid ones out too', async () => {
      const report = await importJsonl(db, [buildSituation(), buildSituation(), buildSituation({ field: 'Không có' })], { replace: true });
      expect(report.ok).to.equal(false);
      expect((await tableCounts(db.dataSource)).situations).to.equal(0);
    });
  });

  describe('CSV and XLSX', () => {
    it('reads a CSV with | lists and plain-text legal basis, with line numbers for errors', async () => {
      const csv = [
        'code,field,question,alternates,answer,legal_basis,tags',
        '"C-1","Đất đai","Làm lại sổ đỏ bị mất thế nào?","mất sổ đỏ | mất giấy chứng nhận","Nộp đơn tại…","31/2024/QH15 Điều 133 khoản 1; 52/2014/QH13 Điều 59","sổ đỏ|mất"',
        '"C-2","Đất đai","","","Trả lời","",""',
      ].join('\n');
      const bad = await importSituations(db.dataSource, await parseKbFile(Buffer.from(csv), 'csv'), options);
      expect(bad.errors).to.deep.equal([{ file: undefined, line: 3, field: 'question', message: 'thiếu giá trị bắt buộc' }]);
      const good = await importSituations(db.dataSource, await parseKbFile(Buffer.from(csv.split('\n').slice(0, 2).join('\n')), 'csv'), options);
      expect(good.created).to.equal(1);
      const [row] = await db.dataSource.query(`SELECT alternates, tags FROM situations WHERE code = 'C-1'`);
      expect(row).to.deep.equal({ alternates: ['mất sổ đỏ', 'mất giấy chứng nhận'], tags: ['sổ đỏ', 'mất'] });
      const citations = await db.dataSource.query(`SELECT document_ref, article, clause FROM situation_citations ORDER BY position`);
      expect(citations).to.deep.equal([
        { document_ref: '31/2024/QH15', article: 'Điều 133', clause: '1' },
        { document_ref: '52/2014/QH13', article: 'Điều 59', clause: '' },
      ]);
    });

    it('refuses a CSV with missing columns, naming them', async () => {
      const report = await importSituations(db.dataSource, await parseKbFile(Buffer.from('code,question\nA,B\n'), 'csv'), options);
      expect(report.errors[0]!.message).to.equal('Thiếu cột bắt buộc: field, answer.');
    });

    it('reads the first sheet of an XLSX file, reporting errors by row', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('KB');
      sheet.addRow(['code', 'field', 'question', 'answer', 'tags']);
      sheet.addRow(['X-1', 'dat-dai', 'Tranh chấp ranh giới đất giải quyết ở đâu?', 'Trước hết hòa giải tại Ủy ban nhân dân cấp xã.', 'tranh chấp|ranh giới']);
      sheet.addRow(['X-2', 'dat-dai', 'Câu hỏi', '', '']);
      const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
      const report = await importSituations(db.dataSource, await parseKbFile(bytes, 'xlsx'), options);
      expect(report.errors).to.deep.equal([{ file: undefined, line: 3, field: 'answer', message: 'thiếu giá trị bắt buộc' }]);
      sheet.spliceRows(3, 1);
      const ok = await importSituations(db.dataSource, await parseKbFile(Buffer.from(await workbook.xlsx.writeBuffer()), 'xlsx'), options);
      expect(ok.created).to.equal(1);
    });

    it('refuses a file that is not a spreadsheet', async () => {
      const report = await importSituations(db.dataSource, await parseKbFile(Buffer.from('not a zip'), 'xlsx'), options);
      expect(report.errors[0]!.message).to.match(/Không đọc được tệp XLSX/);
    });
  });
});
