/**
 * Chat load benchmark. Starts the real server (its own process, embedded PGlite unless
 * BENCH_DATABASE_URL is set) and, for comparison, a bare socket.io echo server under the same
 * load; clients run in separate processes.
 *
 *   paced:      N citizens (default 500) each asking one question every 5 s for D seconds
 *   saturation: C citizens (default 50) asking back-to-back, to compare peak throughput (ratio)
 *   idle:       I idle connections (default 5,000) held open, server RSS per connection
 *
 * Run: npm run bench:chat [-- --citizens 500 --seconds 60 --closed 50 --idle 5000]
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../server/paths.js';

const HERE = fileURLToPath(import.meta.url);
const { values } = parseArgs({
  options: {
    citizens: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '60' },
    closed: { type: 'string', default: '50' },
    'closed-seconds': { type: 'string', default: '20' },
    idle: { type: 'string', default: '5000' },
    workers: { type: 'string', default: '4' },
    role: { type: 'string' },
  },
});

if (values.role === 'echo') await runEchoServer();
else if (values.role === 'client') await runClientWorker();
else await main();

// ---------------------------------------------------------------- orchestration

async function main() {
  const citizens = Number(values.citizens);
  const seconds = Number(values.seconds);
  const closed = Number(values.closed);
  const closedSeconds = Number(values['closed-seconds']);
  const idle = Number(values.idle);
  const workers = Number(values.workers);
  console.log(`Chat benchmark on ${process.platform}, Node ${process.version}`);
  console.log(
    `Reproduce: npm run bench:chat -- --citizens ${citizens} --seconds ${seconds} --closed ${closed} --closed-seconds ${closedSeconds} --idle ${idle} --workers ${workers}\n`,
  );
  const questions = loadQuestions();

  const app = await startAppServer();
  const echo = await startEchoServer();
  try {
    for (const target of [app, echo]) {
      const paced = await runLoad(target.url, { mode: 'paced', clients: citizens, seconds, workers, questions });
      target.results.paced = { ...paced, rssMb: rssMb(target.child.pid!) };
      const sat = await runLoad(target.url, { mode: 'closed', clients: closed, seconds: closedSeconds, workers, questions });
      target.results.closed = { ...sat, rssMb: rssMb(target.child.pid!) };
    }
    console.log('\nPaced load: %d citizens, one question every 5 s each, %d s', citizens, seconds);
    printRow('Hỏi Luật', app.results.paced);
    printRow('echo', echo.results.paced);
    console.log('\nSaturation: %d citizens asking back-to-back, %d s', closed, closedSeconds);
    printRow('Hỏi Luật', app.results.closed);
    printRow('echo', echo.results.closed);
    const pacedRatio = app.results.paced.qps / echo.results.paced.qps;
    const closedRatio = app.results.closed.qps / echo.results.closed.qps;
    console.log(`\nThroughput ratio under the paced load (Hỏi Luật / bare socket.io echo): ${pacedRatio.toFixed(2)}`);
    console.log(`Throughput ratio at saturation (every question matched and stored vs echoed): ${closedRatio.toFixed(3)}`);

    const before = rssMb(app.child.pid!);
    const held = await runLoad(app.url, { mode: 'idle', clients: idle, seconds: 5, workers, questions });
    const after = rssMb(app.child.pid!);
    console.log(
      `\nIdle connections held by one process: ${held.connected} of ${idle} (errors ${held.errors}); server RSS ${before} → ${after} MB, ` +
        `${(((after - before) * 1024) / Math.max(1, held.connected)).toFixed(1)} KB per connection`,
    );
  } finally {
    app.child.kill('SIGTERM');
    echo.child.kill('SIGTERM');
    app.cleanup();
  }
}

interface LoadResult {
  sent: number;
  answered: number;
  errors: number;
  qps: number;
  p50: number;
  p99: number;
  connected: number;
  rssMb?: number;
}

function printRow(name: string, r: LoadResult) {
  console.log(
    `  ${name.padEnd(9)} ${r.qps.toFixed(1).padStart(7)} questions/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  ` +
      `answered ${r.answered}/${r.sent}  errors ${r.errors}  server RSS ${r.rssMb} MB`,
  );
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

function loadQuestions(): string[] {
  const questions: string[] = [];
  const devSet = path.join(PROJECT_ROOT, 'test/fixtures/match-dev.jsonl');
  try {
    for (const line of readFileSync(devSet, 'utf8').split('\n')) if (line.trim()) questions.push(JSON.parse(line).q);
  } catch {
    questions.push('ly hôn thì con ở với ai', 'làm lại căn cước bị mất', 'bhxh 1 lần cần giấy tờ gì', 'chào bạn');
  }
  return questions;
}

async function startAppServer() {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-chat-'));
  const port = 41000 + (process.pid % 1000);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'server/main.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: path.join(dir, 'data'),
      ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
      LOG_LEVEL: 'warn',
      // Every bench client comes from 127.0.0.1: lift the per-IP limits, keep the per-conversation one.
      CHAT_MESSAGES_PER_MINUTE_PER_IP: '1000000',
      CHAT_CONVERSATIONS_PER_HOUR_PER_IP: '10000',
      CHAT_MESSAGES_PER_MINUTE: '1000',
      // The idle phase opens thousands of connections at once.
      SOCKET_CONNECTIONS_PER_MINUTE_PER_IP: '1000000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/readyz`, child);
  return { url, child, results: {} as Record<string, LoadResult>, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function startEchoServer() {
  const port = 42000 + (process.pid % 1000);
  const child = fork(HERE, ['--role', 'echo'], { env: { ...process.env, BENCH_PORT: String(port) }, execArgv: ['--import', 'tsx'] });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/`, child, true);
  return { url, child, results: {} as Record<string, LoadResult>, cleanup: () => undefined };
}

async function waitReady(url: string, child: ChildProcess, anyStatus = false) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode})`);
    const ok = await fetch(url).then((r) => anyStatus || r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready`);
}

async function runLoad(url: string, opts: { mode: 'paced' | 'closed' | 'idle'; clients: number; seconds: number; workers: number; questions: string[] }): Promise<LoadResult> {
  const per = Math.ceil(opts.clients / opts.workers);
  const results = await Promise.all(
    Array.from({ length: opts.workers }, (_, w) => {
      const count = Math.max(0, Math.min(per, opts.clients - w * per));
      return new Promise<{ latencies: number[]; sent: number; errors: number; connected: number; elapsed: number }>((resolve, reject) => {
        const child = fork(HERE, ['--role', 'client'], { execArgv: ['--import', 'tsx'] });
        child.once('message', (m) => {
          resolve(m as never);
          child.kill();
        });
        child.once('error', reject);
        child.send({ url, mode: opts.mode, clients: count, seconds: opts.seconds, questions: opts.questions, seed: w });
      });
    }),
  );
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const elapsed = Math.max(...results.map((r) => r.elapsed)) / 1000;
  const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    sent: results.reduce((s, r) => s + r.sent, 0),
    answered: latencies.length,
    errors: results.reduce((s, r) => s + r.errors, 0),
    qps: latencies.length / Math.max(elapsed, 0.001),
    p50: pick(0.5),
    p99: pick(0.99),
    connected: results.reduce((s, r) => s + r.connected, 0),
  };
}

// ---------------------------------------------------------------- client worker

async function runClientWorker() {
  const { io } = await import('socket.io-client');
  const task = await new Promise<{ url: string; mode: 'paced' | 'closed' | 'idle'; clients: number; seconds: number; questions: string[]; seed: number }>((resolve) =>
    process.once('message', resolve as never),
  );
  const latencies: number[] = [];
  let sent = 0;
  let errors = 0;
  let connected = 0;
  const sockets: ReturnType<typeof io>[] = [];
  const started = performance.now();
  const deadline = started + task.seconds * 1000;
  let n = task.seed * 100_000;

  const askOnce = async (socket: ReturnType<typeof io>) => {
    const text = task.questions[n % task.questions.length] as string;
    const clientId = `b${task.seed}-${n++}`;
    sent++;
    const t0 = performance.now();
    try {
      const res = await socket.timeout(10_000).emitWithAck('message:send', { clientId, text });
      if (res.error) errors++;
      else latencies.push(performance.now() - t0);
    } catch {
      errors++;
    }
  };

  const client = async (i: number) => {
    const socket = io(`${task.url}/chat`, { transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const ok = await new Promise<boolean>((resolve) => {
      socket.once('connect', () => resolve(true));
      socket.once('connect_error', () => resolve(false));
    });
    if (!ok) {
      errors++;
      return;
    }
    connected++;
    if (task.mode === 'idle') return;
    const start = await socket.timeout(10_000).emitWithAck('conversation:start', {}).catch(() => null);
    if (!start || start.error) {
      errors++;
      return;
    }
    if (task.mode === 'paced') {
      await new Promise((r) => setTimeout(r, (i * 5000) / Math.max(1, task.clients)));
      while (performance.now() < deadline) {
        const next = performance.now() + 5000;
        await askOnce(socket);
        await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
      }
    } else {
      while (performance.now() < deadline) await askOnce(socket);
    }
  };

  // Connect in small batches: a burst of thousands of handshakes is not what we measure.
  const runs: Promise<void>[] = [];
  for (let i = 0; i < task.clients; i++) {
    runs.push(client(i));
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all(runs);
  if (task.mode === 'idle') await new Promise((r) => setTimeout(r, task.seconds * 1000));
  const elapsed = task.mode === 'idle' ? 0 : performance.now() - started;
  process.send!({ latencies, sent, errors, connected, elapsed: Math.max(elapsed, 1) });
  for (const s of sockets) s.disconnect();
}

// ---------------------------------------------------------------- bare echo server

async function runEchoServer() {
  const { createServer } = await import('node:http');
  const { Server } = await import('socket.io');
  const http = createServer((_req, res) => res.end('ok'));
  const io = new Server(http, { serveClient: false });
  io.of('/chat').on('connection', (socket) => {
    socket.on('conversation:start', (_p: unknown, ack: (r: unknown) => void) => ack({ data: { token: 'x', conversationId: 'x', messages: [] } }));
    socket.on('message:send', (p: { clientId: string; text: string }, ack: (r: unknown) => void) =>
      ack({ data: { message: { clientId: p.clientId, text: p.text }, replies: [{ text: p.text }], duplicate: false } }),
    );
  });
  http.listen(Number(process.env.BENCH_PORT), '127.0.0.1');
}
