import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import { addDays, vietnamDay } from '../../server/analytics/analytics.range.js';
import type { App } from '../../server/app.js';
import { recordAudit } from '../../server/audit/index.js';
import type { Database } from '../../server/db/database.js';
import { HOSTILE, seedChatKnowledge } from '../support/chat-fixtures.js';
import { engineName, testDatabase } from '../support/database.js';
import { startTestApp } from '../support/http.js';
import { chatClient, request } from '../support/socket.js';
import { signedInStaff } from '../support/staff.js';

/** Link targets of a page, with the HTML entities of attribute values decoded. */
function links(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) =>
    m[1]!.replace(/&#x3D;/g, '=').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#x60;/g, '`').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
  );
}

const ALWAYS_OPEN = '0-6 00:00-24:00';
const Q_HN = 'Ly hôn thì con dưới 36 tháng tuổi ở với ai?';
const Q_KS = 'Đăng ký khai sinh muộn cho con thì làm ở đâu?';
const Q_SO_DO = 'làm lại sổ đỏ bị mất';
const Q_SO_DO_NO_ACCENTS = 'lam lai so do bi mat a';
const Q_NEIGHBOUR = 'hàng xóm xây nhà lấn sang đất nhà tôi thì làm thế nào';

describe(`admin analytics dashboard and audit viewer (${engineName})`, function () {
  this.timeout(60_000);
  let db: Database;
  let app: App;
  let baseUrl: string;
  let admin: { cookie: string; account: { id: string; email: string } };
  let consultant: { cookie: string };
  const sockets: Socket[] = [];
  /** Today and yesterday in Vietnam: the live data falls in this range even across midnight. */
  const today = vietnamDay(new Date());
  const recent = `from=${addDays(today, -1)}&to=${today}`;

  const get = (path: string, cookie?: string, accept = 'application/json') =>
    fetch(`${baseUrl}${path}`, { headers: { accept, ...(cookie ? { cookie } : {}) }, redirect: 'manual' });
  /** A CSV body as written, BOM included (Response.text() would drop it). */
  const csv = async (path: string) => {
    const res = await get(path, admin.cookie, 'text/csv');
    expect(res.status, path).to.equal(200);
    return Buffer.from(await res.arrayBuffer()).toString('utf8');
  };
  const report = async (query: string) => {
    const res = await get(`/admin/analytics.json?${query}`, admin.cookie);
    expect(res.status, await res.clone().text()).to.equal(200);
    return res.json();
  };

  /** A citizen with a conversation, as the widget makes one. */
  async function citizen() {
    const socket = await chatClient(baseUrl);
    sockets.push(socket);
    expect((await request(socket, 'conversation:start')).error).to.equal(undefined);
    let n = 0;
    return {
      async ask(text: string, expectedKind: string) {
        const sent = await request(socket, 'message:send', { clientId: `c-${++n}-${randomBytes(6).toString('hex')}`, text });
        expect(sent.error, JSON.stringify(sent.error)).to.equal(undefined);
        const reply = sent.data.replies[0];
        // A precondition on the matcher, said plainly if the knowledge base or thresholds change.
        expect(reply?.kind, `the bot's reply to "${text}"`).to.equal(expectedKind);
        return reply;
      },
      async pick(messageId: number, code: string) {
        const picked = await request(socket, 'choice:pick', { messageId, code });
        expect(picked.error).to.equal(undefined);
        return picked.data.replies[0];
      },
      async rate(messageId: number, helpful: boolean) {
        expect((await request(socket, 'answer:rate', { messageId, helpful })).data).to.deep.equal({ ok: true });
      },
      async requestConsultant() {
        const asked = await request(socket, 'consultant:request', {});
        expect(asked.error, JSON.stringify(asked.error)).to.equal(undefined);
      },
    };
  }

  /** Inserts a conversation and returns its id (direct inserts: data on chosen dates, or volume). */
  async function conversation(at: string): Promise<string> {
    const [row] = await db.dataSource.query(`INSERT INTO conversations (token_hash, created_at) VALUES ($1, $2) RETURNING id`, [randomBytes(32).toString('hex'), at]);
    return row.id;
  }

  /** A citizen question at `at` and the bot's reply of `kind` one second later. */
  async function exchange(at: string, question: string, kind: 'answer' | 'clarify' | 'escalate' | 'small_talk', payload: Record<string, unknown> = {}) {
    const id = await conversation(at);
    await db.dataSource.query(
      `WITH q AS (
         INSERT INTO messages (conversation_id, sender, kind, body, created_at) VALUES ($1, 'citizen', 'text', $2, $3::timestamptz) RETURNING id
       )
       INSERT INTO messages (conversation_id, sender, kind, body, payload, reply_to, created_at)
       SELECT $1, 'bot', $4, 'trả lời', $5::jsonb, q.id, $3::timestamptz + interval '1 second' FROM q`,
      [id, question, at, kind, JSON.stringify(payload)],
    );
    return id;
  }

  /** A consultation ticket created at `at` with waits and handling times in minutes. */
  async function ticket(at: string, t: { question: string; offline?: boolean; wait?: number; handling?: number; status: string; resolution?: string }) {
    const conversationId = await conversation(at);
    await db.dataSource.query(
      `INSERT INTO escalations (conversation_id, ticket_code, status, offline, question, queued_at, created_at, assigned_at, closed_at, resolution)
       VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $6::timestamptz,
               $6::timestamptz + make_interval(mins => $7::int),
               $6::timestamptz + make_interval(mins => $7::int + $8::int), $9)`,
      [
        conversationId,
        Array.from({ length: 8 }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[Math.floor(Math.random() * 32)]).join(''),
        t.status,
        t.offline ?? false,
        t.question,
        at,
        t.wait ?? null,
        t.handling ?? null,
        t.resolution ?? null,
      ],
    );
  }

  before(async () => {
    db = await testDatabase();
    await seedChatKnowledge(db);
    ({ app, baseUrl } = await startTestApp(db, {
      OFFICE_HOURS: ALWAYS_OPEN,
      CHAT_MESSAGES_PER_MINUTE: '100',
      CHAT_CONVERSATIONS_PER_HOUR_PER_IP: '1000',
      CHAT_MESSAGES_PER_MINUTE_PER_IP: '10000',
    }));
    admin = await signedInStaff(app, { role: 'admin', name: 'Quản trị viên' });
    consultant = await signedInStaff(app);

    // Today, through the real widget protocol.
    const c1 = await citizen();
    await c1.rate((await c1.ask(Q_HN, 'answer')).id, true);
    await c1.ask('xin chào', 'small_talk');
    const c2 = await citizen();
    await c2.rate((await c2.ask(Q_HN, 'answer')).id, false);
    const c3 = await citizen();
    const clarify = await c3.ask(Q_KS, 'clarify');
    const picked = await c3.pick(clarify.id, 'KS-1');
    expect(picked.kind).to.equal('answer');
    await c3.rate(picked.id, false);
    await (await citizen()).ask(Q_SO_DO, 'escalate');
    const c5 = await citizen();
    await c5.ask(Q_SO_DO_NO_ACCENTS, 'escalate');
    await c5.requestConsultant();
    await (await citizen()).ask(Q_NEIGHBOUR, 'escalate');
    await (await citizen()).ask(Q_KS, 'clarify');

    // June 2025, inserted directly: Vietnam day boundaries (UTC+7) ...
    await exchange('2025-06-20T00:30:00Z', 'câu hỏi sáng ngày 20', 'answer', { situation: { code: 'HN-CON', field: { slug: 'hon-nhan-gia-dinh', name: 'Hôn nhân và gia đình' } } });
    await exchange('2025-06-20T16:30:00Z', 'câu hỏi 23 giờ 30 ngày 20', 'escalate');
    await exchange('2025-06-20T17:30:00Z', 'câu hỏi 0 giờ 30 ngày 21', 'clarify', { options: [{ code: 'KS-1' }, { code: 'KS-2' }] });
    // ... volume: 240 escalated questions in four wordings of two questions, and markup typed by a citizen ...
    await db.dataSource.query(
      `WITH c AS (
         INSERT INTO conversations (token_hash, created_at)
         SELECT encode(sha256(('vol' || g)::bytea), 'hex'), timestamptz '2025-06-15 03:00:00Z' FROM generate_series(1, 240) g
         RETURNING id
       ), numbered AS (SELECT id, row_number() OVER () AS n FROM c),
       q AS (
         INSERT INTO messages (conversation_id, sender, kind, body, created_at)
         SELECT id, 'citizen', 'text',
                (ARRAY['Cho em hỏi thủ tục nhận con nuôi ạ', 'thu tuc nhan con nuoi', 'Đòi nợ không trả thì kiện ở đâu?', 'doi no khong tra thi kien o dau a'])[1 + n % 4],
                timestamptz '2025-06-15 03:00:00Z' + make_interval(secs => n::int)
           FROM numbered
         RETURNING id, conversation_id, created_at
       )
       INSERT INTO messages (conversation_id, sender, kind, body, reply_to, created_at)
       SELECT conversation_id, 'bot', 'escalate', 'chuyển', id, created_at + interval '1 second' FROM q`,
    );
    await exchange('2025-06-15T05:00:00Z', `Tranh chấp "lối đi chung", hàng xóm rào lại ${HOSTILE}`, 'escalate');
    // A question its citizen erased (the privacy module blanks the text; the count stays).
    await exchange('2025-06-15T06:00:00Z', '', 'escalate');
    // ... and consultation tickets with known waits and handling times (minutes).
    const day = '2025-06-10T02:00:00Z';
    await ticket(day, { question: 'Ly hôn đơn phương cần giấy tờ gì?', wait: 2, handling: 10, status: 'closed', resolution: 'answered' });
    await ticket(day, { question: 'ly hon don phuong can giay to gi', wait: 4, handling: 20, status: 'closed', resolution: 'answered' });
    await ticket(day, { question: 'Ly hôn đơn phương cần giấy tờ gì?', wait: 6, handling: 30, status: 'closed', resolution: 'answered' });
    await ticket(day, { question: 'Bị công an giữ xe quá hạn thì khiếu nại ở đâu', wait: 8, handling: 40, status: 'closed', resolution: 'referred' });
    await ticket(day, { question: 'Thời tiết mai thế nào', wait: 10, handling: 50, status: 'closed', resolution: 'not_legal' });
    await ticket(day, { question: 'Chia thừa kế nhà đất khi không có di chúc', offline: true, wait: 600, status: 'assigned' });
    await ticket(day, { question: 'Mua bán xe không sang tên có sao không', status: 'queued' });
    await ticket(day, { question: 'Thủ tục đổi tên cho con', status: 'cancelled', resolution: 'cancelled' });
  });

  after(async () => {
    while (sockets.length) sockets.pop()!.disconnect();
    await app.close();
  });

  describe('who may see it', () => {
    const routes = ['/admin/analytics', '/admin/analytics.json', '/admin/analytics/questions.csv', '/admin/audit', '/admin/audit.json'];

    it('when a consultant opens any analytics or audit route, then they get 403', async () => {
      for (const route of routes) {
        const json = await get(route, consultant.cookie);
        expect(json.status, route).to.equal(403);
        expect((await json.json()).error.code, route).to.equal('forbidden');
      }
      const page = await get('/admin/analytics', consultant.cookie, 'text/html');
      expect(page.status).to.equal(403);
      expect(await page.text()).to.contain('Bạn không có quyền');
    });

    it('when nobody is signed in, then a page request goes to the login page and anything else gets 401', async () => {
      for (const route of routes) {
        const page = await get(`${route}?from=2025-06-01`, undefined, 'text/html');
        expect(page.status, route).to.equal(303);
        expect(page.headers.get('location')).to.equal(`/staff/login?next=${encodeURIComponent(`${route}?from=2025-06-01`)}`);
        const json = await get(route);
        expect(json.status, route).to.equal(401);
        expect((await json.json()).error.code).to.equal('unauthenticated');
      }
    });
  });

  describe('the report', () => {
    it('when no range is given, then it covers the last 30 Vietnam days up to today', async () => {
      const data = await report('');
      expect(data.range).to.deep.equal({ from: addDays(today, -29), to: today, days: 30 });
      expect(data.questionsPerDay).to.have.length(30);
      expect(data.totals.questions).to.equal(8);
    });

    it('counts citizens\' questions and the bot\'s answer / clarify / escalate rates, small talk apart', async () => {
      const { totals } = await report(recent);
      expect(totals).to.deep.include({ questions: 8, legal: 7, answer: 2, clarify: 2, escalate: 3, smallTalk: 1 });
      expect(totals.answerRate).to.be.closeTo(2 / 7, 1e-9);
      expect(totals.escalateRate).to.be.closeTo(3 / 7, 1e-9);
    });

    it('when questions fall on either side of midnight in Vietnam, then they count on their Vietnam day', async () => {
      const data = await report('from=2025-06-20&to=2025-06-21');
      expect(data.questionsPerDay).to.deep.equal([
        { day: '2025-06-20', questions: 2 },
        { day: '2025-06-21', questions: 1 },
      ]);
      const [d20, d21] = data.outcomesPerDay;
      expect(d20).to.deep.include({ day: '2025-06-20', answer: 1, escalate: 1, clarify: 0, legal: 2, answerRate: 0.5, escalateRate: 0.5 });
      expect(d21).to.deep.include({ day: '2025-06-21', clarify: 1, legal: 1, clarifyRate: 1 });
      const only21 = await report('from=2025-06-21&to=2025-06-21');
      expect(only21.totals.questions).to.equal(1);
      expect(only21.questionsPerDay).to.deep.equal([{ day: '2025-06-21', questions: 1 }]);
    });

    it('groups near-identical escalated questions into one row and keeps a different question apart', async () => {
      const { toWrite } = await report(recent);
      const soDo = toWrite.clusters.filter((c: { representative: string }) => [Q_SO_DO, Q_SO_DO_NO_ACCENTS].includes(c.representative));
      expect(soDo, JSON.stringify(toWrite.clusters)).to.have.length(1);
      // One asked by the bot's escalation, the other by the citizen asking for a consultant (counted once).
      expect(soDo[0]).to.deep.include({ count: 2, escalated: 1, consultantRequested: 1, unhelpful: 0, variants: 2 });
      const neighbour = toWrite.clusters.find((c: { representative: string }) => c.representative === Q_NEIGHBOUR);
      expect(neighbour).to.deep.include({ count: 1, escalated: 1 });
    });

    it('lists questions whose answer was rated unhelpful, also when the answer followed a clarify pick', async () => {
      const { toWrite } = await report(recent);
      const byText = new Map(toWrite.clusters.map((c: { representative: string }) => [c.representative, c]));
      expect(byText.get(Q_HN)).to.deep.include({ count: 1, unhelpful: 1 });
      expect(byText.get(Q_KS)).to.deep.include({ count: 1, unhelpful: 1 });
      expect(toWrite.clusters).to.have.length(4);
    });

    it('at volume, groups 240 questions in four wordings into two situations to write', async () => {
      const { toWrite, totals } = await report('from=2025-06-15&to=2025-06-15');
      // 240 + the markup + the erased one, which counts here but has nothing to group.
      expect(totals.questions).to.equal(242);
      expect(toWrite.questions).to.equal(241);
      const [first, second, third] = toWrite.clusters;
      expect([first.count, second.count, third.count]).to.deep.equal([120, 120, 1]);
      expect([first.representative, second.representative].map((t: string) => t.toLowerCase()).sort().join(' / ')).to.match(/con nuoi|con nuôi/).and.match(/nợ|no khong/);
      expect(first.variants).to.equal(2);
    });

    it('gives the helpful rate per situation with the answers shown and the ratings', async () => {
      const { helpful } = await report(recent);
      const hn = helpful.find((h: { code: string }) => h.code === 'HN-CON');
      expect(hn).to.deep.include({ question: Q_HN, fieldName: 'Hôn nhân và gia đình', answers: 2, ratings: 2, helpful: 1, unhelpful: 1, helpfulRate: 0.5 });
      const ks = helpful.find((h: { code: string }) => h.code === 'KS-1');
      expect(ks).to.deep.include({ answers: 1, ratings: 1, helpful: 0, helpfulRate: 0 });
    });

    it('shows which clarify options were offered together and which one citizens picked', async () => {
      const { clarify } = await report(recent);
      expect(clarify).to.deep.include({ asked: 2, picked: 1, pickRate: 0.5 });
      expect(clarify.sets).to.have.length(1);
      expect(clarify.sets[0]).to.deep.include({ times: 2, noPick: 1 });
      expect(clarify.sets[0].offered.map((o: { code: string }) => o.code)).to.deep.equal(['KS-1', 'KS-2']);
      expect(clarify.sets[0].picks).to.deep.equal([{ code: 'KS-1', count: 1 }]);
      expect(clarify.options).to.deep.equal([
        { code: 'KS-1', question: Q_KS, fieldName: 'Đất đai', offered: 2, picked: 1, pickRate: 0.5 },
        { code: 'KS-2', question: Q_KS, fieldName: 'Hôn nhân và gia đình', offered: 2, picked: 0, pickRate: 0 },
      ]);
    });

    it('gives queue waits and handling times (median and P90), live and left-for-later apart, and the resolutions', async () => {
      const data = await report('from=2025-06-10&to=2025-06-10');
      const [live, offline, all] = data.queue;
      expect(live).to.deep.include({ mode: 'live', tickets: 7, assigned: 5, closed: 5 });
      expect(live.waitMedian).to.be.closeTo(6, 1e-6);
      expect(live.waitP90).to.be.closeTo(9.2, 1e-6);
      expect(live.handlingMedian).to.be.closeTo(30, 1e-6);
      expect(live.handlingP90).to.be.closeTo(46, 1e-6);
      expect(offline).to.deep.include({ mode: 'offline', tickets: 1, assigned: 1, closed: 0, handlingMedian: null });
      expect(offline.waitMedian).to.be.closeTo(600, 1e-6);
      expect(all).to.deep.include({ mode: 'all', tickets: 8, assigned: 6 });
      expect(all.waitMedian).to.be.closeTo(7, 1e-6);
      expect(all.waitP90).to.be.closeTo(305, 1e-6);
      expect(data.resolutions).to.deep.equal([
        { outcome: 'answered', count: 3 },
        { outcome: 'assigned', count: 1 },
        { outcome: 'cancelled', count: 1 },
        { outcome: 'not_legal', count: 1 },
        { outcome: 'queued', count: 1 },
        { outcome: 'referred', count: 1 },
      ]);
      // Questions left for a consultant are situations to write too; wordings group there as well.
      const divorce = data.toWrite.clusters[0];
      expect(divorce).to.deep.include({ representative: 'Ly hôn đơn phương cần giấy tờ gì?', count: 3, consultantRequested: 3 });
    });

    it('counts questions per field from the situation answered, and unknown when escalated or never picked', async () => {
      const { fields } = await report(recent);
      expect(fields.map((f: { slug: string | null; count: number }) => [f.slug, f.count])).to.deep.equal([
        [null, 4],
        ['hon-nhan-gia-dinh', 2],
        ['dat-dai', 1],
      ]);
    });

    it('refuses a range backwards, too long, or with an impossible date', async () => {
      for (const query of ['from=2025-06-21&to=2025-06-20', 'from=2020-01-01&to=2025-01-01', 'from=2025-02-30', 'to=yesterday']) {
        const res = await get(`/admin/analytics.json?${query}`, admin.cookie);
        expect(res.status, query).to.equal(400);
        expect((await res.json()).error.code).to.equal('invalid_range');
      }
    });
  });

  describe('the page and the CSV files', () => {
    it('renders the dashboard in Vietnamese with accessible SVG charts, tables and escaped citizen text', async () => {
      const res = await get('/admin/analytics?from=2025-06-15&to=2025-06-20', admin.cookie, 'text/html');
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.match(/^text\/html/);
      expect(res.headers.get('cache-control')).to.equal('no-store');
      expect(res.headers.get('content-security-policy')).to.contain("default-src 'none'");
      const html = await res.text();
      expect(html).to.contain('<html lang="vi">').and.contain('Thống kê hỏi đáp').and.contain('href="/admin"');
      expect(html).to.match(/<svg class="chart" id="chart-questions"[^>]*role="img" aria-labelledby="chart-questions-title chart-questions-desc"/);
      expect(html).to.contain('<title id="chart-questions-title">Số câu hỏi theo ngày</title>');
      expect(html).to.contain('<caption>Câu hỏi cần bổ sung tình huống');
      expect(html).to.contain('value="2025-06-15"');
      expect(links(html)).to.include('/admin/analytics/to-write.csv?from=2025-06-15&to=2025-06-20');
      expect(html).to.not.contain('<script').and.not.contain('<img src=x');
      expect(html).to.contain('&lt;script&gt;alert(2)&lt;/script&gt;');
    });

    it('exports a table as CSV: UTF-8 with BOM, RFC 4180 quoting, CRLF, and a download name', async () => {
      const res = await get('/admin/analytics/to-write.csv?from=2025-06-15&to=2025-06-15', admin.cookie, 'text/csv');
      expect(res.status).to.equal(200);
      expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).to.equal('attachment; filename="hoi-luat-to-write-2025-06-15-2025-06-15.csv"');
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
      const lines = bytes.subarray(3).toString('utf8').split('\r\n');
      expect(lines[0]).to.equal(
        'Câu hỏi tiêu biểu,Số lần,Trợ lý chuyển chuyên viên,Người dân yêu cầu chuyên viên,Đánh giá không hữu ích,Số cách hỏi,Cách hỏi khác,Lần gần nhất',
      );
      expect(lines).to.have.length(5); // header, three clusters, and the empty string after the last CRLF
      expect(lines[4]).to.equal('');
      expect(lines[3]).to.equal(`"Tranh chấp ""lối đi chung"", hàng xóm rào lại ${HOSTILE.replace(/"/g, '""')}",1,1,0,0,1,,2025-06-15 12:00`);
      expect(lines[1]).to.match(/^[^,]+,120,120,0,0,2,[^,]+,2025-06-15 \d\d:\d\d$/);
    });

    it('exports every table by name, with numbers in plain notation', async () => {
      const q = await csv('/admin/analytics/questions.csv?from=2025-06-20&to=2025-06-21');
      expect(q).to.equal('\uFEFFNgày,Số câu hỏi\r\n2025-06-20,2\r\n2025-06-21,1\r\n');
      const queue = await csv('/admin/analytics/queue.csv?from=2025-06-10&to=2025-06-10');
      expect(queue.split('\r\n')[1]).to.equal('Trực tuyến,7,5,6.0,9.2,5,30.0,46.0');
      const helpful = await csv(`/admin/analytics/helpful.csv?${recent}`);
      expect(helpful).to.contain(`HN-CON,${Q_HN},Hôn nhân và gia đình,2,2,1,1,50.0\r\n`);
      for (const name of ['outcomes', 'clarify-sets', 'clarify-options', 'resolutions', 'fields']) {
        expect((await csv(`/admin/analytics/${name}.csv?${recent}`)).startsWith('\uFEFF'), name).to.equal(true);
      }
      const missing = await get('/admin/analytics/passwords.csv', admin.cookie);
      expect(missing.status).to.equal(404);
    });
  });

  describe('the audit log viewer', () => {
    before(async () => {
      await db.dataSource.query('TRUNCATE audit_log');
      const entries = [
        { actorEmail: 'lan@stp.gov.vn', action: 'situation.update', entityType: 'situation', entityId: 'HN-CON', before: { answer: 'cũ', version: 1 }, after: { answer: HOSTILE, version: 2 } },
        { actorEmail: 'lan@stp.gov.vn', action: 'situation.publish', entityType: 'situation', entityId: 'KS-1' },
        { actorEmail: 'minh@stp.gov.vn', action: 'document.repeal', entityType: 'document', entityId: '52/2014/QH13', before: { status: 'in_force' }, after: { status: 'repealed' } },
      ];
      for (const e of entries) await recordAudit(db.dataSource, { actorId: null, ...e });
      // Older entries, for dates and pages.
      await db.dataSource.query(
        `INSERT INTO audit_log (actor_email, action, entity_type, entity_id, after, created_at)
         SELECT 'minh@stp.gov.vn', 'field.update', 'field', 'f-' || g, jsonb_build_object('n', g), timestamptz '2025-05-01 16:59:00Z' + make_interval(mins => g::int)
           FROM generate_series(1, 120) g`,
      );
    });

    const audit = async (query: string) => {
      const res = await get(`/admin/audit.json?${query}`, admin.cookie);
      expect(res.status, query).to.equal(200);
      return res.json();
    };

    it('filters by actor email (any case), action, entity type and id', async () => {
      const byActor = await audit('actor=LAN@stp.gov.vn');
      expect(byActor.entries.map((e: { entityId: string }) => e.entityId)).to.deep.equal(['KS-1', 'HN-CON']);
      const byAction = await audit('action=document.repeal');
      expect(byAction.entries).to.have.length(1);
      expect(byAction.entries[0]).to.deep.include({ actorEmail: 'minh@stp.gov.vn', entityType: 'document', before: { status: 'in_force' }, after: { status: 'repealed' } });
      const byEntity = await audit('entity_type=situation&entity_id=HN-CON');
      expect(byEntity.entries.map((e: { action: string }) => e.action)).to.deep.equal(['situation.update']);
    });

    it('filters by Vietnam dates and pages through the log, newest first', async () => {
      // 16:59Z + g minutes: g = 1 is 00:00 on 2 May in Vietnam; nothing falls on 1 May.
      expect((await audit('from=2025-05-01&to=2025-05-01')).entries).to.have.length(0);
      const first = await audit('action=field.update&from=2025-05-02&to=2025-05-02');
      expect(first).to.deep.include({ page: 1, hasNext: true });
      expect(first.entries).to.have.length(50);
      expect(first.entries[0].entityId).to.equal('f-120');
      const last = await audit('action=field.update&from=2025-05-02&to=2025-05-02&page=3');
      expect(last).to.deep.include({ page: 3, hasNext: false });
      expect(last.entries.map((e: { entityId: string }) => e.entityId).at(-1)).to.equal('f-1');
      expect(last.entries).to.have.length(20);
      const bad = await get('/admin/audit.json?page=0', admin.cookie);
      expect(bad.status).to.equal(400);
    });

    it('shows before and after as escaped, pretty JSON, the changed fields, and paging links that keep the filters', async () => {
      const res = await get('/admin/audit?entity_type=situation', admin.cookie, 'text/html');
      expect(res.status).to.equal(200);
      const html = await res.text();
      expect(html).to.contain('Nhật ký thao tác').and.contain('lan@stp.gov.vn');
      expect(html).to.contain('Thay đổi: answer, version');
      expect(html).to.contain('&quot;answer&quot;: &quot;&lt;img src&#x3D;x onerror&#x3D;\\&quot;alert(1)\\&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;&quot;');
      expect(html).to.not.contain('<script').and.not.contain('<img src=x');
      expect(html).to.contain('<option value="situation" selected>');

      const paged = await (await get('/admin/audit?action=field.update', admin.cookie, 'text/html')).text();
      expect(links(paged)).to.include('/admin/audit?action=field.update&page=2');
      const second = await (await get('/admin/audit?action=field.update&page=2', admin.cookie, 'text/html')).text();
      expect(links(second)).to.include('/admin/audit?action=field.update');
      expect(second).to.contain('rel="prev"');
    });
  });
});
