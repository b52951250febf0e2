import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import type { App } from '../../server/app.js';
import { openDatabase, type Database } from '../../server/db/database.js';
import { importSituations, parseKbFile } from '../../server/knowledge/index.js';
import { seedChatKnowledge } from '../support/chat-fixtures.js';
import { testDatabase } from '../support/database.js';
import { buildSituation, jsonl } from '../support/factories.js';
import { startTestApp } from '../support/http.js';
import { chatClient, collect, request, waitFor } from '../support/socket.js';
import { consoleClient, presenceRecorded, signedInStaff } from '../support/staff.js';

const DATABASE_URL = process.env.DATABASE_URL;
const ENV = {
  OFFICE_HOURS: '0-6 00:00-24:00',
  CHAT_MESSAGES_PER_MINUTE: '1000',
  CHAT_CONVERSATIONS_PER_HOUR_PER_IP: '10000',
  CHAT_MESSAGES_PER_MINUTE_PER_IP: '100000',
};

/**
 * Two instances of the app (two createApp, two connection pools) on one PostgreSQL: what one
 * instance's clients do reaches the other's. PGlite is one process only, so there is nothing to test.
 */
describe(`two instances on one PostgreSQL${DATABASE_URL ? '' : ' (skipped: needs PostgreSQL, set DATABASE_URL; the embedded PGlite serves one process only)'}`, function () {
  this.timeout(60_000);
  let dbA: Database;
  let dbB: Database;
  let a: { app: App; baseUrl: string };
  let b: { app: App; baseUrl: string };
  const sockets: Socket[] = [];
  const track = <T extends Socket>(s: T) => {
    sockets.push(s);
    return s;
  };

  before(async function () {
    if (!DATABASE_URL) return this.skip();
    dbA = await testDatabase();
    await seedChatKnowledge(dbA);
    dbB = await openDatabase({ url: DATABASE_URL, poolSize: 5 });
    a = await startTestApp(dbA, { ...ENV, DATABASE_URL, INSTANCE_NAME: 'test-a' });
    b = await startTestApp(dbB, { ...ENV, DATABASE_URL, INSTANCE_NAME: 'test-b' });
  });

  afterEach(async () => {
    while (sockets.length) sockets.pop()!.disconnect();
    if (!dbA) return;
    await new Promise((r) => setTimeout(r, 50));
    await dbA.dataSource.query(`UPDATE escalations SET status = 'cancelled' WHERE status IN ('queued', 'assigned')`);
  });

  after(async () => {
    await a?.app.close();
    await b?.app.close();
    await dbB?.close();
  });

  async function waitingCitizen(baseUrl: string) {
    const citizen = track(await chatClient(baseUrl));
    const started = await request(citizen, 'conversation:start');
    await request(citizen, 'message:send', { clientId: `q-${Math.random().toString(36).slice(2)}`, text: 'hàng xóm xây nhà lấn sang đất nhà tôi thì làm thế nào' });
    const asked = await request(citizen, 'consultant:request', {});
    expect(asked.error, JSON.stringify(asked.error)).to.equal(undefined);
    const [row] = await dbA.dataSource.query(`SELECT id FROM escalations WHERE conversation_id = $1 AND status = 'queued'`, [started.data.conversationId]);
    return { citizen, token: started.data.token as string, conversationId: started.data.conversationId as string, escalationId: row.id as string, asked: asked.data };
  }

  it('reports cluster mode and its instance in /readyz', async () => {
    for (const { baseUrl } of [a, b]) {
      const res = await fetch(`${baseUrl}/readyz`);
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).to.equal(200);
      expect(body.cluster).to.equal('postgres');
      expect(body.checks.cluster).to.equal('ok');
      expect(body.situations).to.equal(4);
    }
  });

  it('when a consultant is recorded online by an instance whose announcement A has not heard, then a citizen on A is still queued live', async () => {
    const nobody = await waitingCitizen(a.baseUrl);
    expect(nobody.asked.offline, 'nobody is connected yet').to.equal(true);
    // As an instance does when its consultant connects, minus the NOTIFY (lost, or not yet arrived).
    const { account } = await signedInStaff(b.app);
    await dbA.dataSource.query(`INSERT INTO consultant_presence (instance_id, staff_id, sockets) VALUES ('unheard', $1, 1)`, [account.id]);
    try {
      const { asked } = await waitingCitizen(a.baseUrl);
      expect(asked.offline, 'A re-read presence before telling the citizen nobody is online').to.equal(false);
    } finally {
      await dbA.dataSource.query(`DELETE FROM consultant_presence WHERE instance_id = 'unheard'`);
    }
  });

  it('when the citizen is on instance A and the consultant on B, then live messages cross both ways', async () => {
    const { account, cookie } = await signedInStaff(b.app, { name: 'Trần Thị Hoa' });
    const consultant = track(await consoleClient(b.baseUrl, cookie));
    // Once B has recorded the consultant, A counts them as online, announcement heard or not.
    await waitFor(() => presenceRecorded(dbA, account.id));
    const queueChanges = collect(consultant, 'queue:changed');
    const { citizen, escalationId, asked } = await waitingCitizen(a.baseUrl);
    expect(asked.offline, 'consultant on B counted as online by A').to.equal(false);
    await waitFor(() => queueChanges.some((c) => c.id === escalationId && c.change === 'queued'));

    const toCitizen = collect(citizen);
    const claimed = await request(consultant, 'escalation:claim', { id: escalationId });
    expect(claimed.error).to.equal(undefined);
    await waitFor(() => toCitizen.some((m) => m.kind === 'notice' && m.text.includes('Trần Thị Hoa')));

    const toConsultant = collect(consultant);
    for (let i = 1; i <= 5; i++) {
      await request(consultant, 'message:send', { escalationId, text: `Chuyên viên trả lời ${i}` });
      await request(citizen, 'message:send', { clientId: `live-${i}`, text: `Công dân hỏi thêm ${i}` });
    }
    await waitFor(() => toCitizen.filter((m) => m.sender === 'consultant').length === 5 && toConsultant.filter((m) => m.message.sender === 'citizen').length === 5);
    await new Promise((r) => setTimeout(r, 200));
    expect(toCitizen.filter((m) => m.sender === 'consultant').map((m) => m.text)).to.deep.equal([1, 2, 3, 4, 5].map((i) => `Chuyên viên trả lời ${i}`));
    expect(toConsultant.filter((m) => m.message.sender === 'citizen').map((m) => m.message.text)).to.deep.equal([1, 2, 3, 4, 5].map((i) => `Công dân hỏi thêm ${i}`));
  });

  it('when consultants on A and on B claim the same ticket at once, exactly one gets it (20 races)', async () => {
    const onA = await signedInStaff(a.app, { capacity: 50 });
    const onB = await signedInStaff(b.app, { capacity: 50 });
    const consoleA = track(await consoleClient(a.baseUrl, onA.cookie));
    const consoleB = track(await consoleClient(b.baseUrl, onB.cookie));
    for (let i = 0; i < 20; i++) {
      const { escalationId } = await waitingCitizen(i % 2 ? a.baseUrl : b.baseUrl);
      const [ra, rb] = await Promise.all([request(consoleA, 'escalation:claim', { id: escalationId }), request(consoleB, 'escalation:claim', { id: escalationId })]);
      const winners = [ra, rb].filter((r) => r.data);
      expect(winners, `race ${i}`).to.have.length(1);
      expect([ra, rb].find((r) => r.error)!.error!.code).to.equal('already_claimed');
      const [row] = await dbA.dataSource.query(`SELECT assigned_to FROM escalations WHERE id = $1`, [escalationId]);
      expect(row.assigned_to).to.equal(winners[0]!.data.escalation.assignedTo);
    }
  });

  it('when a situation is imported elsewhere (as by the CLI), then both matchers answer with it within a second', async () => {
    const question = 'Nuôi chim yến trong khu dân cư có cần giấy phép không?';
    expect(a.app.matching.match(question).candidates.map((c) => c.code)).to.not.include('CL-YEN');
    const record = buildSituation({ code: 'CL-YEN', question, alternates: ['nuôi chim yến cần giấy phép gì'], answer: 'Cần tuân thủ quy định về nuôi chim yến.', legal_basis: [], tags: [] });
    const started = Date.now();
    const report = await importSituations(dbB.dataSource, await parseKbFile(jsonl([record]), 'jsonl'), { actor: 'test', source: 'cluster' });
    expect(report.ok).to.equal(true);
    await waitFor(() => [a, b].every(({ app }) => app.matching.match(question).candidates[0]?.code === 'CL-YEN'), 1000);
    const elapsed = Date.now() - started;
    expect(elapsed).to.be.below(1000);

    // Archived: both instances drop it.
    await dbB.dataSource.query(`UPDATE situations SET status = 'archived' WHERE code = 'CL-YEN'`);
    await waitFor(() => [a, b].every(({ app }) => !app.matching.match(question).candidates.some((c) => c.code === 'CL-YEN')), 1000);
    expect(a.app.matching.size).to.equal(4);
  });

  it('when the dictionary changes on one instance, then every instance reloads it', async () => {
    const reloads = { a: 0, b: 0 };
    const original = { a: a.app.matching.reloadDictionary, b: b.app.matching.reloadDictionary };
    a.app.matching.reloadDictionary = () => {
      reloads.a++;
      original.a();
    };
    b.app.matching.reloadDictionary = () => {
      reloads.b++;
      original.b();
    };
    try {
      await a.app.cluster.dictionaryChanged();
      await waitFor(() => reloads.a === 1 && reloads.b === 1, 1000);
    } finally {
      a.app.matching.reloadDictionary = original.a;
      b.app.matching.reloadDictionary = original.b;
    }
  });

  it('when a consultant leaves B and comes back on A within the grace period, then they keep the ticket; gone for good, it returns to the queue', async () => {
    const { cookie } = await signedInStaff(b.app);
    const first = await consoleClient(b.baseUrl, cookie);
    const { escalationId, citizen } = await waitingCitizen(a.baseUrl);
    expect((await request(first, 'escalation:claim', { id: escalationId })).error).to.equal(undefined);
    const toCitizen = collect(citizen);

    first.disconnect();
    const marked = async () => (await dbA.dataSource.query(`SELECT release_at IS NOT NULL AS marked, status FROM escalations WHERE id = $1`, [escalationId]))[0];
    const deadline = Date.now() + 3000;
    while (!(await marked()).marked && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await marked()).to.deep.equal({ marked: true, status: 'assigned' });

    const second = track(await consoleClient(a.baseUrl, cookie));
    await waitFor(() => second.connected);
    const deadline2 = Date.now() + 3000;
    while ((await marked()).marked && Date.now() < deadline2) await new Promise((r) => setTimeout(r, 20));
    expect(await marked()).to.deep.equal({ marked: false, status: 'assigned' });
    await a.app.sweep();
    await b.app.sweep();
    expect((await marked()).status).to.equal('assigned');

    second.disconnect();
    const deadline3 = Date.now() + 3000;
    while (!(await marked()).marked && Date.now() < deadline3) await new Promise((r) => setTimeout(r, 20));
    await dbA.dataSource.query(`UPDATE escalations SET release_at = now() - interval '1 second' WHERE id = $1`, [escalationId]);
    await b.app.sweep();
    expect((await dbA.dataSource.query(`SELECT status FROM escalations WHERE id = $1`, [escalationId]))[0].status).to.equal('queued');
    await waitFor(() => toCitizen.some((m) => m.payload?.notice === 'returned'));
  });
});
