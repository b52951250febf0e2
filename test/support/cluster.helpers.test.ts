/**
 * Helpers of the cluster and fault tests (not a test file itself, despite its name): instances of
 * the real server in child processes, nginx in front of them with deploy/nginx/hoi-luat.test.conf,
 * and clients bound to chosen loopback addresses so that nginx's address hash puts a citizen on
 * one instance and a consultant on the other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { PROJECT_ROOT } from '../../server/paths.js';
import { spawnTs } from './process.js';

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Instance {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts server/main.ts on PostgreSQL in a child process and waits until /readyz answers 200. */
export async function startInstance(name: string, databaseUrl: string, env: Record<string, string> = {}, fixedPort?: number): Promise<Instance> {
  const port = fixedPort ?? (await freePort());
  const child = spawnTs('server/main.ts', [], {
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    INSTANCE_NAME: name,
    SEED_ON_EMPTY: 'false',
    LOG_LEVEL: 'info',
    OFFICE_HOURS: '0-6 00:00-24:00',
    CHAT_MESSAGES_PER_MINUTE: '1000',
    CHAT_MESSAGES_PER_MINUTE_PER_IP: '1000000',
    CHAT_CONVERSATIONS_PER_HOUR_PER_IP: '10000',
    PUBLIC_REQUESTS_PER_MINUTE_PER_IP: '1000000',
    SOCKET_CONNECTIONS_PER_MINUTE_PER_IP: '1000000',
    ...env,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`instance ${name} exited early:\n${output}`);
    const ready = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    if (ready) return { name, port, url, child, output: () => output, exited };
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`instance ${name} not ready in time:\n${output}`);
}

/** Where Debian's nginx is, or null (NGINX_BIN=none: go without). CI (.ci/nginx.sh) installs it and sets REQUIRE_NGINX=1. */
export function nginxBinary(): string | null {
  if (process.env.NGINX_BIN === 'none') return null; // to run the direct-reconnect variant on a machine that has nginx
  const candidates = [process.env.NGINX_BIN, '/usr/sbin/nginx', '/usr/local/sbin/nginx'].filter(Boolean) as string[];
  const found = candidates.find((c) => existsSync(c)) ?? null;
  if (!found && process.env.REQUIRE_NGINX === '1') throw new Error('REQUIRE_NGINX=1 but nginx is not installed (apt-get install nginx-light)');
  return found;
}

export interface Nginx {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Runs nginx in the foreground with deploy/nginx/hoi-luat.test.conf in front of two instances. */
export async function startNginx(binary: string, portA: number, portB: number): Promise<Nginx> {
  const prefix = mkdtempSync(path.join(tmpdir(), 'hoi-luat-nginx-'));
  chmodSync(prefix, 0o755);
  // nginx's workers drop root privileges: they must be able to write their temp folders.
  for (const dir of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
    mkdirSync(path.join(prefix, dir));
    chmodSync(path.join(prefix, dir), 0o777);
  }
  const port = await freePort();
  const template = readFileSync(path.join(PROJECT_ROOT, 'deploy/nginx/hoi-luat.test.conf'), 'utf8');
  const config = template
    .replaceAll('@PREFIX@', prefix)
    .replaceAll('@DEPLOY@', path.join(PROJECT_ROOT, 'deploy/nginx'))
    .replaceAll('@PORT_A@', String(portA))
    .replaceAll('@PORT_B@', String(portB))
    .replaceAll('@PORT@', String(port));
  writeFileSync(path.join(prefix, 'nginx.conf'), config);
  const child = spawn(binary, ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-e', path.join(prefix, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const up = await fetch(`${url}/healthz`).then((r) => r.status === 200, () => false);
    if (up) {
      return {
        url,
        port,
        stop: async () => {
          if (child.exitCode === null) {
            child.kill('SIGTERM');
            await new Promise((r) => child.once('exit', r));
          }
          rmSync(prefix, { recursive: true, force: true });
        },
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  const log = existsSync(path.join(prefix, 'error.log')) ? readFileSync(path.join(prefix, 'error.log'), 'utf8') : '';
  throw new Error(`nginx did not start:\n${output}\n${log}`);
}

/** GET a JSON path from a chosen local (loopback) address: what nginx's hash sees as the client. */
export function getJson(url: string, localAddress: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { localAddress, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Loopback addresses that nginx sends to each instance (127.0.0.2 onwards): the test then puts a
 * citizen on one instance and a consultant on the other, as real clients from two addresses.
 */
export async function addressesByInstance(nginxUrl: string, names: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 2; i < 250 && found.size < names.length; i++) {
    const address = `127.0.0.${i}`;
    const { instance } = await getJson(`${nginxUrl}/healthz`, address);
    const name = names.find((n) => String(instance).startsWith(`${n}-`));
    if (name && !found.has(name)) found.set(name, address);
  }
  if (found.size < names.length) throw new Error(`nginx sent every loopback address to the same instance: ${[...found].join(', ')}`);
  return found;
}

/** A socket.io client on a namespace, from a chosen loopback address, reconnecting on its own. */
export function clientFrom(url: string, namespace: string, localAddress: string, options: { cookie?: string; reconnection?: boolean } = {}): Socket {
  return connect(`${url}${namespace}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: options.reconnection ?? true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    randomizationFactor: 0,
    localAddress,
    extraHeaders: options.cookie ? { Cookie: options.cookie } : {},
  } as Parameters<typeof connect>[1]);
}

/** Resolves once the socket is connected (or rejects on the first connection error). */
export function connected(socket: Socket): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}
