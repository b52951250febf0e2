import { expect } from 'chai';
import type { Socket } from 'socket.io-client';
import { loadConfig } from '../../server/config.js';
import type { Database } from '../../server/db/database.js';
import { createLogger } from '../../server/logger.js';
import { createStaffModule } from '../../server/staff/index.js';
import { seedChatKnowledge } from '../support/chat-fixtures.js';
import { testDatabase } from '../support/database.js';
import { waitFor } from '../support/socket.js';
import { presenceRecorded } from '../support/staff.js';
import { addressesByInstance, connected, getJson, nginxBinary, startInstance, startNginx, type Instance, type Nginx } from '../support/cluster.helpers.test.js';
import { io as connect } from 'socket.io-client';

const DATABASE_URL = process.env.DATABASE_URL;
const NGINX = DATABASE_URL ? nginxBinary() : null;
const reason = !DATABASE_URL ? ' (skipped: needs PostgreSQL, set DATABASE_URL)' : !NGINX ? ' (skipped: nginx is not installed; .ci/nginx.sh installs it)' : '';

/** The production proxy rules (deploy/nginx/hoi-luat.proxy.conf) in front of two real instances. */
describe(`nginx in front of two instances${reason}`, function () {
  this.timeout(120_000);
  let db: Database;
  let a: Instance;
  let b: Instance;
  let nginx: Nginx;
  let addresses: Map<string, string>;
  let cookie = '';
  let consultantId = '';
  const sockets: Socket[] = [];

  before(async function () {
    if (reason) return this.skip();
    db = await testDatabase();
    await seedChatKnowledge(db);
    const staff = createStaffModule({ dataSource: db.dataSource, config: loadConfig({ NODE_ENV: 'test' }), logger: createLogger('silent') });
    const { account } = await staff.service.createAccount({ email: `nginx-${Date.now()}@stp.example.gov.vn`, role: 'consultant', displayName: 'Phạm Thu', password: 'mật-khẩu-thử-nghiệm-dài' });
    consultantId = account.id;
    cookie = `hl_session=${(await staff.service.startSession(account.id, 'nginx-test')).token}`;
    [a, b] = await Promise.all([startInstance('ngx-a', DATABASE_URL!), startInstance('ngx-b', DATABASE_URL!)]);
    nginx = await startNginx(NGINX!, a.port, b.port);
    addresses = await addressesByInstance(nginx.url, ['ngx-a', 'ngx-b']);
  });

  after(async () => {
    for (const s of sockets) s.close();
    for (const instance of [a, b]) if (instance && instance.child.exitCode === null) instance.child.kill('SIGTERM');
    await Promise.all([a?.exited, b?.exited]);
    await nginx?.stop();
  });

  const open = (namespace: string, localAddress: string, transports: string[], headers: Record<string, string> = {}) => {
    const socket = connect(`${nginx.url}${namespace}`, { transports, forceNew: true, reconnection: false, localAddress, extraHeaders: headers } as never);
    sockets.push(socket);
    return socket;
  };

  it('keeps one address on one instance, sets X-Request-Id, and hides /metrics', async () => {
    for (const [name, address] of addresses) {
      for (let i = 0; i < 5; i++) expect(String((await getJson(`${nginx.url}/healthz`, address)).instance)).to.match(new RegExp(`^${name}-`));
    }
    const res = await fetch(`${nginx.url}/api/v1/fields`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('x-request-id')).to.match(/^[0-9a-f]{32}$/);
    expect((await fetch(`${nginx.url}/metrics`)).status).to.equal(404);
    expect((await fetch(`${a.url}/metrics`)).status).to.equal(200);
  });

  it('when the citizen (long polling, then WebSocket) is on one instance and the consultant on the other, live messages cross both ways', async () => {
    // Long polling needs every request of the session on the same instance: the upstream hash does it.
    const citizen = open('/chat', addresses.get('ngx-a')!, ['polling', 'websocket']);
    const consultant = open('/console', addresses.get('ngx-b')!, ['websocket'], { Cookie: cookie });
    await Promise.all([connected(citizen), connected(consultant)]);
    // Once B has recorded the consultant, A counts them as online, announcement heard or not.
    await waitFor(() => presenceRecorded(db, consultantId), 5000);
    const toCitizen: { sender: string; text: string }[] = [];
    const toConsultant: { sender: string; text: string }[] = [];
    citizen.on('message:created', (m) => toCitizen.push(m));
    consultant.on('message:created', ({ message }) => toConsultant.push(message));

    const started = await citizen.timeout(5000).emitWithAck('conversation:start', {});
    await citizen.timeout(5000).emitWithAck('message:send', { clientId: 'ngx-1', text: 'hàng xóm xây nhà lấn sang đất nhà tôi' });
    const asked = await citizen.timeout(5000).emitWithAck('consultant:request', {});
    expect(asked.data.offline, 'the consultant on B counts as online for A').to.equal(false);
    const [row] = await db.dataSource.query(`SELECT id FROM escalations WHERE conversation_id = $1`, [started.data.conversationId]);
    expect((await consultant.timeout(5000).emitWithAck('escalation:claim', { id: row.id })).error).to.equal(undefined);
    await consultant.timeout(5000).emitWithAck('message:send', { escalationId: row.id, text: 'Chào anh, tôi là chuyên viên.' });
    await citizen.timeout(5000).emitWithAck('message:send', { clientId: 'ngx-2', text: 'Dạ cảm ơn chị' });
    await waitFor(() => toCitizen.some((m) => m.sender === 'consultant') && toConsultant.some((m) => m.text === 'Dạ cảm ơn chị'), 5000);
    expect(toCitizen.filter((m) => m.sender === 'consultant').map((m) => m.text)).to.deep.equal(['Chào anh, tôi là chuyên viên.']);
  });
});
