import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createApp, type App } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { Database } from '../../server/db/database.js';
import { createLogger } from '../../server/logger.js';
import { seedChatKnowledge } from '../support/chat-fixtures.js';
import { engineName, testDatabase } from '../support/database.js';
import { chatClient, request, waitFor } from '../support/socket.js';
import { consoleClient, signedInStaff } from '../support/staff.js';

/** What a citizen and a consultant write, each part easy to find in a log. */
const SECRETS = {
  question: 'hàng xóm Phạm Thị Xuyến xây nhà lấn đất nhà tôi ở số 17 ngõ Hòe Nhai',
  comment: 'cháu Quỳnh Anh nhà tôi mới 2 tuổi',
  name: 'Đoàn Văn Khiêm',
  phone: '0987 654 321',
  email: 'khiem.doan.private@example.vn',
  reply: 'Chào anh Khiêm, anh mang sổ đỏ số AB 123456 lên UBND phường Hàng Bông',
  note: 'Anh Khiêm hỏi lần thứ ba về mảnh đất 17 Hòe Nhai',
  oversize: 'nội dung quá dài của ông Khiêm',
};

/** Distinctive fragments: any of them in the log output is a leak. */
const FRAGMENTS = ['Xuyến', 'Hòe Nhai', 'Quỳnh Anh', 'Khiêm', '0987 654 321', '0987654321', 'khiem.doan', 'AB 123456', 'Hàng Bông'];

describe(`logs never contain message text or contact details (${engineName})`, function () {
  this.timeout(60_000);
  let db: Database;
  let app: App;
  let baseUrl: string;
  const lines: string[] = [];

  before(async () => {
    db = await testDatabase();
    await seedChatKnowledge(db);
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    });
    // Everything the service would log, down to trace.
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'trace', OFFICE_HOURS: '0-6 00:00-24:00' });
    app = await createApp({ config, db, logger: createLogger('trace', sink) });
    await new Promise<void>((resolve) => app.http.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(app.http.address() as AddressInfo).port}`;
  });
  after(async () => app?.close());

  it('while a citizen chats, rates, escalates with contact details, gets a reply and erases it all, and when a query fails', async () => {
    const citizen = await chatClient(baseUrl);
    await request(citizen, 'conversation:start');
    const answered = await request(citizen, 'message:send', { clientId: 'log-1', text: 'Ly hôn thì con dưới 36 tháng tuổi ở với ai?' });
    await request(citizen, 'answer:rate', { messageId: answered.data.replies[0].id, helpful: false, comment: SECRETS.comment });
    await request(citizen, 'message:send', { clientId: 'log-2', text: SECRETS.question });
    await request(citizen, 'message:send', { clientId: 'log-3', text: `${SECRETS.oversize} ${'x'.repeat(1200)}` }); // refused: too long
    const asked = await request(citizen, 'consultant:request', { name: SECRETS.name, phone: SECRETS.phone, email: SECRETS.email, consent: true });
    expect(asked.error).to.equal(undefined);
    await request(citizen, 'consultant:request', { name: SECRETS.name, phone: 'not a phone Khiêm', email: 'Khiêm@@', consent: true }); // refused: invalid
    const staff = await signedInStaff(app, { name: 'Chuyên viên Log' });
    const consultant = await consoleClient(baseUrl, staff.cookie);
    const [{ id }] = await db.dataSource.query(`SELECT id FROM escalations WHERE ticket_code = $1`, [asked.data.ticket]);
    await request(consultant, 'escalation:claim', { id });
    await request(consultant, 'message:send', { escalationId: id, text: SECRETS.reply });
    await request(consultant, 'note:add', { escalationId: id, text: SECRETS.note });
    await fetch(`${baseUrl}/tra-cuu?ma=${asked.data.ticket}`);
    await fetch(`${baseUrl}/api/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: SECRETS.question }) });
    await fetch(`${baseUrl}/api/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"question": "${SECRETS.name}` });
    expect((await request(citizen, 'conversation:delete')).data).to.deep.equal({ deleted: true });
    await waitFor(() => lines.some((l) => l.includes('conversation erased')));

    // A driver error carries the statement's parameters (and PostgreSQL's detail repeats the row):
    // logged the way the service logs errors, none of it may show.
    const failed = await db.dataSource
      .query(`INSERT INTO escalations (conversation_id, ticket_code, question, contact_email) VALUES (gen_random_uuid(), 'BADCODE!', $1, $2)`, [SECRETS.question, SECRETS.email])
      .catch((error: unknown) => error);
    expect(failed).to.be.instanceOf(Error);
    createLogger('trace', { write: (line: string) => void lines.push(line) }).error({ err: failed, event: 'test' }, 'socket command failed');
    // And a careless log call with a whole message or escalation object.
    createLogger('trace', { write: (line: string) => void lines.push(line) }).info({ message: { body: SECRETS.reply }, escalation: { contactPhone: SECRETS.phone, question: SECRETS.question }, text: SECRETS.note }, 'careless');
    citizen.disconnect();
    consultant.disconnect();

    const output = lines.join('');
    expect(lines.length, 'the service did log (requests, socket commands, the erasure)').to.be.greaterThan(10);
    expect(output).to.contain('conversation erased').and.contain('[redacted]');
    const leaks = FRAGMENTS.filter((fragment) => output.includes(fragment));
    expect(leaks, leaks.map((l) => lines.find((line) => line.includes(l))).join('\n')).to.deep.equal([]);
  });
});
