import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { readBundle, seedIfEmpty, validateDocuments, type KnowledgeBundle } from '../../server/knowledge/index.js';
import { validateRows, type ValidRow } from '../../server/knowledge/kb.validate.js';
import { documentKey } from '../../server/knowledge/text.js';
import { createMatcher, foldText, normalizeText, parseDictionary } from '../../server/matching/index.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { engineName, resetDatabase, testDatabase } from '../support/database.js';

const KB_DIR = path.join(PROJECT_ROOT, 'knowledge-base');

/** Checks of the bundled content itself: what a reviewer of the knowledge base would check by hand. */
describe('the bundled knowledge base', () => {
  let bundle: KnowledgeBundle;
  let rows: ValidRow[];
  let documents: ReturnType<typeof validateDocuments>;
  const fieldsMeta = JSON.parse(readFileSync(path.join(KB_DIR, 'fields.json'), 'utf8')) as { slug: string; name: string; code_prefix: string }[];

  before(async () => {
    bundle = await readBundle(KB_DIR);
    const known = bundle.fields.map((f, i) => ({ id: i + 1, slug: f.slug, name: f.name }));
    const validation = validateRows(bundle.situations.rows, known, { createFields: false });
    expect([...bundle.situations.errors, ...validation.errors], 'importer validation').to.deep.equal([]);
    rows = validation.rows;
    documents = validateDocuments(bundle.documents);
  });

  it('has 54 fields, each with at least 8 published situations', () => {
    expect(bundle.fields).to.have.length(54);
    const counts = new Map(bundle.fields.map((f) => [f.slug, 0]));
    for (const { record } of rows) if (record.status === 'published') counts.set(record.field, (counts.get(record.field) ?? 0) + 1);
    const thin = [...counts].filter(([, n]) => n < 8).map(([slug, n]) => `${slug}: ${n}`);
    expect(thin, 'fields with fewer than 8 published situations').to.deep.equal([]);
  });

  it('has at least 600 published situations', () => {
    expect(rows.filter((r) => r.record.status === 'published').length).to.be.at.least(600);
  });

  it('registers every document consistently, and every citation resolves to a registered document', () => {
    expect(documents.errors, 'registry errors').to.deep.equal([]);
    const registered = new Set(documents.documents.map((d) => documentKey(d.number)));
    const unresolved = rows.flatMap(({ record }) =>
      record.legal_basis.filter((c) => !c.document || !registered.has(documentKey(c.document))).map((c) => `${record.code}: ${c.document ?? '(none)'}`),
    );
    expect(unresolved).to.deep.equal([]);
  });

  it('no published situation cites a repealed document', () => {
    const repealed = new Set(documents.documents.filter((d) => d.status === 'repealed').map((d) => documentKey(d.number)));
    const offending = rows
      .filter(({ record }) => record.status === 'published')
      .flatMap(({ record }) => record.legal_basis.filter((c) => c.document && repealed.has(documentKey(c.document))).map((c) => `${record.code} cites ${c.document}`));
    expect(offending).to.deep.equal([]);
  });

  it('every situation has a legal basis with an article, 2 to 8 alternates, tags and a review date; codes follow the field prefix', () => {
    const prefix = new Map(fieldsMeta.map((f) => [f.slug, f.code_prefix]));
    const problems: string[] = [];
    for (const { record } of rows) {
      if (record.legal_basis.length === 0 || record.legal_basis.some((c) => !c.article)) problems.push(`${record.code}: legal basis without an article`);
      if (record.alternates.length < 2 || record.alternates.length > 8) problems.push(`${record.code}: ${record.alternates.length} alternates`);
      if (record.tags.length === 0) problems.push(`${record.code}: no tags`);
      if (!record.reviewed_at) problems.push(`${record.code}: no review date`);
      if (!record.code.startsWith(`${prefix.get(record.field)}-`)) problems.push(`${record.code}: prefix does not match field ${record.field}`);
    }
    expect(problems).to.deep.equal([]);
  });

  it('text is NFC Vietnamese with diacritics, no mojibake, no HTML, within length bounds', () => {
    const problems: string[] = [];
    const toneMark = /[àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵđ]/i;
    const mojibake = /Ã|Æ°|Ä‘|á»|â€|�/;
    for (const { line, file, values } of bundle.situations.rows) {
      const texts = [values.question, values.answer, ...((values.alternates as string[]) ?? [])] as string[];
      for (const text of texts) {
        if (text !== text.normalize('NFC')) problems.push(`${file}:${line} not NFC`);
        if (mojibake.test(text)) problems.push(`${file}:${line} mojibake`);
        if (/<\/?[a-z][^>]*>/i.test(text)) problems.push(`${file}:${line} HTML tag`);
      }
      const answer = values.answer as string;
      if (!toneMark.test(answer)) problems.push(`${file}:${line} answer without Vietnamese tone marks`);
      const words = answer.split(/\s+/).filter(Boolean).length;
      if (words < 60 || words > 350) problems.push(`${file}:${line} answer has ${words} words`);
      if ((values.question as string).length > 300) problems.push(`${file}:${line} question over 300 characters`);
    }
    expect(problems).to.deep.equal([]);
  });

  it('no two questions normalise to the same text', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const { record } of rows) {
      const key = foldText(normalizeText(record.question));
      const other = seen.get(key);
      if (other) clashes.push(`${other} ~ ${record.code}`);
      seen.set(key, record.code);
    }
    expect(clashes).to.deep.equal([]);
  });

  it("asking a situation's own question through the matcher returns that situation first", () => {
    const dictionary = parseDictionary(JSON.parse(readFileSync(path.join(KB_DIR, 'dictionary.json'), 'utf8')));
    const matcher = createMatcher({ dictionary });
    const fieldName = new Map(bundle.fields.map((f) => [f.slug, f.name]));
    const published = rows.filter((r) => r.record.status === 'published').map((r) => r.record);
    matcher.build(
      published.map((s) => ({
        code: s.code,
        fieldSlug: s.field,
        fieldName: fieldName.get(s.field) ?? s.field,
        question: s.question,
        alternates: s.alternates,
        answer: s.answer,
        tags: s.tags,
      })),
    );
    const shadowed: string[] = [];
    for (const s of published) {
      const top = matcher.match(s.question).candidates[0];
      if (top?.code !== s.code) shadowed.push(`${s.code} → ${top?.code ?? 'nothing'}`);
    }
    expect(shadowed, 'situations whose question returns another situation first (near-duplicates)').to.deep.equal([]);
  });

  it(`loads into an empty database on first start (${engineName})`, async function () {
    this.timeout(60_000);
    const db = await testDatabase();
    await resetDatabase(db);
    const result = await seedIfEmpty(db.dataSource, KB_DIR);
    expect(result.seeded).to.equal(true);
    expect(result.report!.created).to.equal(rows.length);
    expect(result.report!.unlinkedCitations).to.equal(0);
  });
});
