import path from 'node:path';
import { expect } from 'chai';
import type { Database } from '../../server/db/database.js';
import {
  BundleError,
  importSituations,
  knowledgeStats,
  loadSnapshots,
  parseKbFile,
  seedIfEmpty,
  serialiseSnapshots,
  upsertDocuments,
  validateDocuments,
  linkUnlinkedCitations,
} from '../../server/knowledge/index.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { engineName, resetDatabase, testDatabase } from '../support/database.js';
import { buildSituation, createFields, DEFAULT_FIELDS, jsonl, tableCounts } from '../support/factories.js';

const FIXTURE_BUNDLE = path.join(PROJECT_ROOT, 'test/fixtures/kb-bundle');

describe(`seeding, documents and export (${engineName})`, () => {
  let db: Database;

  before(async () => {
    db = await testDatabase();
  });

  beforeEach(async () => {
    await resetDatabase(db);
  });

  it('seeds an empty database once: fields, documents, situations with linked citations', async () => {
    const first = await seedIfEmpty(db.dataSource, FIXTURE_BUNDLE);
    expect(first.seeded).to.equal(true);
    expect(first.report).to.include({ created: 3, unlinkedCitations: 0 });
    expect(await tableCounts(db.dataSource)).to.include({ fields: 2, documents: 3, situations: 3, citations: 2 });
    const [repealed] = await db.dataSource.query(
      `SELECT r.number AS replaced_by FROM legal_documents d JOIN legal_documents r ON r.id = d.replaced_by_id WHERE d.number = '45/2013/QH13'`,
    );
    expect(repealed.replaced_by).to.equal('31/2024/QH15');

    const second = await seedIfEmpty(db.dataSource, FIXTURE_BUNDLE);
    expect(second.seeded).to.equal(false);
    expect((await tableCounts(db.dataSource)).situations).to.equal(3);
  });

  it('leaves a database that already has situations alone', async () => {
    await createFields(db.dataSource, DEFAULT_FIELDS);
    await importSituations(db.dataSource, await parseKbFile(jsonl([buildSituation({ code: 'MINE-1' })]), 'jsonl'), {
      actor: 'test',
      source: 't',
    });
    const result = await seedIfEmpty(db.dataSource, FIXTURE_BUNDLE);
    expect(result.seeded).to.equal(false);
    const codes = await db.dataSource.query('SELECT code FROM situations');
    expect(codes).to.deep.equal([{ code: 'MINE-1' }]);
  });

  it('refuses a registry where one number is declared twice with different facts', async () => {
    const rows = [
      { number: '52/2014/QH13', title: 'Luật Hôn nhân và gia đình', type: 'law', status: 'in_force' },
      { number: '52/2014/QH13', title: 'Luật Hôn nhân và gia đình', type: 'law', status: 'repealed' },
      { number: '1/2020/QH14', title: 'Luật X', type: 'law', status: 'repealed', replaced_by: '9/9999/QH99' },
    ];
    const { errors } = validateDocuments(await parseKbFile(jsonl(rows), 'jsonl'));
    expect(errors.map((e) => [e.line, e.field])).to.deep.equal([
      [2, 'status'],
      [3, 'replaced_by'],
    ]);
  });

  it('merges two declarations of one document when one only leaves a date unknown', async () => {
    const rows = [
      { number: '118/2025/QH15', title: 'Luật sửa đổi', type: 'law', issued_date: null, effective_date: '2026-07-01', amended_by: [] },
      { number: '118/2025/QH15', title: 'Luật sửa đổi', type: 'law', issued_date: '2025-12-10', effective_date: '2026-07-01' },
    ];
    const { documents, errors } = validateDocuments(await parseKbFile(jsonl(rows), 'jsonl'));
    expect(errors).to.deep.equal([]);
    expect(documents).to.have.length(1);
    expect(documents[0]).to.include({ issued_date: '2025-12-10', effective_date: '2026-07-01' });
  });

  it('links earlier citations when their document is registered later', async () => {
    await createFields(db.dataSource, DEFAULT_FIELDS);
    await importSituations(db.dataSource, await parseKbFile(jsonl([buildSituation()]), 'jsonl'), { actor: 't', source: 't' });
    const { documents } = validateDocuments(
      await parseKbFile(jsonl([{ number: '52/2014/QH13', title: 'Luật Hôn nhân và gia đình', type: 'law' }]), 'jsonl'),
    );
    const linked = await db.dataSource.transaction(async (m) => {
      await upsertDocuments(m, documents);
      return linkUnlinkedCitations(m);
    });
    expect(linked).to.equal(1);
  });

  for (const format of ['jsonl', 'csv', 'xlsx'] as const) {
    it(`an export to ${format} re-imports as unchanged`, async () => {
      await seedIfEmpty(db.dataSource, FIXTURE_BUNDLE);
      const bytes = await serialiseSnapshots(await loadSnapshots(db.dataSource.manager), format);
      const report = await importSituations(db.dataSource, await parseKbFile(bytes, format), { actor: 't', source: `x.${format}` });
      expect(report).to.include({ ok: true, created: 0, updated: 0, unchanged: 3 });
    });
  }

  it('stats count per field and per cited document and give the oldest review date', async () => {
    await seedIfEmpty(db.dataSource, FIXTURE_BUNDLE);
    const stats = await knowledgeStats(db.dataSource.manager);
    expect(stats.fields.map((f) => [f.slug, f.published, f.draft])).to.deep.equal([
      ['hon-nhan-gia-dinh', 1, 0],
      ['dat-dai', 1, 1],
    ]);
    expect(stats.documents.find((d) => d.number === '31/2024/QH15')).to.include({ citations: 1, situations: 1 });
    expect(stats.oldestReviewed).to.deep.equal({ code: 'FX-DD-1', reviewed_at: '2026-11-01' });
  });

  it('a broken bundle fails loudly and leaves the database empty', async () => {
    const { mkdtempSync, cpSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(path.join(tmpdir(), 'bundle-'));
    try {
      cpSync(FIXTURE_BUNDLE, dir, { recursive: true });
      writeFileSync(path.join(dir, 'situations/broken.jsonl'), '{"code": "B-1", "field": "dat-dai"}\n');
      const error = await seedIfEmpty(db.dataSource, dir).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(BundleError);
      expect((error as Error).message).to.contain('situations/broken.jsonl, dòng 1, trường question');
      expect(await tableCounts(db.dataSource)).to.deep.equal({ situations: 0, citations: 0, revisions: 0, fields: 0, documents: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
