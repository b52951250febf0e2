import { expect } from 'chai';
import fc from 'fast-check';
import type { Database } from '../../server/db/database.js';
import { importSituations, parseKbFile, type KbFileFormat, type ParsedFile } from '../../server/knowledge/index.js';
import { fuzzParams, hostileString, hostileValue, runs } from '../api/fuzz-arbitraries.test.js';
import { engineName, resetDatabase, testDatabase } from '../support/database.js';
import { createFields, DEFAULT_FIELDS, tableCounts } from '../support/factories.js';

const PARSE_RUNS = runs(300);
const XLSX_RUNS = runs(40);
const IMPORT_RUNS = runs(120);

/** A valid situation row (odd but acceptable text), and one whose every value may be wrong or missing. */
const validRow = fc.record({
  code: fc.stringMatching(/^FZ-[A-Z0-9]{1,6}$/),
  field: fc.constantFrom('hon-nhan-gia-dinh', 'dat-dai'),
  question: fc.string({ unit: 'grapheme', maxLength: 120 }).map((s) => `Hỏi ${s}`.slice(0, 1000)),
  alternates: fc.array(fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => `cách hỏi ${s}`), { maxLength: 3 }),
  answer: fc.string({ unit: 'grapheme', maxLength: 300 }).map((s) => `Trả lời ${s}`),
  legal_basis: fc.array(fc.record({ document: fc.constantFrom('52/2014/QH13', '91/2015/QH13'), article: fc.constantFrom('Điều 81', 'Điều 650'), clause: fc.constantFrom('1', '3') }), { maxLength: 2 }),
  tags: fc.array(fc.stringMatching(/^[a-z]{1,10}$/), { maxLength: 3 }),
  status: fc.constantFrom('published', 'draft'),
});
const maybe = <T>(good: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 3 }, { arbitrary: hostileValue, weight: 1 });
const hostileRow = fc.record(
  {
    code: maybe(fc.stringMatching(/^FZ-[A-Z0-9]{1,6}$/)),
    field: maybe(fc.constantFrom('hon-nhan-gia-dinh', 'dat-dai', 'khong-co-linh-vuc', 'Hôn nhân')),
    question: maybe(fc.string({ unit: 'grapheme', maxLength: 120 })),
    alternates: maybe(fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 })),
    answer: maybe(fc.string({ unit: 'grapheme', maxLength: 300 })),
    legal_basis: maybe(fc.array(fc.record({ document: fc.constantFrom('52/2014/QH13', 'không rõ'), article: fc.constantFrom('Điều 81', ''), clause: fc.constantFrom('1', '') }), { maxLength: 2 })),
    tags: maybe(fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 })),
    status: maybe(fc.constantFrom('published', 'draft', 'archived', 'nope')),
    reviewed_at: maybe(fc.constantFrom('2026-11-28', '2026-02-30', '28/11/2026', '')),
  },
  { requiredKeys: [] },
);
/** Codes unique within a file (duplicates are a separate, deliberate case: hostile rows may repeat one). */
const uniqueCodes = (rows: Record<string, unknown>[]) => rows.map((r, i) => (typeof r.code === 'string' && r.code.startsWith('FZ-') ? { ...r, code: `${r.code}-${i}` } : r));
const row = fc.oneof({ arbitrary: validRow as fc.Arbitrary<Record<string, unknown>>, weight: 6 }, { arbitrary: hostileRow as fc.Arbitrary<Record<string, unknown>>, weight: 1 });

const csvCell = (value: unknown): string => {
  const plain = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
  const text = Array.isArray(value) ? value.map(plain).join('|') : plain(value ?? '');
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** File bytes: well-formed files of random rows, with random lines, bytes or a bad header mixed in. */
const importFile = fc.oneof(
  fc.record({ rows: fc.array(row, { minLength: 1, maxLength: 5 }).map(uniqueCodes), junk: fc.oneof({ arbitrary: fc.constant([] as string[]), weight: 3 }, { arbitrary: fc.array(fc.oneof(hostileString, fc.constant('{"code":')), { maxLength: 1 }), weight: 1 }) }).map(({ rows, junk }) => ({
    format: 'jsonl' as KbFileFormat,
    bytes: Buffer.from([...rows.map((r) => JSON.stringify(r)), ...junk].join('\n'), 'utf8'),
  })),
  fc.record({ rows: fc.array(row, { minLength: 1, maxLength: 5 }).map(uniqueCodes), header: fc.oneof({ arbitrary: fc.constant('code,field,question,alternates,answer,legal_basis,tags,status,reviewed_at'), weight: 5 }, { arbitrary: hostileString, weight: 1 }) }).map(({ rows, header }) => ({
    format: 'csv' as KbFileFormat,
    bytes: Buffer.from(
      [header, ...rows.map((r) => ['code', 'field', 'question', 'alternates', 'answer', 'legal_basis', 'tags', 'status', 'reviewed_at'].map((k) => csvCell(k === 'legal_basis' && Array.isArray(r[k]) ? JSON.stringify(r[k]) : r[k])).join(','))].join('\n'),
      'utf8',
    ),
  })),
  fc.record({ format: fc.constantFrom<KbFileFormat>('jsonl', 'csv'), bytes: fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)) }),
);

