// `npm run billing -- backup …` end to end, with only Node and a PostgreSQL connection (no pg_dump): a backup
// restored into a fresh database verifies equal table by table; a changed row makes verify fail; a restore over
// existing tables, a damaged or cut file and a backup of an unknown schema version are refused, the target left empty.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, listMigrationNames } from '../../src/db/migrations.js';
import { createLogger } from '../../src/observability/logger.js';
import { insertSyntheticEvents } from '../../src/test-support/inbox-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../../src/test-support/test-database.js';
import { repositoryRoot } from './dockerfile-model.js';

const execute = promisify(execFile);

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run billing -- backup ARGS` (as the CLI runs: tsx, NODE_ENV=test) with DATABASE_URL=databaseUrl. */
async function backupCommand(databaseUrl: string, ...args: string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await execute(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'src/cli/main.ts', 'backup', ...args],
      {
        cwd: path.join(repositoryRoot, 'service'),
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: databaseUrl },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const publicTableCount = async (url: string) =>
  Number(
    (await query<{ count: string }>(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))[0]
      ?.count,
  );

describe('npm run billing -- backup', () => {
  let source: TestDatabase;
  let workspace: string;
  const databases: TestDatabase[] = [];
  const freshDatabase = async () => {
    const database = await createTestDatabase({ migrated: false });
    databases.push(database);
    return database;
  };
  let backupFile: string;
  let restored: TestDatabase;

  beforeAll(async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'billing-backup-'));
    source = await createTestDatabase();
    databases.push(source);
    const pool = new pg.Pool({ connectionString: source.url });
    try {
      // Values COPY must escape (tab, newline, backslash) and non-ASCII text.
      await pool.query(
        `INSERT INTO customers (external_id, email, name, metadata, stripe_customer_id)
         SELECT 'user_' || n, 'user' || n || '@example.com', E'Zoë\\t' || n || E'\\nline \\\\ two',
           jsonb_build_object('n', n, 'note', E'tab\\there'), 'cus_' || n
         FROM generate_series(1, 25) AS n`,
      );
      // order_items sorts before orders by name and references it: the file must follow the foreign keys.
      await pool.query(
        `INSERT INTO orders (stripe_checkout_session_id, customer_id, status, currency, amount_total)
         SELECT 'cs_' || n, (SELECT id FROM customers WHERE external_id = 'user_' || n), 'paid', 'eur', n * 100
         FROM generate_series(1, 5) AS n`,
      );
      await pool.query(
        `INSERT INTO order_items (stripe_line_item_id, order_id, stripe_price_id, stripe_product_id, quantity,
           currency, amount_total)
         SELECT 'li_' || stripe_checkout_session_id, id, 'price_1', 'prod_1', 1, 'eur', amount_total FROM orders`,
      );
      await insertSyntheticEvents(pool, { prefix: 'backup', count: 40, type: 'invoice.paid' });
      await pool.query(`SELECT nextval('outbox_feed_position') FROM generate_series(1, 7)`);
    } finally {
      await pool.end();
    }
    backupFile = path.join(workspace, 'billing.backup.gz');
    restored = await freshDatabase();
  });

  afterAll(async () => {
    for (const database of databases) await database.drop();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('backs up, restores into a fresh database and verifies every table equal', async () => {
    const created = await backupCommand(source.url, 'create', '--out', backupFile);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`backup written to ${backupFile}: `);
    expect(created.stdout).toMatch(/: \d+ tables, \d+ rows, schema version \d{4}_\w+, \d+ bytes$/m);
    expect(gunzipSync(readFileSync(backupFile)).toString('utf8')).toContain(
      '"format":"billing-service-logical-backup"',
    );

    const restore = await backupCommand(source.url, 'restore', backupFile, '--database-url', restored.url);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`restored ${backupFile}: schema version`);

    const verify = await backupCommand(source.url, 'verify', source.url, restored.url);
    expect(verify.code, verify.stderr).toBe(0);
    const rows = new Map(verify.stdout.split('\n').map((line) => [line.split(' ')[0], line.split(' ')[1]]));
    expect(rows.get('customers')).toBe('25');
    expect(rows.get('orders')).toBe('5');
    expect(rows.get('order_items')).toBe('5');
    expect(rows.get('stripe_events')).toBe('40');
    for (const table of ['invoices', 'subscriptions', 'entitlements', 'applied_effects', 'outbox_events']) {
      expect(rows.get(table), table).toBe('0');
    }
    expect(verify.stdout).toMatch(/the databases are equal: \d+ tables/);

    // The schema version and the sequences came along; the text survived COPY's escaping.
    const migrations = (url: string) =>
      query<{ name: string }>(url, 'SELECT name FROM pgmigrations ORDER BY id');
    expect(await migrations(restored.url)).toEqual(await migrations(source.url));
    const feedPosition = (url: string) => query(url, 'SELECT last_value FROM outbox_feed_position');
    expect(await feedPosition(restored.url)).toEqual([{ last_value: '7' }]);
    const [customer] = await query<{ name: string }>(
      restored.url,
      "SELECT name FROM customers WHERE external_id = 'user_3'",
    );
    expect(customer?.name).toBe('Zoë\t3\nline \\ two');
  });

  it('reports the table that differs and exits 1', async () => {
    await query(
      restored.url,
      "UPDATE customers SET email = 'changed@example.com' WHERE external_id = 'user_7'",
    );
    const verify = await backupCommand(source.url, 'verify', source.url, restored.url);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('the databases differ:');
    expect(verify.stdout).toMatch(/^ {2}customers: first 25 rows \w{64}, second 25 rows \w{64}$/m);
    expect(verify.stdout).not.toMatch(/^ {2}stripe_events:/m);
  });

  it('refuses to restore over a database that has tables, leaving it as it was', async () => {
    const restore = await backupCommand(source.url, 'restore', backupFile, '--database-url', source.url);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(/refusing to restore: the target database already has \d+ table/);
    const [count] = await query<{ count: string }>(source.url, 'SELECT count(*) FROM customers');
    expect(count?.count).toBe('25');
  });

  it('refuses to overwrite an existing backup file', async () => {
    const created = await backupCommand(source.url, 'create', '--out', backupFile);
    expect(created.code).toBe(1);
    expect(created.stderr).toContain(`${backupFile} exists already`);
  });

  it('refuses a cut, damaged or foreign file cleanly and writes nothing to the target', async () => {
    const original = readFileSync(backupFile);
    const content = gunzipSync(original);
    const damagedGzip = Buffer.from(original);
    damagedGzip[Math.floor(original.length / 2)]! ^= 0xff;
    const cases: Array<[string, Buffer, RegExp]> = [
      ['cut.gz', original.subarray(0, Math.floor(original.length / 2)), /unexpected end of file/],
      ['damaged.gz', damagedGzip, /not a complete billing backup/],
      // A complete gzip stream of a cut backup: only the backup's own framing can tell.
      [
        'cut-content.gz',
        gzipSync(content.subarray(0, Math.floor(content.length * 0.7))),
        /ends early, in table/,
      ],
      ['edited.gz', gzipSync(Buffer.from(content.toString('utf8').replace('user_3', 'user_X'))), /SHA-256/],
      ['not-a-backup.gz', Buffer.from('hello, this is not gzip\n'), /incorrect header check/],
    ];
    for (const [name, bytes, reason] of cases) {
      const file = path.join(workspace, name);
      writeFileSync(file, bytes);
      const target = await freshDatabase();
      const restore = await backupCommand(source.url, 'restore', file, '--database-url', target.url);
      expect(restore.code, name).toBe(1);
      expect(restore.stderr, name).toContain(`${file} is not a complete billing backup`);
      expect(restore.stderr, name).toMatch(reason);
      expect(await publicTableCount(target.url), name).toBe(0);
    }
  });

  it('loads all tables or none: a row the database refuses rolls back every table already loaded', async () => {
    // A well-formed backup (checksum and counts recomputed) whose orders hold a status the CHECK refuses;
    // orders load after customers, so customers were already copied when the load fails.
    const lines = gunzipSync(readFileSync(backupFile)).toString('utf8').split('\n');
    const trailer = JSON.parse(lines.at(-2)!) as { row_counts: Record<string, number>; sha256: string };
    const body = `${lines
      .slice(0, -2)
      .map((line) => line.replace(/\tpaid\teur\t/, '\tlost\teur\t'))
      .join('\n')}\n`;
    expect(body).toContain('\tlost\teur\t');
    trailer.sha256 = createHash('sha256').update(body).digest('hex');
    const file = path.join(workspace, 'refused-row.backup.gz');
    writeFileSync(file, gzipSync(`${body}${JSON.stringify(trailer)}\n`));

    const target = await freshDatabase();
    const restore = await backupCommand(source.url, 'restore', file, '--database-url', target.url);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain('restore failed and was rolled back');
    expect(restore.stderr).toContain('orders_status_check');
    expect(restore.stderr).toContain('drop it and create it empty before trying again');
    const [customers] = await query<{ count: string }>(target.url, 'SELECT count(*) FROM customers');
    expect(customers?.count).toBe('0');
  });

  it('migrates the fresh database to exactly the schema version of the backup', async () => {
    const older = await freshDatabase();
    const logger = createLogger({ level: 'silent', pretty: false, secrets: [] });
    await applyMigrations({ databaseUrl: older.url, logger, count: 5 });
    await query(
      older.url,
      "INSERT INTO customers (external_id, email) VALUES ('early', 'early@example.com')",
    );
    const file = path.join(workspace, 'older.backup.gz');
    const created = await backupCommand(older.url, 'create', '--out', file);
    expect(created.stdout).toContain(`schema version ${(await listMigrationNames())[4]}`);

    const target = await freshDatabase();
    const restore = await backupCommand(source.url, 'restore', file, '--database-url', target.url);
    expect(restore.code, restore.stderr).toBe(0);
    const applied = await query<{ name: string }>(target.url, 'SELECT name FROM pgmigrations ORDER BY id');
    expect(applied.map((row) => row.name)).toEqual((await listMigrationNames()).slice(0, 5));
    expect(await query(target.url, "SELECT to_regclass('stripe_events') AS later_table")).toEqual([
      { later_table: null },
    ]);
    expect((await backupCommand(source.url, 'verify', older.url, target.url)).code).toBe(0);
  });

  it('refuses a backup whose schema version this code does not know', async () => {
    const newer = await createTestDatabase();
    databases.push(newer);
    await query(newer.url, "INSERT INTO pgmigrations (name, run_on) VALUES ('9999_from_the_future', now())");
    const file = path.join(workspace, 'newer.backup.gz');
    expect((await backupCommand(newer.url, 'create', '--out', file)).code).toBe(0);
    const target = await freshDatabase();
    const restore = await backupCommand(source.url, 'restore', file, '--database-url', target.url);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toContain(
      "refusing to restore: the backup's schema version includes migration 9999_from_the_future",
    );
    expect(await publicTableCount(target.url)).toBe(0);
  });

  it('exits 2 with its usage for a missing argument', async () => {
    const outcome = await backupCommand(source.url, 'restore', backupFile);
    expect(outcome.code).toBe(2);
    expect(outcome.stdout).toContain('usage: backup create --out FILE');
  });
});
