// Forward-only SQL migrations (service/migrations/NNNN_verb_noun.sql) applied by node-pg-migrate.
// All pending files run in one transaction: if one fails, none is applied and the database is as it was.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { runner } from 'node-pg-migrate';
import type pg from 'pg';
import { repositoryRoot } from '../config/repository-root.js';
import type { Logger } from '../observability/logger.js';

export const MIGRATIONS_DIRECTORY = path.join(repositoryRoot, 'service', 'migrations');
/** node-pg-migrate's bookkeeping table: one row per applied file. */
export const MIGRATIONS_TABLE = 'pgmigrations';

const migrationFileName = /^\d{4}_[a-z0-9_]+\.sql$/;

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/** Names (file names without .sql) of the migrations on disk, in the order they apply. */
export async function listMigrationNames(directory = MIGRATIONS_DIRECTORY): Promise<string[]> {
  // The folder is ours (or a test's), never named by a request.
  // eslint-disable-next-line security/detect-non-literal-fs-filename
  const files = await readdir(directory);
  return files
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      if (!migrationFileName.test(file)) {
        throw new MigrationError(`Migration file ${file} is not named NNNN_verb_noun.sql`);
      }
      return file.slice(0, -'.sql'.length);
    });
}

/** Migrations on disk that the database has not applied yet. */
export async function findPendingMigrations(
  database: Pick<pg.Pool, 'query'>,
  expectedNames: readonly string[],
): Promise<string[]> {
  const tableExists = await database.query<{ exists: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS exists',
    [MIGRATIONS_TABLE],
  );
  if (tableExists.rows[0]?.exists !== true) return [...expectedNames];
  const applied = await database.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE}`);
  const appliedNames = new Set(applied.rows.map((row) => row.name));
  return expectedNames.filter((name) => !appliedNames.has(name));
}

export interface ApplyMigrationsOptions {
  databaseUrl: string;
  logger: Logger;
  directory?: string;
  /** Applies only the first `count` pending migrations (a restore brings a fresh database to its backup's version). */
  count?: number;
}

/** Applies every pending migration; returns the names applied. Throws MigrationError with the database unchanged. */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<string[]> {
  const directory = options.directory ?? MIGRATIONS_DIRECTORY;
  const names = await listMigrationNames(directory);
  const log = options.logger.child({ component: 'migrations' });
  try {
    const applied = await runner({
      databaseUrl: options.databaseUrl,
      dir: directory,
      // Only the .sql files: anything else in the folder (a README) is not a migration.
      ignorePattern: '.*(?<!\\.sql)',
      migrationsTable: MIGRATIONS_TABLE,
      direction: 'up',
      ...(options.count === undefined ? {} : { count: options.count }),
      singleTransaction: true,
      checkOrder: true,
      // Concurrent starts of several replicas serialise on node-pg-migrate's advisory lock.
      noLock: false,
      logger: migrationLogger(log),
    });
    const appliedNames = applied.map((migration) => migration.name);
    log.info({ applied: appliedNames, total: names.length }, 'migrations are current');
    return appliedNames;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Migrations failed and were rolled back, the database is unchanged: ${reason}`, {
      cause: error,
    });
  }
}

function migrationLogger(log: Logger) {
  return {
    debug: (message: string) => log.debug(message),
    info: (message: string) => log.debug(message),
    warn: (message: string) => log.warn(message),
    error: (message: string) => {
      // node-pg-migrate expects 13- or 17-digit timestamp prefixes and complains about NNNN ones; it still
      // orders them by number, which is what we want.
      if (message.startsWith("Can't determine timestamp")) log.debug(message);
      else log.error(message);
    },
  };
}
