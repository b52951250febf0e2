import { expect } from 'chai';
import fc from 'fast-check';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { seedChatKnowledge } from '../support/chat-fixtures.js';
import { engineName, testDatabase } from '../support/database.js';
import { startTestApp } from '../support/http.js';
import { fuzzParams, hostileString, hostileValue, POLLUTING_KEYS, runs } from './fuzz-arbitraries.test.js';

const ASK_RUNS = runs(400);
const SITUATION_RUNS = runs(100);

/** A request body as sent on the wire: JSON of anything, broken JSON, or the wrong content type. */
const VIETNAMESE = 'ly hôn con nuôi đất đai sổ đỏ căn cước khai sinh thừa kế hợp đồng lao động thuế phạt xe máy bảo hiểm'.split(' ');
/** Questions that pass validation, so the matcher itself meets odd text: words, emoji, combining marks, any code point. */
const plausibleQuestion = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom(...VIETNAMESE), fc.string({ unit: 'grapheme', maxLength: 12 })), { minLength: 1, maxLength: 30 }).map((w) => w.join(' ')),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }),
);

const askRequest = fc.oneof(
  { arbitrary: fc.record({ question: plausibleQuestion }, { requiredKeys: ['question'] }).map((b) => ({ type: 'application/json', body: JSON.stringify(b) })), weight: 4 },
  fc.record({ question: fc.oneof(hostileString, hostileValue), field: fc.oneof(hostileString, hostileValue) }, { requiredKeys: [] }).map((b) => ({ type: 'application/json', body: JSON.stringify(b) })),
  fc.dictionary(fc.constantFrom('question', 'field', ...POLLUTING_KEYS), hostileValue, { maxKeys: 5 }).map((b) => ({ type: 'application/json', body: JSON.stringify(b) })),
  fc.constantFrom(
    '{"__proto__": {"polluted": true}, "question": "ly hôn"}',
    '{"constructor": {"prototype": {"polluted": true}}, "question": "ly hôn"}',
    '{"question": "a", "question": {"$gt": ""}}',
    '[{"question": "ly hôn"}]',
    '"ly hôn"',
    'null',
    '',
  ).map((body) => ({ type: 'application/json', body })),
  hostileValue.map((v) => ({ type: 'application/json', body: JSON.stringify(v) ?? 'undefined' })),
  fc.string({ unit: 'binary', maxLength: 200 }).map((body) => ({ type: 'application/json', body })),
  fc.record({ type: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'multipart/form-data'), body: fc.string({ maxLength: 200 }) }),
);

function expectWellFormed(status: number, contentType: string | null, body: any, sent: string) {
  const context = `${status} for ${sent.slice(0, 200)}`;
  expect(contentType ?? '', context).to.match(/^application\/json/);
  expect(status, context).to.be.oneOf([200, 400, 413, 415]);
  if (status === 200) {
    expect(body.decision, context).to.be.oneOf(['answer', 'clarify', 'escalate']);
    expect(body.candidates, context).to.be.an('array').with.length.at.most(5);
    for (const c of body.candidates) {
      expect(c.code, context).to.be.a('string');
      expect(c.score, context).to.be.a('number');
    }
    expect(Boolean(body.answer), context).to.equal(body.decision === 'answer');
  } else {
    expect(Object.keys(body), context).to.deep.equal(['error']);
    expect(body.error.code, context).to.be.a('string').and.match(/^[a-z_]+$/);
    expect(body.error.message, context).to.be.a('string').and.not.equal('');
    expect(body.error.message, context).not.to.match(/at .*\.ts:\d+|Error:|SELECT|stack/);
  }
}

describe(`fuzz: POST /api/v1/ask and GET /api/v1/situations/:code never crash (${engineName})`, function () {
  this.timeout(120_000);
  let db: Database;
  let app: App;
  let baseUrl: string;

  before(async () => {
    db = await testDatabase();
    await seedChatKnowledge(db);
    ({ app, baseUrl } = await startTestApp(db, { PUBLIC_REQUESTS_PER_MINUTE_PER_IP: '1000000' }));
  });
  after(async () => {
    await app?.close();
    // Nothing leaked into Object.prototype from any body.
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it(`answers ${ASK_RUNS} random and hostile bodies with a valid decision or a well-formed JSON error`, async () => {
    let ran = 0;
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(askRequest, async ({ type, body }) => {
        ran++;
        const res = await fetch(`${baseUrl}/api/v1/ask`, { method: 'POST', headers: { 'content-type': type }, body });
        const text = await res.text();
        let parsed: unknown;
        expect(() => (parsed = JSON.parse(text)), text.slice(0, 200)).not.to.throw();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        expectWellFormed(res.status, res.headers.get('content-type'), parsed, body);
      }),
      fuzzParams(ASK_RUNS),
    );
    console.log(`      fuzz /api/v1/ask: ${ran} cases, statuses ${JSON.stringify(statuses)}`);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect((await fetch(`${baseUrl}/healthz`)).status).to.equal(200);
  });

  it(`answers ${SITUATION_RUNS} random situation codes in the path with a situation or a JSON 404/400`, async () => {
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileString, fc.constantFrom('HN-CON', 'KS-2', '..', '%', '%E0%A4%A', '%00')), async (code) => {
        ran++;
        // Lone surrogates cannot be URI-encoded: send their replacement's bytes, percent-encoded by hand.
        const encode = (text: string) => [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
        const path = /^%/.test(code) ? code : encode(code.slice(0, 2000));
        const res = await fetch(`${baseUrl}/api/v1/situations/${path}`);
        expect(res.status, code).to.be.oneOf([200, 400, 404]);
        const body = await res.json();
        if (res.status === 200) expect(body.code).to.be.a('string');
        else expect(body.error.code).to.be.a('string');
      }),
      fuzzParams(SITUATION_RUNS),
    );
    console.log(`      fuzz /api/v1/situations/:code: ${ran} cases`);
    expect((await fetch(`${baseUrl}/healthz`)).status).to.equal(200);
  });
});
