// `backup create`: every billing table copied out of one consistent snapshot (a REPEATABLE READ READ ONLY
// transaction, tables locked against DDL only) into a gzip file, with the schema version and sequence values.
// Written beside the target as FILE.partial and renamed at the end, so a file named FILE is always complete.
/* eslint-disable security/detect-non-literal-fs-filename -- the files are the operator's CLI arguments */
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { to as copyTo } from 'pg-copy-streams';
import type { Pool, PoolClient } from '../db/pool.js';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, END_OF_TABLE, type BackupHeader } from './backup-file.js';
import * as tables from './database-tables.repo.js';
import type { TableColumns } from './database-tables.repo.js';

export interface BackupSummary {
  file: string;
  bytes: number;
  migrations: string[];
  rowCounts: Record<string, number>;
}

/** Writes the backup to `file`; refuses to replace an existing file. */
export async function createBackup(pool: Pool, file: string): Promise<BackupSummary> {
  if (await fileExists(file)) throw new Error(`${file} exists already; choose a new file name`);
  const partial = `${file}.partial`;
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await tables.configureCopySession(client);
    const listed = await tables.listTables(client);
    const ordered = orderByForeignKeys(listed, await tables.listForeignKeys(client));
    await tables.lockTablesForReading(
      client,
      ordered.map((table) => table.name),
    );
    const serverVersion = await client.query<{ server_version: string }>('SHOW server_version');
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      version: BACKUP_FORMAT_VERSION,
      created_at: new Date().toISOString(),
      server_version: serverVersion.rows[0]?.server_version ?? 'unknown',
      migrations: await tables.listAppliedMigrations(client),
      tables: ordered,
      sequences: await tables.listSequenceValues(client),
    };
    const rowCounts: Record<string, number> = {};
    const output = createWriteStream(partial, { mode: 0o600 });
    await pipeline(
      Readable.from(backupContent(client, header, createHash('sha256'), rowCounts)),
      createGzip(),
      output,
    );
    await client.query('COMMIT');
    await rename(partial, file);
    return { file, bytes: (await stat(file)).size, migrations: header.migrations, rowCounts };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  } finally {
    client.release();
  }
}

async function* backupContent(
  client: PoolClient,
  header: BackupHeader,
  hash: Hash,
  rowCounts: Record<string, number>,
): AsyncGenerator<Buffer> {
  const emit = (text: string) => {
    const bytes = Buffer.from(text);
    hash.update(bytes);
    return bytes;
  };
  yield emit(`${JSON.stringify(header)}\n`);
  for (const table of header.tables) {
    let rows = 0;
    // COPY's text format ends every row with a newline and escapes the ones inside values: lines are rows.
    for await (const chunk of client.query(
      copyTo(tables.copyTableOutStatement(table)),
    ) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      rows += countNewlines(chunk);
      yield chunk;
    }
    rowCounts[table.name] = rows;
    yield emit(`${END_OF_TABLE}\n`);
  }
  yield Buffer.from(`${JSON.stringify({ row_counts: rowCounts, sha256: hash.digest('hex') })}\n`);
}

async function fileExists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function countNewlines(chunk: Buffer): number {
  let count = 0;
  for (let index = chunk.indexOf(0x0a); index !== -1; index = chunk.indexOf(0x0a, index + 1)) count += 1;
  return count;
}

/**
 * Tables in an order where each comes after every table it references, so a restore loads them in one pass
 * with the foreign keys checked (ties by name, for a stable file). A reference of a table to itself is left to
 * the order of its rows; a cycle between tables cannot be loaded this way and is refused.
 */
export function orderByForeignKeys(
  tableList: TableColumns[],
  foreignKeys: Array<{ child: string; parent: string }>,
): TableColumns[] {
  const remaining = new Map(tableList.map((table) => [table.name, table]));
  const parents = new Map(tableList.map((table) => [table.name, new Set<string>()]));
  for (const { child, parent } of foreignKeys) {
    if (child !== parent && remaining.has(parent)) parents.get(child)?.add(parent);
  }
  const ordered: TableColumns[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining.values()]
      .filter((table) => [...(parents.get(table.name) ?? [])].every((parent) => !remaining.has(parent)))
      .sort((a, b) => a.name.localeCompare(b.name));
    if (ready.length === 0) {
      throw new Error(`foreign keys form a cycle between ${[...remaining.keys()].join(', ')}`);
    }
    for (const table of ready) {
      ordered.push(table);
      remaining.delete(table.name);
    }
  }
  return ordered;
}
