import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { RETENTION_LOCK_KEY } from '../../server/privacy/index.js';
import { seedChatKnowledge } from '../support/chat-fixtures.js';
import { engineName, testDatabase } from '../support/database.js';
import { startTestApp } from '../support/http.js';
import { chatClient, collect, request, waitFor } from '../support/socket.js';
import { consoleClient, signedInStaff } from '../support/staff.js';

const ALWAYS_OPEN = '0-6 00:00-24:00';
const CONTACT = { name: 'Trần Văn Bình', phone: '0912 345 678', email: 'binh.tran@example.vn', consent: true };

/** Row counts of one conversation's personal data. */
async function footprint(db: Database, conversationId: string) {
  const [row] = await db.dataSource.query(
    `SELECT (SELECT count(*)::int FROM messages WHERE conversation_id = $1) AS messages,
            (SELECT count(*)::int FROM messages WHERE conversation_id = $1 AND kind = 'text' AND body <> '') AS texts,
            (SELECT count(*)::int FROM answer_feedback WHERE conversation_id = $1) AS feedback,
            (SELECT count(*)::int FROM answer_feedback WHERE conversation_id = $1 AND comment <> '') AS comments,
            (SELECT count(*)::int FROM clarify_picks WHERE conversation_id = $1) AS picks,
            (SELECT count(*)::int FROM escalations WHERE conversation_id = $1 AND (contact_name <> '' OR contact_phone <> '' OR contact_email <> '' OR question <> '')) AS contacts,
            (SELECT count(*)::int FROM escalations WHERE conversation_id = $1 AND status IN ('queued', 'assigned')) AS open,
            (SELECT count(*)::int FROM escalation_notes n JOIN escalations e ON e.id = n.escalation_id WHERE e.conversation_id = $1 AND n.kind = 'note') AS notes,
            (SELECT count(*)::int FROM email_outbox o JOIN escalations e ON e.id = o.escalation_id WHERE e.conversation_id = $1) AS emails,
            (SELECT anonymised_at IS NOT NULL FROM conversations WHERE id = $1) AS anonymised`,
    [conversationId],
  );
  return row;
}

