// Shared by the service benches: a PostgreSQL to measure against (BENCH_DATABASE_URL / TEST_DATABASE_URL, or an
// embedded server in a temporary folder), fresh migrated databases, servers in child processes, autocannon runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon, { type Options, type Result } from 'autocannon';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../service/src/db/embedded-postgres.js';
import { applyMigrations } from '../service/src/db/migrations.js';
import { createLogger } from '../service/src/observability/logger.js';

export const benchLogger = createLogger({ level: 'warn', pretty: false, secrets: [] });

export interface BenchDatabaseServer {
  /** Creates a migrated database; returns its URL. */
  createDatabase: (label: string) => Promise<string>;
  /**
   * Writes every dirty page now. PostgreSQL starts a checkpoint after so much WAL (max_wal_size): a bench that
   * writes gigabytes would otherwise have it land in whichever run crosses the line, paying for earlier runs.
   */
  checkpoint: () => Promise<void>;
  close: () => Promise<void>;
}

export async function startBenchDatabaseServer(): Promise<BenchDatabaseServer> {
  let adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  let embedded: EmbeddedPostgres | undefined;
  let folder: string | undefined;
  if (adminUrl === undefined || adminUrl === '') {
    folder = await mkdtemp(path.join(tmpdir(), 'billing-bench-postgres-'));
    // When root, PostgreSQL runs as the "postgres" user, which must be able to enter this folder.
    await chmod(folder, 0o755);
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(folder, 'data'),
      port: 54_400 + Math.floor(Math.random() * 500),
      databaseName: 'postgres',
      logger: benchLogger,
    });
    adminUrl = embedded.connectionString;
  }
  const created: string[] = [];
  const admin = adminUrl;
  const run = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    async createDatabase(label) {
      const name = `bench_${label}_${randomBytes(4).toString('hex')}`;
      await run(`CREATE DATABASE ${name}`);
      created.push(name);
      const url = new URL(admin);
      url.pathname = `/${name}`;
      await applyMigrations({ databaseUrl: url.toString(), logger: benchLogger });
      return url.toString();
    },
    checkpoint: () => run('CHECKPOINT'),
    async close() {
      for (const name of created) await run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await embedded?.stop();
      if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    },
  };
}

export interface ChildServer {
  port: number;
  child: ChildProcess;
  stop: () => Promise<void>;
}

/** Runs `file --serve kind` in a child process (its own event loop and core) and waits for its `PORT n` line. */
export async function startChildServer(
  file: string,
  kind: string,
  environment: Record<string, string>,
): Promise<ChildServer> {
  const child = spawn(process.execPath, [...process.execArgv, file, '--serve', kind], {
    env: { ...process.env, ...environment },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^PORT (\d+)$/.exec(line);
      if (match !== null) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return {
    port,
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** User + system CPU seconds a process has used so far (Linux /proc; 0 elsewhere). */
export function cpuSecondsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ", in clock ticks (100/s).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

export function load(options: Options): Promise<Result> {
  return autocannon({ connections: 50, pipelining: 1, ...options });
}

export function summarise(name: string, result: Result): string {
  const rate = Math.round(result['2xx'] / result.duration);
  return (
    `${name.padEnd(44)} ${String(rate).padStart(7)} req/s  p50 ${result.latency.p50} ms  ` +
    `p99 ${result.latency.p99} ms  (2xx ${result['2xx']}, non-2xx ${result.non2xx}, errors ${result.errors})`
  );
}

export function ratePerSecond(result: Result, status: '2xx' | '4xx' = '2xx'): number {
  return result[status] / result.duration;
}
