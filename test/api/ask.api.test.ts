import path from 'node:path';
import { expect } from 'chai';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { seedIfEmpty } from '../../server/knowledge/index.js';
import { PROJECT_ROOT } from '../../server/paths.js';
import { engineName, resetDatabase, testDatabase } from '../support/database.js';
import { startTestApp } from '../support/http.js';

describe(`POST /api/v1/ask (${engineName})`, () => {
  let db: Database;
  let app: App;
  let baseUrl: string;

  const ask = (body: unknown, contentType = 'application/json') =>
    fetch(`${baseUrl}/api/v1/ask`, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  before(async () => {
    db = await testDatabase();
    await resetDatabase(db);
    await seedIfEmpty(db.dataSource, path.join(PROJECT_ROOT, 'test/fixtures/kb-bundle'));
    ({ app, baseUrl } = await startTestApp(db));
  });

  after(() => app.close());

  it('answers a question typed without diacritics with the situation, its legal basis and the candidates', async () => {
    const res = await ask({ question: 'ly hon thi con duoi 36 thang o voi ai' });
    expect(res.status).to.equal(200);
    const body = await res.json();
    expect(Object.keys(body)).to.have.members(['decision', 'candidates', 'answer']);
    expect(body.decision).to.equal('answer');
    expect(body.candidates[0]).to.have.keys(['code', 'question', 'field', 'score']);
    expect(body.candidates[0]).to.include({ code: 'FX-HN-1', field: 'hon-nhan-gia-dinh' });
    expect(body.answer).to.include({ code: 'FX-HN-1', field: 'hon-nhan-gia-dinh' });
    expect(body.answer.legal_basis[0]).to.include({ document: '52/2014/QH13', article: 'Điều 81', clause: '3' });
  });

  it('restricts candidates to a field when one is given', async () => {
    const res = await ask({ question: 'ly hôn con ở với ai', field: 'dat-dai' });
    const body = await res.json();
    expect(body.candidates.every((c: { field: string }) => c.field === 'dat-dai')).to.equal(true);
    expect(body.decision).to.not.equal('answer');
  });

  it('declines small talk without an answer', async () => {
    const body = await (await ask({ question: 'chào bạn nhé' })).json();
    expect(body.decision).to.equal('escalate');
    expect(body).to.not.have.property('answer');
  });

  const bad: [string, unknown, string, string?][] = [
    ['an empty question', { question: '   ' }, 'empty_question'],
    ['a missing question', {}, 'empty_question'],
    ['a number instead of text', { question: 42 }, 'invalid_question'],
    ['a question over 1,000 characters', { question: 'á'.repeat(1001) }, 'question_too_long'],
    ['an unknown field', { question: 'ly hôn', field: 'khong-co' }, 'unknown_field'],
    ['a JSON array', [1, 2], 'invalid_request'],
    ['malformed JSON', '{"question": ', 'invalid_json'],
  ];
  for (const [name, body, code] of bad) {
    it(`answers 400 with a clear message for ${name}`, async () => {
      const res = await ask(body);
      expect(res.status).to.equal(400);
      const json = await res.json();
      expect(json.error.code).to.equal(code);
      expect(json.error.message).to.be.a('string').and.not.match(/Error|stack|undefined/);
    });
  }

  it('answers 413 for a body over the size limit', async () => {
    const res = await ask({ question: 'a'.repeat(20_000) });
    expect(res.status).to.equal(413);
  });
});
