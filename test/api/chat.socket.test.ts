import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import type { App } from '../../server/app.js';
import type { Database } from '../../server/db/database.js';
import { engineName, testDatabase } from '../support/database.js';
import { HOSTILE, seedChatKnowledge } from '../support/chat-fixtures.js';
import { startTestApp } from '../support/http.js';
import { chatClient, collect, request, waitFor } from '../support/socket.js';

describe(`citizen chat over socket.io (${engineName})`, function () {
  this.timeout(30_000);
  let db: Database;
  let app: App;
  let baseUrl: string;
  const sockets: Socket[] = [];

  const client = async (headers?: Record<string, string>) => {
    const socket = await chatClient(baseUrl, headers);
    sockets.push(socket);
    return socket;
  };

  before(async () => {
    db = await testDatabase();
    await seedChatKnowledge(db);
    ({ app, baseUrl } = await startTestApp(db, { CHAT_MESSAGES_PER_MINUTE: '8' }));
  });

  afterEach(() => {
    while (sockets.length) sockets.pop()!.disconnect();
  });

  after(async () => {
    await app.close();
  });

  it('when the citizen asks a known question, then the bot answers with the legal basis, review date and disclaimer', async () => {
    const socket = await client();
    const started = await request(socket, 'conversation:start');
    expect(started.data!.token).to.be.a('string').with.length.greaterThan(30);
    const sent = await request(socket, 'message:send', { clientId: 'q1', text: 'ly di thi con nho o voi ai' });
    expect(sent.error).to.equal(undefined);
    expect(sent.data.message).to.include({ sender: 'citizen', kind: 'text', text: 'ly di thi con nho o voi ai', clientId: 'q1' });
    const [reply] = sent.data.replies;
    expect(reply).to.include({ sender: 'bot', kind: 'answer', replyTo: sent.data.message.id });
    expect(reply.payload.situation).to.include({ code: 'HN-CON', reviewed_at: '2026-11-28' });
    expect(reply.payload.situation.legal_basis).to.deep.equal([
      { document: '52/2014/QH13', title: 'Luật Hôn nhân và gia đình', article: 'Điều 81', clause: '3', status: 'in_force' },
    ]);
    expect(reply.payload.disclaimer).to.match(/không thay thế ý kiến tư vấn/);
  });

  it('when two situations are equally close, then the bot asks back, and the pick is answered once and recorded', async () => {
    const socket = await client();
    await request(socket, 'conversation:start');
    const sent = await request(socket, 'message:send', { clientId: 'c1', text: 'đăng ký khai sinh muộn cho con ở đâu' });
    const clarify = sent.data.replies[0];
    expect(clarify.kind).to.equal('clarify');
    expect(clarify.payload.options.map((o: { code: string }) => o.code)).to.have.members(['KS-1', 'KS-2']);

    const picked = await request(socket, 'choice:pick', { messageId: clarify.id, code: 'KS-2' });
    expect(picked.data.message).to.include({ sender: 'citizen', kind: 'choice', replyTo: clarify.id });
    expect(picked.data.replies[0].payload.situation.code).to.equal('KS-2');
    // The hostile answer travels as plain text; the widget renders it as text (browser test).
    expect(picked.data.replies[0].text).to.equal(HOSTILE);

    const again = await request(socket, 'choice:pick', { messageId: clarify.id, code: 'KS-2' });
    expect(again.data.duplicate).to.equal(true);
    expect(again.data.replies[0].id).to.equal(picked.data.replies[0].id);
    const picks = await db.dataSource.query('SELECT situation_code FROM clarify_picks WHERE message_id = $1', [clarify.id]);
    expect(picks).to.deep.equal([{ situation_code: 'KS-2' }]);

    const bogus = await request(socket, 'choice:pick', { messageId: clarify.id, code: 'HN-CON' });
    expect(bogus.error!.code).to.equal('invalid_choice');
  });

  it('when a message is resent with the same clientId, then it is stored once and gets the same ack', async () => {
    const socket = await client();
    const { data } = await request(socket, 'conversation:start');
    const first = await request(socket, 'message:send', { clientId: 'same-id', text: 'chia tài sản khi ly hôn' });
    const second = await request(socket, 'message:send', { clientId: 'same-id', text: 'chia tài sản khi ly hôn' });
    expect(second.data.duplicate).to.equal(true);
    expect(second.data.message.id).to.equal(first.data.message.id);
    expect(second.data.replies.map((m: { id: number }) => m.id)).to.deep.equal(first.data.replies.map((m: { id: number }) => m.id));
    const [{ n }] = await db.dataSource.query(
      `SELECT count(*) AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.conversation_id = $1`,
      [data.conversationId],
    );
    expect(n).to.equal(2);
  });

  it('when two tabs share a conversation, then each sees what the other sends', async () => {
    const tabA = await client();
    const { data } = await request(tabA, 'conversation:start');
    const tabB = await client();
    await request(tabB, 'conversation:resume', { token: data.token, lastSeenId: 0 });
    const seenByB = collect(tabB);
    await request(tabA, 'message:send', { clientId: 'tab-1', text: 'chia tài sản khi ly hôn' });
    await waitFor(() => seenByB.length === 2);
    expect(seenByB.map((m) => m.sender)).to.deep.equal(['citizen', 'bot']);
  });

  it('when the citizen greets or thanks, then the reply is friendly and not a legal answer', async () => {
    const socket = await client();
    await request(socket, 'conversation:start');
    const hello = await request(socket, 'message:send', { clientId: 'g1', text: 'chào bạn' });
    expect(hello.data.replies[0]).to.include({ kind: 'small_talk' });
    expect(hello.data.replies[0].text).to.match(/^Xin chào/);
    const thanks = await request(socket, 'message:send', { clientId: 'g2', text: 'cảm ơn nhiều ạ' });
    expect(thanks.data.replies[0].payload.small_talk).to.equal('thanks');
  });

  it('when nothing matches, then the bot offers a consultant, and the request is recorded once', async () => {
    const socket = await client();
    await request(socket, 'conversation:start');
    const notices = collect(socket);
    const sent = await request(socket, 'message:send', { clientId: 'e1', text: 'thủ tục đăng ký nhãn hiệu cho sản phẩm xuất khẩu sang châu Âu' });
    expect(sent.data.replies[0]).to.include({ kind: 'escalate' });
    expect(sent.data.replies[0].payload.offer_consultant).to.equal(true);
    const asked = await request(socket, 'consultant:request', {});
    expect(asked.data).to.include({ status: 'waiting', created: true, offline: true });
    expect(asked.data.ticket).to.match(/^[A-HJ-NP-Z2-9]{8}$/);
    await waitFor(() => notices.some((m) => m.kind === 'notice'));
    expect(notices.find((m) => m.kind === 'notice').text).to.contain(asked.data.ticket);
    const twice = await request(socket, 'consultant:request', {});
    expect(twice.data).to.include({ created: false, ticket: asked.data.ticket });
    // While waiting for a person, the bot does not answer over them.
    const meanwhile = await request(socket, 'message:send', { clientId: 'e2', text: 'chia tài sản khi ly hôn' });
    expect(meanwhile.data.replies).to.deep.equal([]);
  });

  it('a rating is stored for an answer, replaced when given again, and refused for other messages', async () => {
    const socket = await client();
    await request(socket, 'conversation:start');
    const sent = await request(socket, 'message:send', { clientId: 'r1', text: 'ly hôn thì con dưới 36 tháng ở với ai' });
    const answerId = sent.data.replies[0].id;
    expect((await request(socket, 'answer:rate', { messageId: answerId, helpful: false, comment: 'chưa rõ' })).data).to.deep.equal({ ok: true });
    await request(socket, 'answer:rate', { messageId: answerId, helpful: true });
    const rows = await db.dataSource.query('SELECT helpful, situation_code FROM answer_feedback WHERE message_id = $1', [answerId]);
    expect(rows).to.deep.equal([{ helpful: true, situation_code: 'HN-CON' }]);
    const refused = await request(socket, 'answer:rate', { messageId: sent.data.message.id, helpful: true });
    expect(refused.error!.code).to.equal('not_rateable');
  });

  describe('limits and bad input get a clear Vietnamese error and store nothing', () => {
    it('a message over 1,000 characters', async () => {
      const socket = await client();
      const { data } = await request(socket, 'conversation:start');
      const res = await request(socket, 'message:send', { clientId: 'long', text: 'a'.repeat(1001) });
      expect(res.error).to.deep.equal({ code: 'message_too_long', message: 'Câu hỏi dài quá 1.000 ký tự. Vui lòng rút gọn.' });
      const [{ n }] = await db.dataSource.query('SELECT count(*) AS n FROM messages WHERE conversation_id = $1', [data.conversationId]);
      expect(n).to.equal(0);
    });

    it('an empty message, a payload of the wrong shape, and a command without a conversation', async () => {
      const fresh = await client();
      expect((await request(fresh, 'message:send', { clientId: 'x', text: 'hỏi' })).error!.code).to.equal('no_conversation');
      await request(fresh, 'conversation:start');
      expect((await request(fresh, 'message:send', { clientId: 'x', text: '   ' })).error!.code).to.equal('empty_message');
      for (const payload of [null, 'text', { clientId: 5, text: 'a' }, { clientId: 'has space', text: 'a' }, { text: 'no id' }, [1, 2]]) {
        const res = await request(fresh, 'message:send', payload);
        expect(res.error, JSON.stringify(payload)).to.deep.equal({
          code: 'invalid_payload',
          message: 'Dữ liệu gửi lên không hợp lệ. Vui lòng tải lại trang và thử lại.',
        });
      }
    });

    it('an unknown or forged token', async () => {
      const socket = await client();
      const res = await request(socket, 'conversation:resume', { token: 'x'.repeat(43), lastSeenId: 0 });
      expect(res.error!.code).to.equal('conversation_not_found');
      expect(res.error!.message).to.match(/bắt đầu cuộc trò chuyện mới/);
    });

    it('too many messages in a minute from one conversation', async () => {
      const socket = await client();
      const { data } = await request(socket, 'conversation:start');
      const results = [];
      for (let i = 0; i < 10; i++) results.push(await request(socket, 'message:send', { clientId: `burst-${i}`, text: 'chào bạn' }));
      const limited = results.filter((r) => r.error);
      expect(limited).to.have.length(2);
      expect(limited[0]!.error!.code).to.equal('rate_limited');
      expect(limited[0]!.error!.message).to.match(/Bạn gửi quá nhanh/);
      const [{ n }] = await db.dataSource.query(`SELECT count(*) AS n FROM messages WHERE conversation_id = $1 AND sender = 'citizen'`, [data.conversationId]);
      expect(n).to.equal(8);
    });
  });
});

