// `backup verify`: two databases hold the same billing data when their schema versions are the same and every
// table has the same rows: compared by row count and a SHA-256 over the table's columns and its rows in COPY
// text, sorted by their bytes (so neither physical order nor the servers' collations matter). Each side is read
// from one snapshot.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import * as tables from './database-tables.repo.js';

export interface TableFingerprint {
  table: string;
  rows: number;
  sha256: string;
}

export interface DatabaseFingerprint {
  migrations: string[];
  tables: TableFingerprint[];
}

export interface DatabaseComparison {
  /** The first database's tables, by name. */
  tables: TableFingerprint[];
  /** One line per difference; empty when the two are equal. */
  differences: string[];
}

export async function fingerprintDatabase(databaseUrl: string): Promise<DatabaseFingerprint> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined); // a lost connection fails the awaited query instead
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await tables.configureCopySession(client);
    const migrations = await tables.listAppliedMigrations(client);
    const fingerprints: TableFingerprint[] = [];
    for (const table of await tables.listTables(client)) {
      const hash = createHash('sha256').update(`${table.columns.join(',')}\n`);
      let rows = 0;
      const copy = client.query(copyTo(tables.copyTableOutStatement(table, true)));
      for await (const chunk of copy as AsyncIterable<Buffer>) {
        hash.update(chunk);
        for (let index = chunk.indexOf(0x0a); index !== -1; index = chunk.indexOf(0x0a, index + 1)) rows += 1;
      }
      fingerprints.push({ table: table.name, rows, sha256: hash.digest('hex') });
    }
    await client.query('COMMIT');
    return { migrations, tables: fingerprints };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function compareDatabases(firstUrl: string, secondUrl: string): Promise<DatabaseComparison> {
  const [first, second] = await Promise.all([fingerprintDatabase(firstUrl), fingerprintDatabase(secondUrl)]);
  return { tables: first.tables, differences: differencesBetween(first, second) };
}

export function differencesBetween(first: DatabaseFingerprint, second: DatabaseFingerprint): string[] {
  const differences: string[] = [];
  if (first.migrations.join(',') !== second.migrations.join(',')) {
    const version = (migrations: string[]) =>
      `${migrations.at(-1) ?? 'none'} (${migrations.length} migrations)`;
    differences.push(
      `schema version: first at ${version(first.migrations)}, second at ${version(second.migrations)}`,
    );
  }
  const secondTables = new Map(second.tables.map((table) => [table.table, table]));
  for (const table of first.tables) {
    const other = secondTables.get(table.table);
    secondTables.delete(table.table);
    if (other === undefined) differences.push(`${table.table}: only in the first database`);
    else if (other.rows !== table.rows || other.sha256 !== table.sha256) {
      differences.push(
        `${table.table}: first ${table.rows} rows ${table.sha256}, second ${other.rows} rows ${other.sha256}`,
      );
    }
  }
  for (const table of secondTables.keys()) differences.push(`${table}: only in the second database`);
  return differences;
}