describe(`personal data: erasure, export and retention (${engineName})`, function () {
  this.timeout(60_000);
  let db: Database;
  let app: App;
  let baseUrl: string;
  const sockets: Socket[] = [];
  const track = <T extends Socket>(s: T) => (sockets.push(s), s);

  /**
   * A conversation holding every kind of personal data: questions, a rated answer with a comment,
   * a clarify pick, a request to a consultant with contact details, the consultant's reply (an
   * email in the outbox) and an internal note.
   */
  async function richConversation() {
    const citizen = track(await chatClient(baseUrl));
    const started = await request(citizen, 'conversation:start');
    const answered = await request(citizen, 'message:send', { clientId: `a-${Date.now()}`, text: 'Ly hôn thì con dưới 36 tháng tuổi ở với ai?' });
    const answer = answered.data.replies[0];
    expect(answer.kind).to.equal('answer');
    expect((await request(citizen, 'answer:rate', { messageId: answer.id, helpful: false, comment: 'nhà tôi ở thôn Đông, cháu 2 tuổi' })).error).to.equal(undefined);
    const clarify = (await request(citizen, 'message:send', { clientId: `c-${Date.now()}`, text: 'đăng ký khai sinh muộn cho con ở đâu' })).data.replies[0];
    expect(clarify.kind).to.equal('clarify');
    expect((await request(citizen, 'choice:pick', { messageId: clarify.id, code: 'KS-1' })).error).to.equal(undefined);
    await request(citizen, 'message:send', { clientId: `e-${Date.now()}`, text: 'hàng xóm xây nhà lấn sang đất nhà tôi thì làm thế nào' });
    const asked = await request(citizen, 'consultant:request', CONTACT);
    expect(asked.error, JSON.stringify(asked.error)).to.equal(undefined);
    const conversationId = started.data.conversationId as string;
    const [escalation] = await db.dataSource.query(`SELECT id FROM escalations WHERE conversation_id = $1`, [conversationId]);
    const staff = await signedInStaff(app, { name: 'Chuyên viên Hà' });
    const consultant = track(await consoleClient(baseUrl, staff.cookie));
    expect((await request(consultant, 'escalation:claim', { id: escalation.id })).error).to.equal(undefined);
    expect((await request(consultant, 'message:send', { escalationId: escalation.id, text: 'Chào anh Bình, anh gửi đơn đến UBND xã.' })).error).to.equal(undefined);
    expect((await request(consultant, 'note:add', { escalationId: escalation.id, text: 'Anh Bình ở thôn Đông, đã gọi 0912 345 678' })).error).to.equal(undefined);
    return { citizen, consultant, token: started.data.token as string, conversationId, ticket: asked.data.ticket as string, escalationId: escalation.id as string };
  }

  async function adminSession() {
    const { cookie } = await signedInStaff(app, { role: 'admin', name: 'Quản trị viên' });
    const me = await (await fetch(`${baseUrl}/staff/me`, { headers: { cookie } })).json();
    return { cookie, csrf: me.csrf_token as string };
  }

  before(async () => {
    db = await testDatabase();
    await seedChatKnowledge(db);
    ({ app, baseUrl } = await startTestApp(db, {
      OFFICE_HOURS: ALWAYS_OPEN,
      RETENTION_DAYS: '180',
      CHAT_MESSAGES_PER_MINUTE: '1000',
      CHAT_MESSAGES_PER_MINUTE_PER_IP: '100000',
      CHAT_CONVERSATIONS_PER_HOUR_PER_IP: '10000',
      PUBLIC_REQUESTS_PER_MINUTE_PER_IP: '100000',
    }));
  });
  afterEach(async () => {
    while (sockets.length) sockets.pop()!.disconnect();
    await db.dataSource.query(`UPDATE escalations SET status = 'cancelled' WHERE status IN ('queued', 'assigned')`);
  });
  after(async () => app?.close());

  describe('the citizen deletes their conversation (conversation:delete)', () => {
    it('removes messages, ratings, picks, contact details, notes and emails, ends the open escalation, and the token no longer resumes', async () => {
      const { citizen, consultant, token, conversationId, ticket, escalationId } = await richConversation();
      expect(await footprint(db, conversationId)).to.deep.include({ feedback: 1, comments: 1, picks: 1, contacts: 1, open: 1, notes: 1, emails: 1, anonymised: false });
      const otherTab = track(await chatClient(baseUrl));
      expect((await request(otherTab, 'conversation:resume', { token })).error).to.equal(undefined);
      const toOtherTab = collect(otherTab, 'conversation:deleted');
      const queueChanges = collect(consultant, 'queue:changed');

      const deleted = await request(citizen, 'conversation:delete');
      expect(deleted).to.deep.equal({ data: { deleted: true } });

      expect(await footprint(db, conversationId)).to.deep.equal({ messages: 0, texts: 0, feedback: 0, comments: 0, picks: 0, contacts: 0, open: 0, notes: 0, emails: 0, anonymised: true });
      const [escalation] = await db.dataSource.query(`SELECT status, resolution, ticket_code AS ticket FROM escalations WHERE id = $1`, [escalationId]);
      expect(escalation).to.include({ status: 'cancelled', resolution: 'cancelled' });
      expect(escalation.ticket).to.not.equal(ticket); // the old code finds nothing any more
      expect((await fetch(`${baseUrl}/tra-cuu?ma=${ticket}`)).status).to.equal(404);
      await waitFor(() => toOtherTab.length === 1 && queueChanges.some((c) => c.id === escalationId && c.status === 'cancelled'));
      expect((await request(otherTab, 'message:send', { clientId: 'after-delete', text: 'còn ai không' })).error?.code).to.be.oneOf(['no_conversation', 'conversation_not_found']);
      expect((await request(citizen, 'conversation:resume', { token })).error?.code).to.equal('conversation_not_found');
      expect((await request(citizen, 'conversation:delete')).error?.code).to.equal('no_conversation');
      // A fresh start works on the same socket.
      expect((await request(citizen, 'conversation:start')).data.token).to.be.a('string').and.not.equal(token);
    });

    it('keeps the other conversations and the knowledge base untouched', async () => {
      const keep = await richConversation();
      const gone = await richConversation();
      const before = await footprint(db, keep.conversationId);
      const [{ n: situations }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM situations`);
      expect((await request(gone.citizen, 'conversation:delete')).data).to.deep.equal({ deleted: true });
      expect(await footprint(db, keep.conversationId)).to.deep.equal(before);
      expect((await db.dataSource.query(`SELECT count(*)::int AS n FROM situations`))[0].n).to.equal(situations);
    });
  });

  describe('admins export or erase a conversation by ticket code', () => {
    it('exports everything stored (contact details included) as JSON, audited; consultants and strangers may not', async () => {
      const { conversationId, ticket } = await richConversation();
      const admin = await adminSession();
      const res = await fetch(`${baseUrl}/admin/privacy/ticket/${ticket.toLowerCase()}`, { headers: { cookie: admin.cookie, accept: 'application/json' } });
      expect(res.status).to.equal(200);
      expect(res.headers.get('cache-control')).to.equal('no-store');
      expect(res.headers.get('content-disposition')).to.contain(`hoi-luat-${ticket}.json`);
      const body = await res.json();
      expect(body).to.include({ format: 'hoi-luat.conversation-export.v1', ticket });
      expect(body.conversation.id).to.equal(conversationId);
      expect(body.escalations[0]).to.include({ contactName: CONTACT.name, contactPhone: CONTACT.phone, contactEmail: CONTACT.email, ticketCode: ticket });
      expect(body.escalations[0].consentAt).to.be.a('string');
      expect(body.messages.map((m: { text: string }) => m.text)).to.include('Ly hôn thì con dưới 36 tháng tuổi ở với ai?');
      expect(body.feedback[0].comment).to.equal('nhà tôi ở thôn Đông, cháu 2 tuổi');
      expect(body.notes.map((n: { body: string }) => n.body)).to.include('Anh Bình ở thôn Đông, đã gọi 0912 345 678');
      expect(body.emails[0].to).to.equal(CONTACT.email);
      const [audit] = await db.dataSource.query(`SELECT actor_email, entity_id, after FROM audit_log WHERE action = 'privacy.export' ORDER BY id DESC LIMIT 1`);
      expect(audit.entity_id).to.equal(conversationId);
      expect(audit.after).to.deep.equal({ ticket, messages: body.messages.length, escalations: 1 });
      expect(JSON.stringify(audit)).not.to.contain(CONTACT.phone);

      const consultant = await signedInStaff(app);
      expect((await fetch(`${baseUrl}/admin/privacy/ticket/${ticket}`, { headers: { cookie: consultant.cookie, accept: 'application/json' } })).status).to.equal(403);
      expect((await fetch(`${baseUrl}/admin/privacy/ticket/${ticket}`, { headers: { accept: 'application/json' } })).status).to.equal(401);
      const unknown = await fetch(`${baseUrl}/admin/privacy/ticket/ABCDEFGH`, { headers: { cookie: admin.cookie, accept: 'application/json' } });
      expect(unknown.status).to.equal(404);
      expect((await unknown.json()).error.code).to.equal('ticket_not_found');
    });

    it('erases with a CSRF token only, audited in the same transaction; the citizen\'s widget is told and the ticket is gone', async () => {
      const { citizen, conversationId, ticket } = await richConversation();
      const told = collect(citizen, 'conversation:deleted');
      const admin = await adminSession();
      const url = `${baseUrl}/admin/privacy/ticket/${ticket}/delete`;
      const forged = await fetch(url, { method: 'POST', headers: { cookie: admin.cookie, accept: 'application/json' } });
      expect(forged.status).to.equal(403);
      expect((await forged.json()).error.code).to.equal('csrf_failed');
      expect((await footprint(db, conversationId)).anonymised).to.equal(false);

      const res = await fetch(url, {
        method: 'POST',
        headers: { cookie: admin.cookie, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: `_csrf=${encodeURIComponent(admin.csrf)}`,
      });
      expect(res.status).to.equal(200);
      const body = await res.json();
      expect(body).to.deep.include({ deleted: true, conversationId, conversations: 1, contactsErased: 1, escalationsEnded: 1, feedback: 1, notesDeleted: 1, emailsDeleted: 1 });
      expect(await footprint(db, conversationId)).to.deep.include({ messages: 0, contacts: 0, open: 0, anonymised: true });
      const [audit] = await db.dataSource.query(`SELECT actor_email, entity_type, entity_id, after FROM audit_log WHERE action = 'privacy.delete' ORDER BY id DESC LIMIT 1`);
      expect(audit).to.include({ entity_type: 'conversation', entity_id: conversationId });
      expect(audit.after.ticket).to.equal(ticket);
      await waitFor(() => told.length === 1);
      const again = await fetch(url, { method: 'POST', headers: { cookie: admin.cookie, accept: 'application/json', 'x-csrf-token': admin.csrf } });
      expect(again.status).to.equal(404);
    });
  });

  describe('retention (RETENTION_DAYS)', () => {
    it('erases conversations idle past the period, contact details first, keeping counts, outcomes and ratings; recent ones stay', async () => {
      const old = await richConversation();
      const recent = await richConversation();
      await db.dataSource.query(`UPDATE conversations SET last_message_at = now() - interval '181 days' WHERE id = $1`, [old.conversationId]);
      const before = await footprint(db, old.conversationId);
      const recentBefore = await footprint(db, recent.conversationId);
      const [bot] = await db.dataSource.query(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND sender = 'bot' AND body <> ''`, [old.conversationId]);

      const report = await app.privacy.runRetention();
      expect(report).to.include({ skipped: false, conversations: 1, contactsErased: 1, escalationsEnded: 1, feedback: 1, notesDeleted: 1, emailsDeleted: 1 });
      expect(report.messages).to.equal(before.texts);

      const after = await footprint(db, old.conversationId);
      // Rows stay (the statistics count them); what people wrote is gone.
      expect(after).to.deep.equal({ ...before, texts: 0, comments: 0, contacts: 0, open: 0, notes: 0, emails: 0, anonymised: true });
      const [botAfter] = await db.dataSource.query(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND sender = 'bot' AND body <> ''`, [old.conversationId]);
      expect(botAfter.n).to.equal(bot.n);
      const [rating] = await db.dataSource.query(`SELECT helpful, situation_code FROM answer_feedback WHERE conversation_id = $1`, [old.conversationId]);
      expect(rating).to.deep.equal({ helpful: false, situation_code: 'HN-CON' });
      expect((await request(old.citizen, 'conversation:resume', { token: old.token })).error?.code).to.equal('conversation_not_found');
      expect(await footprint(db, recent.conversationId)).to.deep.equal(recentBefore);

      expect(await app.privacy.runRetention()).to.include({ conversations: 0, batches: 1 });
      // A later clock reaches the recent one too.
      const later = await app.privacy.runRetention({ now: new Date(Date.now() + 181 * 86_400_000) });
      expect(later.conversations).to.be.greaterThanOrEqual(1);
      expect((await footprint(db, recent.conversationId)).anonymised).to.equal(true);
    });

    it('two runs at once erase each conversation once', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const citizen = track(await chatClient(baseUrl));
        const started = await request(citizen, 'conversation:start');
        await request(citizen, 'message:send', { clientId: `r-${i}`, text: 'chia tai san khi ly hon' });
        ids.push(started.data.conversationId);
      }
      await db.dataSource.query(`UPDATE conversations SET last_message_at = now() - interval '400 days' WHERE id = ANY(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)::uuid))`, [JSON.stringify(ids)]);
      const reports = await Promise.all([app.privacy.runRetention(), app.privacy.runRetention()]);
      expect(reports.reduce((sum, r) => sum + r.conversations, 0)).to.equal(3);
      for (const id of ids) expect((await footprint(db, id)).texts).to.equal(0);
    });

    (process.env.DATABASE_URL ? it : it.skip)('on PostgreSQL, an instance that finds the job running elsewhere skips it (advisory lock)', async () => {
      const other = db.dataSource.createQueryRunner();
      await other.connect();
      await other.startTransaction();
      try {
        await other.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [RETENTION_LOCK_KEY]);
        expect(await app.privacy.runRetention()).to.include({ skipped: true, conversations: 0 });
      } finally {
        await other.rollbackTransaction();
        await other.release();
      }
      expect((await app.privacy.runRetention()).skipped).to.equal(false);
    });
  });
});