describe(`the per-conversation limit is counted in the database (${engineName})`, function () {
  this.timeout(30_000);
  let db: Database;
  let a: { app: App; baseUrl: string };
  let b: { app: App; baseUrl: string };
  const sockets: Socket[] = [];

  before(async () => {
    db = await testDatabase();
    await seedChatKnowledge(db);
    // Two apps on one database, each with its own in-memory counters: what two instances are.
    a = await startTestApp(db, { CHAT_MESSAGES_PER_MINUTE: '5' });
    b = await startTestApp(db, { CHAT_MESSAGES_PER_MINUTE: '5' });
  });
  afterEach(() => {
    while (sockets.length) sockets.pop()!.disconnect();
  });
  after(async () => {
    await a?.app.close();
    await b?.app.close();
  });

  const client = async (baseUrl: string) => {
    const socket = await chatClient(baseUrl);
    sockets.push(socket);
    return socket;
  };
  const citizenMessages = async (conversationId: string) =>
    (await db.dataSource.query(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND sender = 'citizen'`, [conversationId]))[0].n;

  it('when one conversation sends from two instances at once, then exactly the limit is stored and the rest are refused', async () => {
    const onA = await client(a.baseUrl);
    const started = await request(onA, 'conversation:start');
    const onB = await client(b.baseUrl);
    await request(onB, 'conversation:resume', { token: started.data.token, lastSeenId: 0 });
    // 4 from each side: neither instance's own counter (5) refuses anything.
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => request(i % 2 ? onB : onA, 'message:send', { clientId: `split-${i}`, text: 'chào bạn' })),
    );
    const refused = results.filter((r) => r.error);
    expect(results.filter((r) => r.data)).to.have.length(5);
    expect(refused).to.have.length(3);
    for (const r of refused) {
      expect(r.error!.code).to.equal('rate_limited');
      expect(r.error!.message).to.match(/^Bạn gửi quá nhanh\. Vui lòng chờ khoảng \d+ giây rồi gửi tiếp\.$/);
      expect(Number(/(\d+) giây/.exec(r.error!.message)![1])).to.be.within(1, 60);
    }
    expect(await citizenMessages(started.data.conversationId)).to.equal(5);
  });

  it('a pick counts like a question; once the oldest message is a minute old, the conversation may send again', async () => {
    const socket = await client(a.baseUrl);
    const started = await request(socket, 'conversation:start');
    const conversationId = started.data.conversationId;
    const clarify = (await request(socket, 'message:send', { clientId: 'k-0', text: 'đăng ký khai sinh muộn cho con ở đâu' })).data.replies[0];
    expect(clarify.kind).to.equal('clarify');
    // Three stored as if from other instances: with the question above, one place is left.
    await db.dataSource.query(
      `INSERT INTO messages (conversation_id, client_id, sender, kind, body) SELECT $1, 'other-' || n, 'citizen', 'text', 'chào' FROM generate_series(1, 3) n`,
      [conversationId],
    );
    expect((await request(socket, 'choice:pick', { messageId: clarify.id, code: 'KS-1' })).error).to.equal(undefined);
    const refused = await request(socket, 'message:send', { clientId: 'k-1', text: 'chào bạn' });
    expect(refused.error!.code).to.equal('rate_limited');
    expect(await citizenMessages(conversationId)).to.equal(5);
    await db.dataSource.query(`UPDATE messages SET created_at = created_at - interval '61 seconds' WHERE conversation_id = $1 AND client_id = 'k-0'`, [conversationId]);
    expect((await request(socket, 'message:send', { clientId: 'k-1', text: 'chào bạn' })).error).to.equal(undefined);
    expect(await citizenMessages(conversationId)).to.equal(6);
  });
});

describe(`resuming across a server restart (${engineName})`, function () {
  this.timeout(30_000);

  it('when the citizen reconnects to a new server on the same database, then the history is replayed with nothing missed or doubled', async () => {
    const db = await testDatabase();
    await seedChatKnowledge(db);
    const first = await startTestApp(db);
    const socket = await chatClient(first.baseUrl);
    const { data } = await request(socket, 'conversation:start');
    const a = await request(socket, 'message:send', { clientId: 'before-1', text: 'chia tài sản khi ly hôn' });
    const lastSeenId = a.data.replies[0].id;
    await request(socket, 'message:send', { clientId: 'before-2', text: 'ly hôn con nhỏ ở với ai' });
    socket.disconnect();
    await first.app.close();

    const second = await startTestApp(db);
    try {
      const again = await chatClient(second.baseUrl);
      const resumed = await request(again, 'conversation:resume', { token: data.token, lastSeenId });
      expect(resumed.data.messages.map((m: { clientId: string | null; sender: string }) => m.clientId ?? m.sender)).to.deep.equal(['before-2', 'bot']);
      // The last question is resent because its ack was lost: stored once, same answer.
      const resent = await request(again, 'message:send', { clientId: 'before-2', text: 'ly hôn con nhỏ ở với ai' });
      expect(resent.data.duplicate).to.equal(true);
      const all = await request(again, 'conversation:resume', { token: data.token, lastSeenId: 0 });
      const ids = all.data.messages.map((m: { id: number }) => m.id);
      expect(ids).to.have.length(4);
      expect(new Set(ids).size).to.equal(4);
      again.disconnect();
    } finally {
      await second.app.close();
    }
  });
});

describe(`chat access rules (${engineName})`, function () {
  this.timeout(30_000);

  it('a conversation idle longer than the retention period cannot be resumed', async () => {
    const db = await testDatabase();
    await seedChatKnowledge(db);
    const { app, baseUrl } = await startTestApp(db, { CHAT_CONVERSATION_TTL_DAYS: '30' });
    try {
      const socket = await chatClient(baseUrl);
      const { data } = await request(socket, 'conversation:start');
      await db.dataSource.query(`UPDATE conversations SET last_message_at = now() - interval '31 days' WHERE id = $1`, [data.conversationId]);
      const res = await request(socket, 'conversation:resume', { token: data.token, lastSeenId: 0 });
      expect(res.error!.code).to.equal('conversation_not_found');
      socket.disconnect();
    } finally {
      await app.close();
    }
  });

  it('only the allowed origins may open a chat socket or call the API from a browser', async () => {
    const db = await testDatabase();
    const { app, baseUrl } = await startTestApp(db, { CORS_ORIGINS: 'https://stp.example.gov.vn' });
    try {
      const allowed = await chatClient(baseUrl, { Origin: 'https://stp.example.gov.vn' });
      expect(allowed.connected).to.equal(true);
      allowed.disconnect();
      const refused = await chatClient(baseUrl, { Origin: 'https://evil.example.com' }).then(
        (s) => {
          s.disconnect();
          return 'connected';
        },
        () => 'refused',
      );
      expect(refused).to.equal('refused');
      const preflight = await fetch(`${baseUrl}/api/v1/ask`, {
        method: 'OPTIONS',
        headers: { Origin: 'https://stp.example.gov.vn', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).to.equal('https://stp.example.gov.vn');
      const other = await fetch(`${baseUrl}/api/v1/fields`, { headers: { Origin: 'https://evil.example.com' } });
      expect(other.headers.get('access-control-allow-origin')).to.equal(null);
    } finally {
      await app.close();
    }
  });
});
