/**
 * A private PostgreSQL cluster for tests that stop and start the database server (the shared one
 * on 127.0.0.1:5432 serves other tests). initdb refuses to run as root: as root the binaries run as
 * the `postgres` OS user, in a temporary directory that user owns.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './cluster.helpers.test.js';

const run = promisify(execFile);

/** The folder holding initdb and pg_ctl (pg_config's, else the newest Debian one), or null. */
export function postgresBinDir(): string | null {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // no pg_config: look where Debian puts the server binaries
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(debian, v, 'bin')));
  }
  return candidates.find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'pg_ctl'))) ?? null;
}

export interface PostgresCluster {
  /** postgres:// URL of the database created for the test. */
  url: string;
  port: number;
  /** Stops the server the way an operator's fast shutdown does: sessions are terminated. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** The server's log (start-up, shutdown, terminated sessions). */
  log(): string;
  /** Stops the server if it runs and deletes its files; safe to call twice. */
  destroy(): Promise<void>;
}

/** Creates, starts and opens a database on a throw-away cluster on a free port of 127.0.0.1. */
export async function startPostgresCluster(binDir: string, database = 'hoiluat'): Promise<PostgresCluster> {
  const root = mkdtempSync(path.join(tmpdir(), 'hoi-luat-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
  }
  const data = path.join(root, 'data');
  const logFile = path.join(root, 'server.log');
  const port = await freePort();
  const pgBin = (name: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(binDir, name), ...args]) : run(path.join(binDir, name), args);
  // fsync off: the data are thrown away, and the test is about connections, not durability.
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  let running = false;
  const start = async () => {
    await pgBin('pg_ctl', ['-D', data, '-l', logFile, '-o', options, '-w', '-t', '30', 'start']);
    running = true;
  };
  const stop = async () => {
    await pgBin('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
    running = false;
  };
  const destroy = async () => {
    if (running) await stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  };

  try {
    await pgBin('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
    await start();
    const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
  } catch (error) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    await destroy();
    throw new Error(`private PostgreSQL cluster did not start: ${(error as Error).message}\n${log}`);
  }
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/${database}`,
    port,
    stop,
    start,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    destroy,
  };
}
