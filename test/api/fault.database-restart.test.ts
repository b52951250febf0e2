import { expect } from 'chai';
import pg from 'pg';
import { migrateUp } from '../../server/db/migrator.js';
import { openDatabase } from '../../server/db/database.js';
import { databaseUnavailable } from '../../server/errors.js';
import { MIGRATIONS_DIR } from '../../server/paths.js';
import { isRetryable } from '../../widget/src/retry.js';
import { seedChatKnowledge } from '../support/chat-fixtures.js';
import { Citizen } from '../support/citizen.js';
import { startInstance, type Instance } from '../support/cluster.helpers.test.js';
import { postgresBinDir, startPostgresCluster, type PostgresCluster } from '../support/postgres-cluster.js';

const DATABASE_URL = process.env.DATABASE_URL;
const BIN_DIR = DATABASE_URL ? postgresBinDir() : null;
const SKIP_REASON = !DATABASE_URL
  ? ' (skipped: needs PostgreSQL, set DATABASE_URL)'
  : !BIN_DIR
    ? ' (skipped: initdb and pg_ctl not found; install the postgresql package)'
    : '';

/** How long the database stays down (between the fast stop and the start). */
const OUTAGE_MS = 3000;
/** Pause between two questions of one citizen while the load runs. */
const TYPING_MS = 250;

interface Sample {
  at: number;
  status: number;
  checks?: Record<string, string>;
}

