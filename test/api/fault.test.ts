import { expect } from 'chai';
import { loadConfig } from '../../server/config.js';
import type { Database } from '../../server/db/database.js';
import { createLogger } from '../../server/logger.js';
import { createStaffModule } from '../../server/staff/index.js';
import { seedChatKnowledge } from '../support/chat-fixtures.js';
import { testDatabase } from '../support/database.js';
import { Citizen, type Shown } from '../support/citizen.js';
import {
  addressesByInstance,
  clientFrom,
  connected,
  getJson,
  nginxBinary,
  startInstance,
  startNginx,
  type Instance,
  type Nginx,
} from '../support/cluster.helpers.test.js';

const DATABASE_URL = process.env.DATABASE_URL;
/** The same question always carries the same clientId (what makes a resend harmless). */
const clientIdOf = (text: string) => `f-${Buffer.from(text).toString('hex').slice(0, 60)}`;

async function until(predicate: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Faults, tested with the real server in child processes on PostgreSQL, behind nginx
 * (deploy/nginx/hoi-luat.test.conf) when it is installed, else with clients that reconnect directly.
 */
describe(`faults: an instance killed or stopped mid-conversation${DATABASE_URL ? '' : ' (skipped: needs PostgreSQL, set DATABASE_URL)'}`, function () {
  this.timeout(180_000);
  let db: Database;
  let a: Instance;
  let b: Instance;
  let nginx: Nginx | null = null;
  let citizenAddress = '127.0.0.1';
  let consultantAddress = '127.0.0.1';
  let consultantCookie = '';
  const closers: (() => void)[] = [];

  before(async function () {
    if (!DATABASE_URL) return this.skip();
    db = await testDatabase();
    await seedChatKnowledge(db);
    const staff = createStaffModule({ dataSource: db.dataSource, config: loadConfig({ NODE_ENV: 'test' }), logger: createLogger('silent') });
    const { account } = await staff.service.createAccount({
      email: `fault-${Date.now()}@stp.example.gov.vn`,
      role: 'consultant',
      displayName: 'Lê Văn Chuyên',
      password: 'mật-khẩu-thử-nghiệm-dài',
      capacity: 20,
    });
    consultantCookie = `hl_session=${(await staff.service.startSession(account.id, 'fault-test')).token}`;
    [a, b] = await Promise.all([startInstance('fault-a', DATABASE_URL), startInstance('fault-b', DATABASE_URL)]);
    const binary = nginxBinary();
    if (binary) {
      nginx = await startNginx(binary, a.port, b.port);
      const addresses = await addressesByInstance(nginx.url, ['fault-a', 'fault-b']);
      citizenAddress = addresses.get('fault-a')!;
      consultantAddress = addresses.get('fault-b')!;
    } else {
      console.log('      (without nginx: clients reconnect directly to the other instance)');
    }
  });

  afterEach(() => {
    while (closers.length) closers.pop()!();
  });

  after(async () => {
    for (const instance of [a, b]) if (instance && instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill('SIGKILL');
    await nginx?.stop();
  });

  const citizenUrls = () => (nginx ? [nginx.url] : [a.url, b.url]);

  /** A consultant on instance B who has claimed the citizen's escalation. */
  async function conversationWithConsultant(citizen: Citizen) {
    const consultant = clientFrom(nginx ? nginx.url : b.url, '/console', consultantAddress, { cookie: consultantCookie, reconnection: false });
    closers.push(() => consultant.close());
    await connected(consultant);
    const fromCitizen: string[] = [];
    consultant.on('message:created', ({ message }: { message: Shown }) => {
      if (message.sender === 'citizen') fromCitizen.push(message.text);
    });
    await citizen.open();
    closers.push(() => citizen.close());
    const asked = await citizen.socket.timeout(5000).emitWithAck('consultant:request', {});
    expect(asked.error, JSON.stringify(asked.error)).to.equal(undefined);
    const [row] = await db.dataSource.query(`SELECT id FROM escalations WHERE ticket_code = $1`, [asked.data.ticket]);
    const claimed = await consultant.timeout(5000).emitWithAck('escalation:claim', { id: row.id });
    expect(claimed.error, JSON.stringify(claimed.error)).to.equal(undefined);
    const opened = await consultant.timeout(5000).emitWithAck('escalation:open', { id: row.id });
    expect(opened.error).to.equal(undefined);
    return { consultant, escalationId: row.id as string, fromCitizen };
  }

  async function storedTexts(escalationId: string, sender: string): Promise<string[]> {
    const rows: { body: string }[] = await db.dataSource.query(
      `SELECT m.body FROM messages m JOIN escalations e ON e.conversation_id = m.conversation_id WHERE e.id = $1 AND m.sender = $2 ORDER BY m.id`,
      [escalationId, sender],
    );
    return rows.map((r) => r.body);
  }

  it('when the citizen\'s instance is killed (kill -9) mid-conversation, the citizen resumes on the other and no message is lost or doubled', async () => {
    const citizen = new Citizen({ urls: citizenUrls(), localAddress: citizenAddress, viaNginx: Boolean(nginx) });
    const { consultant, escalationId, fromCitizen } = await conversationWithConsultant(citizen);
    const served = nginx ? 'through nginx' : 'directly';

    const N = 30;
    const expectedFromCitizen = Array.from({ length: N }, (_, i) => `câu hỏi ${i + 1}`);
    const expectedFromConsultant = Array.from({ length: N }, (_, i) => `trả lời ${i + 1}`);
    let killedAt = -1;
    const consultantSends = (async () => {
      for (const text of expectedFromConsultant) {
        const res = await consultant.timeout(5000).emitWithAck('message:send', { escalationId, text, clientId: text });
        expect(res.error, JSON.stringify(res.error)).to.equal(undefined);
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    for (let i = 0; i < N; i++) {
      citizen.send(expectedFromCitizen[i]!);
      if (i === 10) {
        a.child.kill('SIGKILL');
        killedAt = i;
      }
      await new Promise((r) => setTimeout(r, 40));
    }
    await consultantSends;
    expect((await a.exited).signal).to.equal('SIGKILL');
    await until(() => citizen.outbox.length === 0, 30_000, `the citizen's outbox to empty (${served})`);
    await until(() => citizen.texts('consultant').length === N && fromCitizen.length >= N, 30_000, 'every message on both sides');
    await new Promise((r) => setTimeout(r, 300));

    expect(killedAt).to.equal(10);
    expect(citizen.disconnectReasons.length, 'the citizen lost the connection').to.be.greaterThan(0);
    expect(citizen.texts('consultant'), 'the citizen sees each reply once').to.deep.equal(expectedFromConsultant);
    expect(citizen.texts('citizen').filter((t) => t.startsWith('câu hỏi')), 'the citizen sees each question once').to.deep.equal(expectedFromCitizen);
    expect([...fromCitizen].sort(), 'the consultant sees each question once').to.deep.equal([...expectedFromCitizen].sort());
    expect((await storedTexts(escalationId, 'citizen')).filter((t) => t.startsWith('câu hỏi')), 'stored once each').to.deep.equal(expectedFromCitizen);
    expect(await storedTexts(escalationId, 'consultant')).to.deep.equal(expectedFromConsultant);
  });

  it('when an instance gets SIGTERM, it stops accepting, tells its clients to reconnect, finishes what is in flight and exits 0', async () => {
    // The killed instance is replaced on the same port (nginx knows that port).
    if (a.child.exitCode !== null || a.child.signalCode !== null) a = await startInstance('fault-a', DATABASE_URL!, {}, a.port);
    // nginx leaves a failed server alone for fail_timeout (10 s): wait until it routes the citizen's address to A again.
    if (nginx) {
      await until(async () => String((await getJson(`${nginx!.url}/healthz`, citizenAddress)).instance).startsWith('fault-a-'), 20_000, 'nginx to use the restarted instance');
    }
    const citizen = new Citizen({ urls: citizenUrls(), localAddress: citizenAddress, viaNginx: Boolean(nginx) });
    const { escalationId, fromCitizen } = await conversationWithConsultant(citizen);

    const N = 12;
    const texts = Array.from({ length: N }, (_, i) => `hỏi khi dừng ${i + 1}`);
    // Twelve questions at once, without waiting for acks (the outbox would send them one by one).
    const acks = Promise.all(
      texts.map((text) =>
        citizen.socket
          .timeout(5000)
          .emitWithAck('message:send', { clientId: clientIdOf(text), text })
          .then((res: { data?: unknown; error?: { code: string } }) => (res.error ? res.error.code : 'ok'))
          .catch(() => 'no_ack'),
      ),
    );
    await new Promise((r) => setTimeout(r, 5));
    a.child.kill('SIGTERM');
    const answered = await acks;
    console.log(`      acks at SIGTERM: ${answered.filter((c) => c === 'ok').length} ok, ${answered.filter((c) => c === 'unavailable').length} unavailable (sent again elsewhere)`);
    const exit = await a.exited;
    expect(exit.code, a.output().slice(-2000)).to.equal(0);
    expect(a.output()).to.contain('sockets drained').and.to.contain('stopped cleanly');
    expect(answered.every((code) => code === 'ok' || code === 'unavailable'), `every command got an answer: ${answered.join(',')}`).to.equal(true);
    expect(citizen.events).to.include('server:draining');
    expect(citizen.disconnectReasons[0], 'closed as a network loss, so the client reconnects').to.equal('transport close');
    expect(await fetch(`${a.url}/healthz`).then(() => 'accepted', () => 'refused')).to.equal('refused');

    // Whatever was refused goes out again once the citizen is on B.
    texts.forEach((text, i) => {
      if (answered[i] !== 'ok') citizen.send(text, clientIdOf(text));
    });
    await until(() => citizen.outbox.length === 0 && citizen.events.filter((e) => e === 'connect').length >= 2, 30_000, 'the citizen to reconnect and resend');
    await until(() => texts.every((t) => fromCitizen.includes(t)), 10_000, 'the consultant to receive every question');
    expect((await storedTexts(escalationId, 'citizen')).filter((t) => t.startsWith('hỏi khi dừng')).sort(), 'stored once each').to.deep.equal([...texts].sort());
    expect(fromCitizen.filter((t) => t.startsWith('hỏi khi dừng')).sort(), 'the consultant sees each once').to.deep.equal([...texts].sort());
  });

  it('when the consultant\'s instance is killed (kill -9), the survivors start the grace period and then return the ticket to the queue', async () => {
    for (const [name, which] of [['fault-a', 'a'], ['fault-b', 'b']] as const) {
      const instance = which === 'a' ? a : b;
      if (instance.child.exitCode !== null || instance.child.signalCode !== null) {
        const restarted = await startInstance(name, DATABASE_URL!, {}, instance.port);
        if (which === 'a') a = restarted;
        else b = restarted;
      }
    }
    if (nginx) {
      for (const [address, name] of [[citizenAddress, 'fault-a-'], [consultantAddress, 'fault-b-']]) {
        await until(async () => String((await getJson(`${nginx!.url}/healthz`, address!)).instance).startsWith(name!), 20_000, 'nginx to use the restarted instances');
      }
    }
    const citizen = new Citizen({ urls: citizenUrls(), localAddress: citizenAddress, viaNginx: Boolean(nginx) });
    const { escalationId } = await conversationWithConsultant(citizen);
    const returned: string[] = [];
    citizen.socket.on('message:created', (m: { payload?: { notice?: string } }) => {
      if (m.payload?.notice) returned.push(m.payload.notice);
    });
    const row = async () => (await db.dataSource.query(`SELECT status, release_at FROM escalations WHERE id = $1`, [escalationId]))[0];
    expect((await row()).release_at).to.equal(null);

    b.child.kill('SIGKILL'); // no disconnect event anywhere: only the missing heartbeat tells
    await until(async () => (await row()).release_at !== null, 30_000, 'A to notice that the consultant is gone');
    expect((await row()).status, 'kept during the grace period').to.equal('assigned');
    // Skip the rest of the grace period; A's next sweep (every 5 s) requeues the ticket.
    await db.dataSource.query(`UPDATE escalations SET release_at = now() - interval '1 second' WHERE id = $1`, [escalationId]);
    await until(async () => (await row()).status === 'queued', 10_000, 'the ticket to return to the queue');
    await until(() => returned.includes('returned'), 5_000, 'the citizen to be told');
  });
});
