import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import type { Database } from '../../server/db/database.js';
import { seedChatKnowledge } from '../support/chat-fixtures.js';
import { testDatabase } from '../support/database.js';
import { startInstance, type Instance } from '../support/cluster.helpers.test.js';
import { chatClient, request } from '../support/socket.js';

const DATABASE_URL = process.env.DATABASE_URL;
const LIMIT = 6;

/**
 * Limits that must hold for the whole service, not per process: two real server processes on one
 * PostgreSQL, each with its own in-memory counters.
 */
describe(`limits across two server processes on one PostgreSQL${DATABASE_URL ? '' : ' (skipped: needs PostgreSQL, set DATABASE_URL)'}`, function () {
  this.timeout(120_000);
  let db: Database;
  let a: Instance;
  let b: Instance;
  const sockets: Socket[] = [];

  before(async function () {
    if (!DATABASE_URL) return this.skip();
    db = await testDatabase();
    await seedChatKnowledge(db);
    const env = { CHAT_MESSAGES_PER_MINUTE: String(LIMIT) };
    [a, b] = await Promise.all([startInstance('limit-a', DATABASE_URL, env), startInstance('limit-b', DATABASE_URL, env)]);
  });

  after(async () => {
    for (const s of sockets) s.disconnect();
    for (const instance of [a, b]) if (instance && instance.child.exitCode === null) instance.child.kill('SIGTERM');
    await Promise.all([a?.exited, b?.exited]);
  });

  it(`when one conversation sends ${LIMIT * 2} questions at once through both instances, then exactly ${LIMIT} are stored and the rest are refused`, async () => {
    const onA = await chatClient(a.url);
    const onB = await chatClient(b.url);
    sockets.push(onA, onB);
    const started = await request(onA, 'conversation:start');
    expect((await request(onB, 'conversation:resume', { token: started.data.token, lastSeenId: 0 })).error).to.equal(undefined);
    // Half on each: neither process's own counter refuses anything; only the database can.
    const results = await Promise.all(
      Array.from({ length: LIMIT * 2 }, (_, i) => request(i % 2 ? onB : onA, 'message:send', { clientId: `race-${i}`, text: 'chào bạn' })),
    );
    const refused = results.filter((r) => r.error);
    expect(refused.map((r) => r.error!.code)).to.deep.equal(Array(LIMIT).fill('rate_limited'));
    for (const r of refused) expect(r.error!.message).to.match(/^Bạn gửi quá nhanh\. Vui lòng chờ khoảng \d+ giây rồi gửi tiếp\.$/);
    const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND sender = 'citizen'`, [
      started.data.conversationId,
    ]);
    expect(n).to.equal(LIMIT);
  });
});
