import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';
import { MigrationError, applyMigrations, findPendingMigrations, listMigrationNames } from './migrations.js';

const logger = createLogger({ level: 'silent', pretty: false, secrets: [] });

async function query<Row extends pg.QueryResultRow>(url: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('migrations', () => {
  let database: TestDatabase;
  let brokenFolder: string;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    brokenFolder = await mkdtemp(path.join(tmpdir(), 'billing-migrations-'));
    await writeFile(path.join(brokenFolder, '0001_create_widgets.sql'), 'CREATE TABLE widgets (id int);\n');
    await writeFile(
      path.join(brokenFolder, '0002_alter_gadgets.sql'),
      'ALTER TABLE gadgets ADD COLUMN x int;\n',
    );
  });

  afterAll(async () => {
    await database.drop();
    await rm(brokenFolder, { recursive: true, force: true });
  });

  it('names every migration file NNNN_verb_noun.sql', async () => {
    const names = await listMigrationNames();
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(/^\d{4}_[a-z]+_[a-z0-9_]+$/);
  });

  it('leaves the database as it was when one migration of the batch fails', async () => {
    const attempt = applyMigrations({ databaseUrl: database.url, logger, directory: brokenFolder });
    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(attempt).rejects.toThrow(
      /rolled back, the database is unchanged: .*"gadgets" does not exist/,
    );
    const widgets = await query<{ found: string | null }>(
      database.url,
      "SELECT to_regclass('widgets') AS found",
    );
    expect(widgets[0]?.found).toBeNull();
    const applied = await query(database.url, 'SELECT name FROM pgmigrations');
    expect(applied).toEqual([]);
  });

  it('applies every pending migration once, then finds nothing left to do', async () => {
    const names = await listMigrationNames();
    expect(await applyMigrations({ databaseUrl: database.url, logger })).toEqual(names);
    expect(await applyMigrations({ databaseUrl: database.url, logger })).toEqual([]);
    const pool = new pg.Pool({ connectionString: database.url });
    try {
      expect(await findPendingMigrations(pool, names)).toEqual([]);
      expect(await findPendingMigrations(pool, [...names, '9999_create_future'])).toEqual([
        '9999_create_future',
      ]);
    } finally {
      await pool.end();
    }
  });
});
