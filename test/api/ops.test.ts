import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createApp, type App } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { Database } from '../../server/db/database.js';
import { createLogger } from '../../server/logger.js';
import { seedChatKnowledge } from '../support/chat-fixtures.js';
import { engineName, testDatabase } from '../support/database.js';
import { chatClient, request } from '../support/socket.js';

/** What operators look at: readiness, Prometheus metrics, request ids and JSON logs. */
describe(`operations: readiness, metrics and logs (${engineName})`, function () {
  this.timeout(60_000);
  let db: Database;
  let app: App;
  let baseUrl: string;
  const lines: Record<string, unknown>[] = [];

  before(async () => {
    db = await testDatabase();
    await seedChatKnowledge(db);
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'debug', INSTANCE_NAME: 'ops-test', OFFICE_HOURS: '0-6 00:00-24:00' });
    const logger = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line)) });
    app = await createApp({ config, db, logger });
    await new Promise<void>((resolve) => app.http.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(app.http.address() as AddressInfo).port}`;
  });

  after(async () => {
    await app.close();
  });

  it('/readyz names the instance, counts the indexed situations and checks database, migrations and matcher', async () => {
    const res = await fetch(`${baseUrl}/readyz`);
    const body = await res.json();
    expect(res.status).to.equal(200);
    expect(body.status).to.equal('ready');
    expect(body.checks).to.include({ database: 'ok', migrations: 'ok', matcher: 'ok', cluster: 'ok', shutdown: 'ok' });
    expect(body.situations).to.equal(4);
    expect(body.instance).to.match(/^ops-test-\d+-[0-9a-f]{4}$/);
    // This app's configuration has no DATABASE_URL: it runs alone (test/api/cluster.test.ts runs two).
    expect(body.cluster).to.equal('single');
  });

  it('/readyz answers 503 naming the matcher when the index is empty but situations are published', async () => {
    const rebuild = app.matching.rebuild;
    // Empty the index as a failed build would leave it.
    const codes = ['HN-CON', 'HN-TAISAN', 'KS-1', 'KS-2'];
    await db.dataSource.query(`UPDATE situations SET status = 'draft' WHERE code = ANY($1)`, [codes]);
    await app.matching.refresh(codes);
    await db.dataSource.query(`UPDATE situations SET status = 'published' WHERE code = ANY($1)`, [codes]);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      const body = await res.json();
      expect(res.status).to.equal(503);
      expect(body.checks.matcher).to.match(/index empty while 4 situations are published/);
    } finally {
      await rebuild();
    }
    expect((await fetch(`${baseUrl}/readyz`)).status).to.equal(200);
  });

  it('keeps the X-Request-Id it is given, makes one otherwise, and logs each request with it as JSON', async () => {
    const given = await fetch(`${baseUrl}/api/v1/fields`, { headers: { 'X-Request-Id': 'req-from-nginx-42' } });
    expect(given.headers.get('x-request-id')).to.equal('req-from-nginx-42');
    const made = await fetch(`${baseUrl}/api/v1/fields`, { headers: { 'X-Request-Id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    const logged = lines.find((l) => l.requestId === 'req-from-nginx-42');
    expect(logged).to.include({ msg: 'request', method: 'GET', path: '/api/v1/fields', status: 200, service: 'hoi-luat' });
    expect(logged!.instance).to.match(/^ops-test-/);
  });

  it('logs socket commands and queue changes with the conversation id', async () => {
    const citizen = await chatClient(baseUrl);
    try {
      const started = await request(citizen, 'conversation:start');
      await request(citizen, 'message:send', { clientId: 'ops-1', text: 'hàng xóm xây nhà lấn sang đất nhà tôi thì làm thế nào' });
      await request(citizen, 'consultant:request', {});
      const conversationId = started.data.conversationId;
      const commands = lines.filter((l) => l.msg === 'socket command' && l.conversationId === conversationId).map((l) => l.command);
      expect(commands).to.include.members(['message:send', 'consultant:request']);
      expect(lines.some((l) => l.msg === 'escalation changed' && l.conversationId === conversationId && l.change === 'queued')).to.equal(true);
      // The citizen's words never reach the log.
      expect(JSON.stringify(lines)).to.not.contain('lấn sang đất');
    } finally {
      citizen.disconnect();
    }
  });

  it('/metrics exposes questions by decision, match latency, connections, the queue, the pool and process metrics', async () => {
    const citizen = await chatClient(baseUrl);
    try {
      await request(citizen, 'conversation:start');
      await request(citizen, 'message:send', { clientId: 'm-1', text: 'Ly hôn thì con dưới 36 tháng tuổi ở với ai?' });
      const text = await (await fetch(`${baseUrl}/metrics`)).text();
      expect(text).to.match(/^hoiluat_questions_total\{decision="answer"\} [1-9]/m);
      expect(text).to.match(/^hoiluat_match_duration_seconds_count [1-9]/m);
      expect(text).to.match(/^hoiluat_connected_citizens 1$/m);
      expect(text).to.match(/^hoiluat_connected_consultants 0$/m);
      expect(text).to.match(/^hoiluat_queue_length [0-9]+$/m);
      expect(text).to.match(/^hoiluat_queue_oldest_wait_seconds [0-9.e+-]+$/m);
      expect(text).to.match(/^hoiluat_socket_command_duration_seconds_count\{namespace="\/chat",command="message:send",outcome="ok"\} [1-9]/m);
      expect(text).to.match(/^hoiluat_matcher_situations 4$/m);
      expect(text).to.contain('process_resident_memory_bytes');
      expect(text).to.contain('nodejs_eventloop_lag_seconds');
      if (db.kind === 'postgres') expect(text).to.match(/^hoiluat_db_pool_connections\{state="idle"\} [0-9]+$/m);
    } finally {
      citizen.disconnect();
    }
  });
});
