// `backup restore`: a backup file into a new, empty database. Nothing is written until the whole file has been
// read and checked; then the database is migrated to exactly the backup's schema version and every table is
// loaded (foreign-key order, COPY) and the sequences set, in one transaction: all the data or none.
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import { applyMigrations, listMigrationNames } from '../db/migrations.js';
import type { Logger } from '../observability/logger.js';
import { readBackupFile, type BackupHeader } from './backup-file.js';
import * as tables from './database-tables.repo.js';

/** A restore refused before anything was written: the target is not empty, or the file's version is unknown. */
export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(`refusing to restore: ${message}`);
    this.name = 'RestoreRefusedError';
  }
}

export interface RestoreSummary {
  migrations: string[];
  rowCounts: Record<string, number>;
}

export interface RestoreInput {
  file: string;
  databaseUrl: string;
  logger: Logger;
}

export async function restoreBackup(input: RestoreInput): Promise<RestoreSummary> {
  const client = new pg.Client({ connectionString: input.databaseUrl });
  // A connection lost mid-restore fails the awaited query; without a listener the event would end the process.
  client.on('error', (error) => input.logger.warn({ err: error }, 'restore: database connection lost'));
  await client.connect();
  try {
    const objects = await tables.countSchemaObjects(client);
    if (objects > 0) {
      throw new RestoreRefusedError(
        `the target database already has ${objects} table(s), view(s) or sequence(s); restore into a new, empty database`,
      );
    }
    const header = await checkBackupFile(input.file);
    await checkSchemaVersion(header, await listMigrationNames());

    await applyMigrations({
      databaseUrl: input.databaseUrl,
      logger: input.logger,
      count: header.migrations.length,
    });
    await checkMigratedSchema(client, header);
    let rowCounts: Record<string, number>;
    try {
      rowCounts = await loadTables(client, input.file, header);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `restore failed and was rolled back: ${reason}. The database now holds the schema of ` +
          `${header.migrations.at(-1)} and no data: drop it and create it empty before trying again`,
        { cause: error },
      );
    }
    // Fresh statistics, so the planner does not take the loaded tables for empty ones.
    await client.query('ANALYZE');
    return { migrations: header.migrations, rowCounts };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Reads the whole file once, writing nothing: a damaged or cut file is refused before the target is touched. */
async function checkBackupFile(file: string): Promise<BackupHeader> {
  let header: BackupHeader | undefined;
  for await (const record of readBackupFile(file)) {
    if (record.kind === 'header') header = record.header;
  }
  if (header === undefined) throw new Error(`${file} has no header`);
  return header;
}

async function checkSchemaVersion(header: BackupHeader, known: string[]): Promise<void> {
  if (header.migrations.length === 0) {
    throw new RestoreRefusedError('the backup records no applied migration (no schema version)');
  }
  const unknown = header.migrations.findIndex((name, index) => known[index] !== name);
  if (unknown !== -1) {
    throw new RestoreRefusedError(
      `the backup's schema version includes migration ${header.migrations[unknown]}, which this version of the ` +
        `service does not have at that place; restore with the version that made the backup`,
    );
  }
}

/** The migrated target must have the backup's tables and columns, or COPY would put values in wrong columns. */
async function checkMigratedSchema(client: pg.Client, header: BackupHeader): Promise<void> {
  const describe = (list: tables.TableColumns[]) =>
    list
      .map((table) => `${table.name}(${table.columns.join(',')})`)
      .sort()
      .join(' ');
  const migrated = describe(await tables.listTables(client));
  if (migrated !== describe(header.tables)) {
    throw new Error(
      `after migrating to ${header.migrations.at(-1)} the tables differ from the backup's: ` +
        'the source schema was changed outside migrations',
    );
  }
}

async function loadTables(
  client: pg.Client,
  file: string,
  header: BackupHeader,
): Promise<Record<string, number>> {
  const rowCounts: Record<string, number> = {};
  let copy: { stream: CopyStreamQuery; failure: () => Error | undefined } | undefined;
  await client.query('BEGIN');
  try {
    await tables.configureCopySession(client);
    for await (const record of readBackupFile(file)) {
      if (record.kind === 'rows') {
        copy ??= startCopy(client, record.table);
        const failure = copy.failure();
        if (failure !== undefined) throw failure;
        if (!copy.stream.write(record.data)) await once(copy.stream, 'drain');
      } else if (record.kind === 'table_end') {
        let loaded = 0;
        if (copy !== undefined) {
          copy.stream.end();
          await finished(copy.stream);
          loaded = copy.stream.rowCount;
          copy = undefined;
        }
        if (loaded !== record.rowCount) {
          throw new Error(
            `table ${record.table.name}: ${loaded} rows loaded, the file holds ${record.rowCount}`,
          );
        }
        rowCounts[record.table.name] = loaded;
      }
    }
    for (const sequence of header.sequences) await tables.setSequenceValue(client, sequence);
    await client.query('COMMIT');
    return rowCounts;
  } catch (error) {
    copy?.stream.destroy();
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

function startCopy(client: pg.Client, table: tables.TableColumns) {
  const stream = client.query(copyFrom(tables.copyTableInStatement(table)));
  let failure: Error | undefined;
  // Kept for the next write or the end to throw (an unheard 'error' event would end the process).
  stream.on('error', (error: Error) => {
    failure = error;
  });
  return { stream, failure: () => failure };
}