async function until(predicate: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** From the first to the last not-ready answer in the window (plus one polling interval). */
function notReadyMs(samples: Sample[], from: number, to = Infinity): number {
  const down = samples.filter((s) => s.status !== 200 && s.at >= from && s.at < to);
  return down.length ? down[down.length - 1]!.at - down[0]!.at + 100 : 0;
}

/** /readyz of one instance every 100 ms, with the time of each answer. */
function watchReadiness(url: string) {
  const samples: Sample[] = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const at = Date.now();
      const sample = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) }).then(
        async (r) => ({ at, status: r.status, checks: ((await r.json()) as { checks: Record<string, string> }).checks }),
        () => ({ at, status: 0 }),
      );
      samples.push(sample);
      await sleep(100);
    }
  })();
  return {
    samples,
    latest: () => samples[samples.length - 1],
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

/**
 * The database server restarts while citizens keep asking: the instances stay up, answer
 * retryable errors meanwhile, and recover on their own (pools, LISTEN connections, the socket.io
 * adapter). Runs on a private cluster, so the shared PostgreSQL of the other tests is left alone.
 */
describe(`faults: PostgreSQL restarted under load${SKIP_REASON}`, function () {
  this.timeout(120_000);
  let cluster: PostgresCluster | null = null;
  let a: Instance | undefined;
  let b: Instance | undefined;
  const citizens: Citizen[] = [];
  const tabs: Citizen[] = [];

  /** One query on a connection of its own (the test's pool would suffer the restart too). */
  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: cluster!.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  before(async function () {
    if (!DATABASE_URL || !BIN_DIR) return this.skip();
    cluster = await startPostgresCluster(BIN_DIR);
    const db = await openDatabase({ url: cluster.url, poolSize: 2 });
    try {
      await migrateUp(db.dataSource, MIGRATIONS_DIR);
      await seedChatKnowledge(db);
    } finally {
      await db.close();
    }
    [a, b] = await Promise.all([startInstance('pg-restart-a', cluster.url), startInstance('pg-restart-b', cluster.url)]);
  });

  afterEach(function () {
    // What the instances and the database said, to tell why it failed.
    if (this.currentTest?.state !== 'failed') return;
    for (const instance of [a, b]) if (instance) console.log(`--- ${instance.name}, last lines:\n${instance.output().split('\n').slice(-40).join('\n')}`);
    if (cluster) console.log(`--- PostgreSQL log, last lines:\n${cluster.log().split('\n').slice(-20).join('\n')}`);
  });

  after(async () => {
    for (const citizen of [...citizens, ...tabs]) citizen.close();
    for (const instance of [a, b]) {
      if (instance && instance.child.exitCode === null && instance.child.signalCode === null) {
        instance.child.kill('SIGKILL');
        await instance.exited;
      }
    }
    await cluster?.destroy();
  });

  it('when PostgreSQL restarts, /readyz goes false then true, the same processes recover, and every question is stored and shown once with one reply', async () => {
    const instances = [a!, b!];
    const healthId = async (i: Instance) => ((await (await fetch(`${i.url}/healthz`)).json()) as { instance: string }).instance;
    const before = await Promise.all(instances.map(async (i) => ({ pid: i.child.pid, id: await healthId(i) })));

    // Six citizens, three on each instance; each has a second tab on the other instance, which
    // receives the conversation's messages only through the socket.io adapter.
    for (let i = 0; i < 6; i++) {
      const citizen = new Citizen({ urls: [instances[i % 2]!.url] });
      citizens.push(citizen);
      await citizen.open();
      const tab = new Citizen({ urls: [instances[(i + 1) % 2]!.url] });
      tabs.push(tab);
      await tab.openTab(citizen.token);
    }

    const readiness = instances.map((i) => watchReadiness(i.url));
    const sent: string[][] = citizens.map(() => []);
    let typing = true;
    const load = citizens.map(async (citizen, i) => {
      for (let n = 1; typing; n++) {
        const text = `Câu ${n} của công dân ${i + 1}: ly hôn thì con dưới 36 tháng tuổi ở với ai?`;
        sent[i]!.push(text);
        citizen.send(text);
        await sleep(TYPING_MS);
      }
    });
    const readyAgain = (since: number) =>
      until(() => readiness.every((r) => r.latest()?.status === 200 && r.latest()!.at > since), 30_000, '/readyz to answer 200 again');

    await sleep(2000);
    expect(readiness.map((r) => r.latest()?.status), 'ready before the restart').to.deep.equal([200, 200]);
    const acksBefore = citizens.map((c) => c.acks.length);

    // The restart under test: a fast stop, the database away for OUTAGE_MS, then a start.
    const stopAt = Date.now();
    await cluster!.stop();
    const stoppedAt = Date.now();
    await sleep(OUTAGE_MS);
    const startAt = Date.now();
    await cluster!.start();
    const startedAt = Date.now();
    await readyAgain(startedAt);
    const readyAgainAt = Date.now();

    // Three quick restarts more, still under load: what leaked a connection per restart would
    // exhaust its pool by now (the socket.io adapter's LISTEN connection did).
    const quick: { downMs: number[]; readyMs: number }[] = [];
    for (let k = 0; k < 3; k++) {
      await sleep(500);
      const from = Date.now();
      await cluster!.stop();
      await cluster!.start();
      const started = Date.now();
      await readyAgain(started);
      quick.push({ downMs: readiness.map((r) => notReadyMs(r.samples, from)), readyMs: Date.now() - started });
    }
    await sleep(1000);
    typing = false;
    await Promise.all(load);
    await until(() => citizens.every((c) => c.outbox.length === 0), 30_000, 'every outbox to empty');

    // Cross-instance events work again: a question asked now on one instance reaches the other
    // tab live, through the adapter.
    const afterTexts = citizens.map((citizen, i) => {
      const text = `Sau khi khởi động lại, công dân ${i + 1} hỏi: ly hôn thì con dưới 36 tháng tuổi ở với ai?`;
      sent[i]!.push(text);
      citizen.send(text);
      return text;
    });
    await until(() => citizens.every((c) => c.outbox.length === 0), 15_000, 'the questions after the restarts to be acknowledged');
    await until(
      () => tabs.every((tab, i) => [...tab.shown.values()].some((m) => m.text === afterTexts[i] && tab.live.has(m.id))),
      10_000,
      'the other instance to relay the questions asked after the restarts',
    );
    await Promise.all(readiness.map((r) => r.stop()));

    // Same processes, alive, no crash.
    const afterIds = await Promise.all(instances.map(healthId));
    instances.forEach((instance, k) => {
      expect(instance.child.exitCode, instance.output().slice(-3000)).to.equal(null);
      expect(instance.child.signalCode).to.equal(null);
      expect(instance.child.pid).to.equal(before[k]!.pid);
      expect(afterIds[k], 'the same run of the instance answers').to.equal(before[k]!.id);
      expect(instance.output(), 'no uncaught error').to.not.match(/uncaught|unhandled/i);
      expect(instance.output()).to.contain('cross-instance messaging restored');
    });

    // /readyz: not ready (503, the process answering) during the outage, ready again after it.
    const downFor = readiness.map((r) => {
      const during = r.samples.filter((s) => s.status !== 200 && s.at >= stopAt && s.at < readyAgainAt);
      expect(during.length, 'observed not ready').to.be.greaterThan(0);
      expect(during.every((s) => s.status === 503), `answered 503: ${during.map((s) => s.status).join(',')}`).to.equal(true);
      expect(r.latest()!.status).to.equal(200);
      return notReadyMs(r.samples, stopAt, readyAgainAt);
    });

    // Acks: success or the retryable 'unavailable' with its Vietnamese sentence; nothing refused for good.
    const acks = citizens.flatMap((c) => c.acks);
    for (const code of new Set(acks)) expect(code === 'ok' || isRetryable(code), `ack code ${code}`).to.equal(true);
    expect(citizens.flatMap((c) => c.refused)).to.deep.equal([]);
    const unavailable = acks.filter((c) => c === 'unavailable').length;
    expect(unavailable, 'some questions met the outage').to.be.greaterThan(0);
    expect(citizens.find((c) => c.messages.has('unavailable'))!.messages.get('unavailable')).to.equal(databaseUnavailable().message);

    // Stored once each, in order, each with one bot reply; shown so to the citizen, and to the
    // other tab too once it caught up after the resync.
    for (const [i, citizen] of citizens.entries()) {
      const stored = await query<{ id: string; body: string; replies: number }>(
        `SELECT m.id, m.body, (SELECT count(*)::int FROM messages r WHERE r.reply_to = m.id AND r.sender = 'bot') AS replies
           FROM messages m WHERE m.conversation_id = $1 AND m.sender = 'citizen' ORDER BY m.id`,
        [citizen.conversationId],
      );
      expect(stored.map((m) => m.body), `citizen ${i + 1}: stored once each, in order`).to.deep.equal(sent[i]);
      expect(stored.filter((m) => m.replies !== 1), `citizen ${i + 1}: one bot reply each`).to.deep.equal([]);
      expect(citizen.texts('citizen'), `citizen ${i + 1}: shown once each`).to.deep.equal(sent[i]);
      const ids = stored.map((m) => Number(m.id));
      const repliesTo = (c: Citizen) => [...c.shown.values()].filter((m) => m.sender === 'bot').map((m) => Number(m.replyTo)).sort((x, y) => x - y);
      expect(repliesTo(citizen), `citizen ${i + 1}: one reply shown per question`).to.deep.equal(ids);
      await until(() => tabs[i]!.texts('citizen').length === sent[i]!.length && repliesTo(tabs[i]!).length === ids.length, 10_000, `tab ${i + 1} to catch up`);
      expect(tabs[i]!.texts('citizen'), `the other tab of citizen ${i + 1}`).to.deep.equal(sent[i]);
      expect(repliesTo(tabs[i]!)).to.deep.equal(ids);
    }

    const questions = sent.flat().length;
    const outageAcks = citizens.flatMap((c, i) => c.acks.slice(acksBefore[i]));
    const caughtUp = tabs.reduce((n, t) => n + t.caughtUp, 0);
    console.log(
      `      first restart: database down ${stoppedAt - stopAt} ms stopping + ${OUTAGE_MS} ms + ${startedAt - startAt} ms starting; ` +
        `/readyz not ready ${downFor.join(' / ')} ms (A / B), 200 again ${readyAgainAt - startedAt} ms after the start\n` +
        `      quick restarts: /readyz not ready ${quick.map((q) => q.downMs.join(' / ')).join(', ')} ms, 200 again ${quick.map((q) => q.readyMs).join(', ')} ms after the start\n` +
        `      ${questions} questions from 6 citizens, ${acks.length} acks (${outageAcks.length} from the first stop on): ` +
        `${unavailable} unavailable, ${acks.filter((c) => c === 'timeout').length} timeouts, nothing refused; every question stored and shown once with one reply; ` +
        `the other tabs caught up on ${caughtUp} messages whose broadcast was lost`,
    );
  });
});
