import { expect } from 'chai';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'socket.io-client';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { seedChatKnowledge } from '../support/chat-fixtures.js';
import { engineName, testDatabase } from '../support/database.js';
import { startTestApp } from '../support/http.js';
import { chatClient, collect, request, waitFor } from '../support/socket.js';
import { consoleClient, signedInStaff } from '../support/staff.js';

const ALWAYS_OPEN = '0-6 00:00-24:00';

describe(`human consultation over sockets (${engineName})`, function () {
  this.timeout(60_000);
  let db: Database;
  let app: App;
  let baseUrl: string;
  let smtp: SMTPServer;
  let smtpPort: number;
  const mail: { to: string; body: string }[] = [];
  let rejectNextMail = false;
  const sockets: Socket[] = [];
  const track = <T extends Socket>(s: T) => {
    sockets.push(s);
    return s;
  };

  /** A citizen who asked something the bot could not answer, then asked for a person. */
  async function waitingCitizen(contact: Record<string, unknown> = {}) {
    const citizen = track(await chatClient(baseUrl));
    const started = await request(citizen, 'conversation:start');
    const question = await request(citizen, 'message:send', { clientId: `q-${Math.random().toString(36).slice(2)}`, text: 'hàng xóm xây nhà lấn sang đất nhà tôi thì làm thế nào' });
    expect(question.error).to.equal(undefined);
    const asked = await request(citizen, 'consultant:request', contact);
    expect(asked.error, JSON.stringify(asked.error)).to.equal(undefined);
    return { citizen, token: started.data.token as string, conversationId: started.data.conversationId as string, ticket: asked.data.ticket as string, asked: asked.data };
  }

  async function escalationOf(conversationId: string): Promise<string> {
    const [row] = await db.dataSource.query(`SELECT id FROM escalations WHERE conversation_id = $1 ORDER BY created_at DESC LIMIT 1`, [conversationId]);
    return row.id;
  }

  before(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let body = '';
        stream.on('data', (chunk) => (body += chunk));
        stream.on('end', () => {
          if (rejectNextMail) {
            rejectNextMail = false;
            return callback(new Error('451 try again later'));
          }
          mail.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), body });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    db = await testDatabase();
    await seedChatKnowledge(db);
    ({ app, baseUrl } = await startTestApp(db, { OFFICE_HOURS: ALWAYS_OPEN, SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, CHAT_MESSAGES_PER_MINUTE: '100', CHAT_CONVERSATIONS_PER_HOUR_PER_IP: '1000', CHAT_MESSAGES_PER_MINUTE_PER_IP: '10000' }));
  });

  afterEach(async () => {
    while (sockets.length) sockets.pop()!.disconnect();
    await new Promise((r) => setTimeout(r, 30));
    await db.dataSource.query(`UPDATE escalations SET status = 'cancelled' WHERE status IN ('queued', 'assigned')`);
  });

  after(async () => {
    await app.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('refuses a citizen token, a garbage cookie and no cookie on /console', async () => {
    const { token } = await waitingCitizen();
    for (const cookie of [`hl_session=${token}`, 'hl_session=garbage', undefined]) {
      const outcome = await consoleClient(baseUrl, cookie).then(
        (s) => {
          s.disconnect();
          return 'connected';
        },
        (error: Error) => error.message,
      );
      expect(outcome, String(cookie)).to.equal('unauthorized');
    }
  });

  it('tells waiting citizens their place in the queue and updates it live when a consultant claims', async () => {
    const { cookie } = await signedInStaff(app);
    const consultant = track(await consoleClient(baseUrl, cookie));
    const first = await waitingCitizen();
    const second = await waitingCitizen();
    expect(first.asked).to.include({ offline: false, position: 1 });
    expect(second.asked).to.include({ offline: false, position: 2 });
    expect(second.asked.estimatedMinutes).to.be.a('number').greaterThan(0);
    const positions = collect(second.citizen, 'queue:position');
    const queue = await request(consultant, 'queue:list');
    expect(queue.data.queue.map((e: { conversationId: string }) => e.conversationId)).to.deep.equal([first.conversationId, second.conversationId]);
    await request(consultant, 'escalation:claim', { id: await escalationOf(first.conversationId) });
    await waitFor(() => positions.some((p) => p.position === 1));
  });

  it('when two consultants claim the same ticket at once, exactly one gets it (20 races)', async () => {
    const a = await signedInStaff(app, { capacity: 50 });
    const b = await signedInStaff(app, { capacity: 50 });
    const consoleA = track(await consoleClient(baseUrl, a.cookie));
    const consoleB = track(await consoleClient(baseUrl, b.cookie));
    for (let i = 0; i < 20; i++) {
      const { conversationId } = await waitingCitizen();
      const id = await escalationOf(conversationId);
      const [ra, rb] = await Promise.all([request(consoleA, 'escalation:claim', { id }), request(consoleB, 'escalation:claim', { id })]);
      const winners = [ra, rb].filter((r) => r.data);
      const losers = [ra, rb].filter((r) => r.error);
      expect(winners, `race ${i}`).to.have.length(1);
      expect(losers[0]!.error!.code).to.equal('already_claimed');
      const [row] = await db.dataSource.query(`SELECT assigned_to FROM escalations WHERE id = $1`, [id]);
      expect(row.assigned_to).to.equal(winners[0]!.data.escalation.assignedTo);
    }
  });

  it('carries live messages both ways, keeps the bot quiet, and hides internal notes from the citizen', async () => {
    const { cookie } = await signedInStaff(app, { name: 'Nguyễn Thị Lan' });
    const consultant = track(await consoleClient(baseUrl, cookie));
    const { citizen, conversationId, token } = await waitingCitizen();
    const toCitizen = collect(citizen);
    const id = await escalationOf(conversationId);
    await request(consultant, 'escalation:claim', { id });
    const toConsultant = collect(consultant);
    await waitFor(() => toCitizen.some((m) => m.kind === 'notice' && m.text.includes('Nguyễn Thị Lan')));

    await request(consultant, 'message:send', { escalationId: id, text: 'Chào anh, anh cho tôi biết ranh giới đã được đo đạc chưa?' });
    await waitFor(() => toCitizen.some((m) => m.sender === 'consultant'));
    const sent = await request(citizen, 'message:send', { clientId: 'live-1', text: 'Dạ đã có trích đo địa chính rồi ạ' });
    expect(sent.data.replies).to.deep.equal([]);
    await waitFor(() => toConsultant.some((m) => m.message.text === 'Dạ đã có trích đo địa chính rồi ạ'));

    await request(consultant, 'note:add', { escalationId: id, text: 'GHI CHÚ NỘI BỘ: cần hỏi thêm về sổ đỏ' });
    const inserted = await request(consultant, 'situation:insert', { escalationId: id, code: 'HN-TAISAN' });
    expect(inserted.data.message).to.include({ sender: 'consultant', kind: 'answer' });
    const history = await request(citizen, 'conversation:resume', { token, lastSeenId: 0 });
    const texts = history.data.messages.map((m: { text: string }) => m.text).join('\n');
    expect(texts).to.contain('ranh giới đã được đo đạc');
    expect(texts).to.not.contain('GHI CHÚ NỘI BỘ');
  });

  it('returns the tickets of a consultant who stays disconnected past the grace period to the queue', async () => {
    const { cookie } = await signedInStaff(app);
    const consultant = track(await consoleClient(baseUrl, cookie));
    const { citizen, conversationId } = await waitingCitizen();
    const toCitizen = collect(citizen);
    const id = await escalationOf(conversationId);
    await request(consultant, 'escalation:claim', { id });
    consultant.disconnect();
    await waitFor(() => false === undefined || true);
    await new Promise((r) => setTimeout(r, 100));
    const [marked] = await db.dataSource.query(`SELECT release_at IS NOT NULL AS marked, status FROM escalations WHERE id = $1`, [id]);
    expect(marked).to.deep.equal({ marked: true, status: 'assigned' });
    await app.sweep();
    expect((await db.dataSource.query(`SELECT status FROM escalations WHERE id = $1`, [id]))[0].status).to.equal('assigned');
    await db.dataSource.query(`UPDATE escalations SET release_at = now() - interval '1 second' WHERE id = $1`, [id]);
    await app.sweep();
    const [after] = await db.dataSource.query(`SELECT status, assigned_to FROM escalations WHERE id = $1`, [id]);
    expect(after).to.deep.equal({ status: 'queued', assigned_to: null });
    await waitFor(() => toCitizen.some((m) => m.payload?.notice === 'returned'));
  });

  it('a consultant who comes back within the grace period keeps the ticket', async () => {
    const { cookie } = await signedInStaff(app);
    const first = await consoleClient(baseUrl, cookie);
    const { conversationId } = await waitingCitizen();
    const id = await escalationOf(conversationId);
    await request(first, 'escalation:claim', { id });
    first.disconnect();
    await new Promise((r) => setTimeout(r, 100));
    track(await consoleClient(baseUrl, cookie));
    await new Promise((r) => setTimeout(r, 100));
    await db.dataSource.query(`UPDATE escalations SET release_at = least(release_at, now() - interval '1 second') WHERE id = $1 AND release_at IS NOT NULL`, [id]);
    await app.sweep();
    const [row] = await db.dataSource.query(`SELECT status FROM escalations WHERE id = $1`, [id]);
    expect(row.status).to.equal('assigned');
  });

  it('leaves a question for later when nobody is online, and the reply reaches the widget, the ticket page and the email', async () => {
    const { citizen, conversationId, token, ticket, asked } = await waitingCitizen({ name: 'Trần Văn B', email: 'citizen@example.vn', consent: true });
    expect(asked.offline).to.equal(true);
    citizen.disconnect();

    const { cookie } = await signedInStaff(app);
    const consultant = track(await consoleClient(baseUrl, cookie));
    const id = await escalationOf(conversationId);
    await request(consultant, 'escalation:claim', { id });
    rejectNextMail = true;
    await request(consultant, 'message:send', { escalationId: id, text: 'Anh nên đề nghị Ủy ban nhân dân cấp xã hòa giải trước.' });

    await app.sweep(); // the SMTP server refuses this first attempt
    const [pending] = await db.dataSource.query(`SELECT attempts, sent_at FROM email_outbox WHERE escalation_id = $1`, [id]);
    expect(pending).to.deep.equal({ attempts: 1, sent_at: null });
    expect(mail).to.have.length(0);
    await db.dataSource.query(`UPDATE email_outbox SET next_attempt_at = now() WHERE escalation_id = $1`, [id]);
    await app.sweep();
    expect(mail).to.have.length(1);
    expect(mail[0]!.to).to.equal('citizen@example.vn');
    expect(mail[0]!.body).to.contain(ticket);

    const back = track(await chatClient(baseUrl));
    const history = await request(back, 'conversation:resume', { token, lastSeenId: 0 });
    expect(history.data.messages.some((m: { sender: string; text: string }) => m.sender === 'consultant' && m.text.includes('hòa giải trước'))).to.equal(true);

    const page = await fetch(`${baseUrl}/tra-cuu?ma=${ticket.toLowerCase()}`);
    expect(page.status).to.equal(200);
    const html = await page.text();
    expect(html).to.contain('Anh nên đề nghị Ủy ban nhân dân cấp xã hòa giải trước.');
    expect(html).to.contain('hàng xóm xây nhà lấn sang đất nhà tôi');
    expect((await fetch(`${baseUrl}/tra-cuu?ma=AAAAAAAA`)).status).to.equal(404);
  });

  it('does not keep contact details without consent', async () => {
    const { conversationId } = await waitingCitizen({ name: 'Không đồng ý', phone: '0912345678', consent: false });
    const [row] = await db.dataSource.query(`SELECT contact_name, contact_phone, consent_at FROM escalations WHERE conversation_id = $1`, [conversationId]);
    expect(row).to.deep.equal({ contact_name: '', contact_phone: '', consent_at: null });
  });

  it('closes with a resolution (the bot answers again) and turns the consultation into a draft situation', async () => {
    const { cookie } = await signedInStaff(app);
    const consultant = track(await consoleClient(baseUrl, cookie));
    const { citizen, conversationId } = await waitingCitizen();
    const id = await escalationOf(conversationId);
    await request(consultant, 'escalation:claim', { id });
    await request(consultant, 'message:send', { escalationId: id, text: 'Trước hết cần hòa giải tại Ủy ban nhân dân cấp xã nơi có đất.' });
    const early = await request(consultant, 'escalation:promote', { escalationId: id });
    expect(early.error!.code).to.equal('not_closed');
    const closed = await request(consultant, 'escalation:close', { escalationId: id, resolution: 'answered' });
    expect(closed.data.escalation).to.include({ status: 'closed', resolution: 'answered' });
    const again = await request(citizen, 'message:send', { clientId: 'after-close', text: 'chia tài sản khi ly hôn' });
    expect(again.data.replies[0].kind).to.equal('answer');
    const promoted = await request(consultant, 'escalation:promote', { escalationId: id });
    expect(promoted.error, JSON.stringify(promoted.error)).to.equal(undefined);
    const [draft] = await db.dataSource.query(`SELECT status, question, alternates, answer FROM situations WHERE code = $1`, [promoted.data.code]);
    expect(draft.status).to.equal('draft');
    expect(draft.question).to.contain('hàng xóm xây nhà lấn sang đất');
    expect(draft.alternates).to.deep.equal([draft.question]);
    expect(draft.answer).to.contain('hòa giải tại Ủy ban nhân dân cấp xã');
  });

  it('respects capacity, transfers to another field, and refuses actions on tickets one does not hold', async () => {
    const { cookie } = await signedInStaff(app, { capacity: 1 });
    const other = await signedInStaff(app);
    const consultant = track(await consoleClient(baseUrl, cookie));
    const stranger = track(await consoleClient(baseUrl, other.cookie));
    const one = await waitingCitizen();
    const two = await waitingCitizen();
    const id1 = await escalationOf(one.conversationId);
    const id2 = await escalationOf(two.conversationId);
    await request(consultant, 'escalation:claim', { id: id1 });
    expect((await request(consultant, 'escalation:claim', { id: id2 })).error!.code).to.equal('at_capacity');
    expect((await request(stranger, 'message:send', { escalationId: id1, text: 'xen ngang' })).error!.code).to.equal('not_assigned');
    const moved = await request(consultant, 'escalation:transfer', { escalationId: id1, toField: 'dat-dai' });
    expect(moved.data.escalation).to.include({ status: 'queued', assignedTo: null });
    expect(moved.data.escalation.fieldSlugs).to.deep.equal(['dat-dai']);
  });
});

