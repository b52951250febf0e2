/**
 * Load across instances. Starts the real server twice on one PostgreSQL (child processes), and
 * drives citizens from separate client processes: each asks questions back to back and, every
 * tenth question, asks for a consultant and cancels (the escalation path: queue, notices,
 * positions, broadcast through the PostgreSQL adapter), and starts a new conversation every 20
 * questions (escalating reads the whole conversation, so endless conversations would measure that). Measured twice with the same citizens:
 * against one instance alone, then spread over two (the scaling ratio).
 *
 *   --citizens N       concurrent citizens (default 200)
 *   --seconds S        length of each measured phase (default 30)
 *   --workers W        client processes (default 2)
 *   --escalate-every K every K-th question also asks for a consultant, then cancels (default 10; 0: never)
 *   --soak-minutes M   instead: M minutes of paced load (each citizen asks every 2 s) on two
 *                      instances, printing each instance's RSS every 30 s
 *
 * Needs PostgreSQL: BENCH_DATABASE_URL, or a throw-away database created on
 * postgresql://postgres@127.0.0.1:5432 (and dropped at the end).
 *
 * Run: npm run bench:load [-- --citizens 200 --seconds 30 --workers 2] | [-- --soak-minutes 10]
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../server/paths.js';

const HERE = fileURLToPath(import.meta.url);
const { values } = parseArgs({
  options: {
    citizens: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '30' },
    workers: { type: 'string', default: '2' },
    'soak-minutes': { type: 'string' },
    'escalate-every': { type: 'string', default: '10' },
    role: { type: 'string' },
  },
});

if (values.role === 'client') await runClientWorker();
else await main();

// ---------------------------------------------------------------- orchestration

interface Phase {
  questions: number;
  escalations: number;
  errors: number;
  qps: number;
  p50: number;
  p99: number;
  connected: number;
  rss: Record<string, number>;
  /** CPU used by each instance during the phase, in cores (1.0 = one core busy all along). */
  cpu: Record<string, number>;
  /** The whole machine's busy share during the phase (instances, PostgreSQL, clients), 0..1. */
  machineBusy: number;
}

async function main() {
  const citizens = Number(values.citizens);
  const seconds = Number(values.seconds);
  const workers = Number(values.workers);
  const soakMinutes = values['soak-minutes'] ? Number(values['soak-minutes']) : null;
  console.log(`Load benchmark on ${process.platform}, Node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
  console.log(
    soakMinutes
      ? `Reproduce: npm run bench:load -- --soak-minutes ${soakMinutes} --citizens ${citizens} --workers ${workers}\n`
      : `Reproduce: npm run bench:load -- --citizens ${citizens} --seconds ${seconds} --workers ${workers}\n`,
  );
  const database = prepareDatabase();
  let instances: Instance[] = [];
  const stopAll = async () => {
    for (const instance of instances) instance.child.kill('SIGTERM');
    await Promise.all(instances.map((i) => new Promise((r) => (i.child.exitCode !== null ? r(null) : i.child.once('exit', r)))));
    instances = [];
  };
  try {
    const questions = loadQuestions();
    // The first start migrates and imports the bundled knowledge base; later starts find it there.
    if (soakMinutes) {
      instances = [await startInstance('bench-a', database.url), await startInstance('bench-b', database.url)];
      await soak(instances, { citizens, workers, minutes: soakMinutes, questions });
      return;
    }
    // Fresh processes for each phase, and the second instance stopped while the first runs alone.
    instances = [await startInstance('bench-a', database.url)];
    const one = await runPhase(instances, instances, { citizens, seconds, workers, questions });
    await stopAll();
    instances = [await startInstance('bench-a', database.url), await startInstance('bench-b', database.url)];
    const two = await runPhase(instances, instances, { citizens, seconds, workers, questions });
    console.log(`\n${citizens} citizens asking back to back (every ${values['escalate-every']}th question also asks for a consultant, then cancels), ${seconds} s each`);
    printRow('1 instance ', one);
    printRow('2 instances', two);
    console.log(`\nScaling ratio (2 instances / 1, questions per second): ${(two.qps / one.qps).toFixed(2)}`);
    console.log('(On one 2-core machine the instances, PostgreSQL and the clients share the same cores: see docs/operations.md.)');
  } finally {
    await stopAll();
    database.drop();
  }
}

function printRow(name: string, r: Phase) {
  console.log(
    `  ${name} ${r.qps.toFixed(1).padStart(7)} questions/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(7)} ms  ` +
      `questions ${r.questions}  escalations ${r.escalations}  errors ${r.errors}  connected ${r.connected}  ` +
      `RSS ${Object.entries(r.rss).map(([n, mb]) => `${n} ${mb} MB`).join(', ')}  ` +
      `CPU ${Object.entries(r.cpu).map(([n, c]) => `${n} ${c.toFixed(2)} cores`).join(', ')}, machine ${(r.machineBusy * 100).toFixed(0)}% busy`,
  );
}

function prepareDatabase(): { url: string; drop(): void } {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, drop: () => undefined };
  const name = `hoiluat_bench_${Date.now()}`;
  const pg = ['-h', '127.0.0.1', '-U', 'postgres'];
  execFileSync('createdb', [...pg, name]);
  return {
    url: `postgresql://postgres@127.0.0.1:5432/${name}`,
    drop: () => {
      try {
        execFileSync('dropdb', [...pg, '--if-exists', name]);
      } catch {
        console.error(`could not drop database ${name}`);
      }
    },
  };
}

interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startInstance(name: string, databaseUrl: string): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'server/main.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      INSTANCE_NAME: name,
      LOG_LEVEL: 'warn',
      OFFICE_HOURS: '0-6 00:00-24:00',
      // Every bench client comes from 127.0.0.1: lift the per-IP limits, keep the per-conversation one.
      CHAT_MESSAGES_PER_MINUTE_PER_IP: '1000000',
      CHAT_CONVERSATIONS_PER_HOUR_PER_IP: '10000',
      CHAT_MESSAGES_PER_MINUTE: '1000',
      PUBLIC_REQUESTS_PER_MINUTE_PER_IP: '1000000',
      SOCKET_CONNECTIONS_PER_MINUTE_PER_IP: '1000000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode})`);
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return { name, url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} not ready`);
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz on Linux)
  } catch {
    return 0;
  }
}

/** Busy and total jiffies of the whole machine. */
function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return { busy: total - idle, total };
}

function rssMb(pid: number): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

function loadQuestions(): string[] {
  const questions: string[] = [];
  for (const line of readFileSync(path.join(PROJECT_ROOT, 'test/fixtures/match-dev.jsonl'), 'utf8').split('\n')) if (line.trim()) questions.push(JSON.parse(line).q);
  return questions;
}

interface WorkerResult {
  latencies: number[];
  /** Seconds since the worker started, at which each latency was measured (same order). */
  at: number[];
  questions: number;
  escalations: number;
  errors: number;
  connected: number;
  elapsed: number;
  errorCodes: Record<string, number>;
}

function startWorkers(urls: string[], opts: { citizens: number; workers: number; seconds: number; questions: string[]; paced: boolean }) {
  const per = Math.ceil(opts.citizens / opts.workers);
  return Array.from({ length: opts.workers }, (_, w) => {
    const count = Math.max(0, Math.min(per, opts.citizens - w * per));
    const child = fork(HERE, ['--role', 'client'], { execArgv: ['--import', 'tsx'] });
    const done = new Promise<WorkerResult>((resolve, reject) => {
      child.once('message', (m) => {
        resolve(m as WorkerResult);
        child.kill();
      });
      child.once('error', reject);
    });
    child.send({ urls, clients: count, seconds: opts.seconds, questions: opts.questions, seed: w, paced: opts.paced, escalateEvery: Number(values['escalate-every']) });
    return done;
  });
}

interface Usage {
  at: number;
  cpu: number[];
  machine: { busy: number; total: number };
}

function usage(instances: Instance[]): Usage {
  return { at: performance.now(), cpu: instances.map((i) => cpuSeconds(i.child.pid!)), machine: machineTicks() };
}

function summarise(results: WorkerResult[], instances: Instance[], before: Usage): Phase {
  const after = usage(instances);
  const seconds = (after.at - before.at) / 1000;
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const elapsed = Math.max(...results.map((r) => r.elapsed)) / 1000;
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const codes: Record<string, number> = {};
  for (const r of results) for (const [code, n] of Object.entries(r.errorCodes)) codes[code] = (codes[code] ?? 0) + n;
  if (Object.keys(codes).length) console.log(`  error codes: ${JSON.stringify(codes)}`);
  return {
    questions: results.reduce((s, r) => s + r.questions, 0),
    escalations: results.reduce((s, r) => s + r.escalations, 0),
    errors: results.reduce((s, r) => s + r.errors, 0),
    qps: latencies.length / Math.max(elapsed, 0.001),
    p50: pick(0.5),
    p99: pick(0.99),
    connected: results.reduce((s, r) => s + r.connected, 0),
    rss: Object.fromEntries(instances.map((i) => [i.name, rssMb(i.child.pid!)])),
    cpu: Object.fromEntries(instances.map((inst, i) => [inst.name, (after.cpu[i]! - before.cpu[i]!) / seconds])),
    machineBusy: (after.machine.busy - before.machine.busy) / Math.max(1, after.machine.total - before.machine.total),
  };
}

async function runPhase(targets: Instance[], all: Instance[], opts: { citizens: number; seconds: number; workers: number; questions: string[] }): Promise<Phase> {
  const before = usage(all);
  const results = await Promise.all(startWorkers(targets.map((t) => t.url), { ...opts, paced: false }));
  return summarise(results, all, before);
}

async function soak(instances: Instance[], opts: { citizens: number; workers: number; minutes: number; questions: string[] }) {
  const seconds = opts.minutes * 60;
  console.log(`Soak: ${opts.citizens} citizens, each asking every 2 s (every 10th also escalates and cancels), ${opts.minutes} min on 2 instances`);
  console.log('  minute  ' + instances.map((i) => `${i.name} RSS`.padStart(14)).join(''));
  const samples: number[][] = [];
  const sample = (label: string) => {
    const row = instances.map((i) => rssMb(i.child.pid!));
    samples.push(row);
    console.log(`  ${label.padStart(6)}  ${row.map((mb) => `${mb} MB`.padStart(14)).join('')}`);
  };
  sample('0.0');
  const before = usage(instances);
  const started = Date.now();
  const timer = setInterval(() => sample(((Date.now() - started) / 60_000).toFixed(1)), 30_000);
  const results = await Promise.all(startWorkers(instances.map((i) => i.url), { citizens: opts.citizens, workers: opts.workers, seconds, questions: opts.questions, paced: true }));
  clearInterval(timer);
  sample(((Date.now() - started) / 60_000).toFixed(1));
  const phase = summarise(results, instances, before);
  printRow('soak', phase);
  // Latency minute by minute: is a slow tail spread out, or bunched (start-up, a pause)?
  const byMinute = new Map<number, number[]>();
  for (const r of results) r.latencies.forEach((ms, i) => byMinute.set(Math.floor(r.at[i]! / 60), [...(byMinute.get(Math.floor(r.at[i]! / 60)) ?? []), ms]));
  console.log('\n  minute  questions    p50 ms    p99 ms    max ms');
  for (const [minute, list] of [...byMinute].sort((a, b) => a[0] - b[0])) {
    list.sort((a, b) => a - b);
    const q = (p: number) => list[Math.min(list.length - 1, Math.floor(p * list.length))]!;
    console.log(`  ${String(minute).padStart(6)}  ${String(list.length).padStart(9)}  ${q(0.5).toFixed(1).padStart(8)}  ${q(0.99).toFixed(1).padStart(8)}  ${list[list.length - 1]!.toFixed(1).padStart(8)}`);
  }
  const first = samples[1] ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  console.log(`\nRSS from the first sample under load to the end: ${instances.map((inst, i) => `${inst.name} ${first[i]} → ${last[i]} MB`).join(', ')}`);
}

// ---------------------------------------------------------------- client worker

async function runClientWorker() {
  const { io } = await import('socket.io-client');
  const task = await new Promise<{ urls: string[]; clients: number; seconds: number; questions: string[]; seed: number; paced: boolean; escalateEvery: number }>((resolve) =>
    process.once('message', resolve as never),
  );
  const latencies: number[] = [];
  const at: number[] = [];
  const errorCodes: Record<string, number> = {};
  let questions = 0;
  let escalations = 0;
  let errors = 0;
  let connected = 0;
  const sockets: ReturnType<typeof io>[] = [];
  const started = performance.now();
  const deadline = started + task.seconds * 1000;
  let n = task.seed * 1_000_000;
  const fail = (code: string) => {
    errors++;
    errorCodes[code] = (errorCodes[code] ?? 0) + 1;
  };

  const call = async (socket: ReturnType<typeof io>, event: string, payload: unknown) => {
    try {
      const res = await socket.timeout(15_000).emitWithAck(event, payload);
      if (res.error) fail(res.error.code);
      return !res.error;
    } catch {
      fail('timeout');
      return false;
    }
  };

  const citizen = async (i: number) => {
    const url = task.urls[(task.seed + i) % task.urls.length]!;
    const socket = io(`${url}/chat`, { transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const ok = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('connect_error', () => resolve(false));
    });
    if (!ok) return fail('connect');
    connected++;
    if (!(await call(socket, 'conversation:start', {}))) return;
    if (task.paced) await new Promise((r) => setTimeout(r, (i * 2000) / Math.max(1, task.clients)));
    let asked = 0;
    while (performance.now() < deadline) {
      const next = performance.now() + 2000;
      const text = task.questions[n % task.questions.length] as string;
      const clientId = `l${task.seed}-${n++}`;
      questions++;
      const t0 = performance.now();
      if (await call(socket, 'message:send', { clientId, text })) {
        latencies.push(performance.now() - t0);
        at.push((t0 - started) / 1000);
      }
      asked++;
      if (task.escalateEvery > 0 && asked % task.escalateEvery === 0) {
        escalations++;
        if (await call(socket, 'consultant:request', {})) await call(socket, 'consultant:cancel', {});
      }
      // A citizen asks a few questions per conversation, then comes back another day: a fresh one.
      if (asked % 20 === 0) await call(socket, 'conversation:start', {});
      if (task.paced) await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
  };

  const runs: Promise<void>[] = [];
  for (let i = 0; i < task.clients; i++) {
    runs.push(citizen(i));
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all(runs);
  process.send!({ latencies, at, questions, escalations, errors, connected, elapsed: performance.now() - started, errorCodes });
  for (const s of sockets) s.disconnect();
}