function expectWellFormedErrors(parsed: ParsedFile | { errors: ParsedFile['errors'] }) {
  for (const error of parsed.errors) {
    expect(error.line).to.be.a('number').greaterThanOrEqual(0);
    expect(error.field).to.be.a('string');
    expect(error.message).to.be.a('string').and.not.equal('');
  }
}

describe(`fuzz: the knowledge-base importer with random rows and bytes (${engineName})`, function () {
  this.timeout(120_000);
  let db: Database;

  before(async () => {
    db = await testDatabase();
    await resetDatabase(db);
    await createFields(db.dataSource, DEFAULT_FIELDS);
    await db.dataSource.query(`INSERT INTO legal_documents (number, title, doc_type) VALUES ('52/2014/QH13', 'Luật Hôn nhân và gia đình', 'law')`);
  });

  it(`parses ${PARSE_RUNS} random byte strings as JSONL and CSV without throwing, reporting problems by line`, async () => {
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)), fc.string({ unit: 'binary', maxLength: 500 }).map((s) => Buffer.from(s, 'utf8'))), fc.constantFrom<KbFileFormat>('jsonl', 'csv'), async (bytes, format) => {
        ran++;
        const parsed = await parseKbFile(bytes, format);
        expect(parsed.rows).to.be.an('array');
        expect(parsed.errors).to.be.an('array');
        expectWellFormedErrors(parsed);
        if (parsed.rows.length === 0) expect(parsed.errors.length).to.be.greaterThan(0);
      }),
      fuzzParams(PARSE_RUNS),
    );
    console.log(`      fuzz parseKbFile (jsonl, csv): ${ran} cases`);
  });

  it(`parses ${XLSX_RUNS} random byte strings as XLSX without throwing`, async () => {
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 600 }), fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...b]))), async (bytes) => {
        ran++;
        const parsed = await parseKbFile(bytes, 'xlsx');
        expect(parsed.rows).to.deep.equal([]);
        expect(parsed.errors.length).to.be.greaterThan(0);
        expectWellFormedErrors(parsed);
      }),
      fuzzParams(XLSX_RUNS),
    );
    console.log(`      fuzz parseKbFile (xlsx): ${ran} cases`);
  });

  it(`imports ${IMPORT_RUNS} random files all-or-nothing: a failed or dry-run import leaves every table as it was`, async () => {
    let ran = 0;
    const outcomes = { ok: 0, refused: 0, dryRun: 0 };
    await fc.assert(
      fc.asyncProperty(importFile, fc.record({ dryRun: fc.boolean(), createFields: fc.boolean(), replace: fc.constantFrom(false, false, false, true) }), async ({ format, bytes }, options) => {
        ran++;
        const before = await tableCounts(db.dataSource);
        const parsed = await parseKbFile(bytes, format);
        const report = await importSituations(db.dataSource, parsed, { ...options, actor: 'fuzz', source: `fuzz.${format}` });
        const after = await tableCounts(db.dataSource);
        expectWellFormedErrors(report);
        expect(report.ok).to.equal(report.errors.length === 0);
        if (!report.ok || options.dryRun) {
          expect(after, JSON.stringify(report.errors.slice(0, 3))).to.deep.equal(before);
          if (!report.ok) expect({ created: report.created, updated: report.updated, archived: report.archived }).to.deep.equal({ created: 0, updated: 0, archived: 0 });
          outcomes[report.ok ? 'dryRun' : 'refused']++;
        } else {
          expect(report.created + report.updated + report.unchanged).to.equal(report.total);
          expect(after.situations - before.situations).to.equal(report.created);
          expect(after.fields - before.fields).to.equal(report.fieldsCreated.length);
          outcomes.ok++;
        }
      }),
      fuzzParams(IMPORT_RUNS),
    );
    console.log(`      fuzz importSituations: ${ran} cases, ${JSON.stringify(outcomes)}`);
  });
});