describe(`auto-assign and console pages (${engineName})`, function () {
  this.timeout(60_000);
  let app: App;
  let baseUrl: string;

  before(async () => {
    const db = await testDatabase();
    await seedChatKnowledge(db);
    ({ app, baseUrl } = await startTestApp(db, { OFFICE_HOURS: ALWAYS_OPEN, AUTO_ASSIGN: 'true', CHAT_CONVERSATIONS_PER_HOUR_PER_IP: '1000' }));
  });
  after(() => app.close());

  it('offers a new ticket to the least-loaded available specialist of its field', async () => {
    const busy = await signedInStaff(app, { fieldSlugs: ['dat-dai'], capacity: 5 });
    const free = await signedInStaff(app, { fieldSlugs: ['dat-dai'], capacity: 5 });
    const generalist = await signedInStaff(app, { fieldSlugs: [], capacity: 5 });
    const busySocket = await consoleClient(baseUrl, busy.cookie);
    const freeSocket = await consoleClient(baseUrl, free.cookie);
    const otherSocket = await consoleClient(baseUrl, generalist.cookie);
    try {
      // The busy specialist already holds a conversation.
      const first = await chatClient(baseUrl);
      await request(first, 'conversation:start');
      await request(first, 'message:send', { clientId: 'a1', text: 'chia tài sản khi ly hôn' });
      await request(first, 'consultant:request', {});
      const queue = await request(busySocket, 'queue:list');
      await request(busySocket, 'escalation:claim', { id: queue.data.queue[0].id });

      const offersToFree = collect(freeSocket, 'escalation:offered');
      const offersToBusy = collect(busySocket, 'escalation:offered');
      const offersToOther = collect(otherSocket, 'escalation:offered');
      const citizen = await chatClient(baseUrl);
      await request(citizen, 'conversation:start');
      // The field comes from the bot's candidates: a land question.
      await request(citizen, 'message:send', { clientId: 'a2', text: 'Đăng ký khai sinh muộn cho con thì làm ở đâu?' });
      await request(citizen, 'consultant:request', {});
      await waitFor(() => offersToFree.length + offersToBusy.length + offersToOther.length > 0);
      const total = offersToFree.length + offersToBusy.length + offersToOther.length;
      expect(total).to.equal(1);
      expect(offersToFree).to.have.length(1);
      first.disconnect();
      citizen.disconnect();
    } finally {
      busySocket.disconnect();
      freeSocket.disconnect();
      otherSocket.disconnect();
    }
  });

  it('sends a visitor without a session to the login page, and serves the console to a consultant', async () => {
    const anonymous = await fetch(`${baseUrl}/console`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(anonymous.status).to.be.oneOf([302, 303]);
    expect(anonymous.headers.get('location')).to.match(/^\/staff\/login/);
    expect((await fetch(`${baseUrl}/console/console.js`, { redirect: 'manual' })).status).to.equal(401);
    const { cookie } = await signedInStaff(app);
    const page = await fetch(`${baseUrl}/console`, { headers: { cookie } });
    expect(page.status).to.equal(200);
    const html = await page.text();
    expect(html).to.match(/<meta name="csrf-token" content="[A-Za-z0-9_-]{32,}">/);
    expect(html).to.contain('Bàn tư vấn pháp luật');
  });
});
