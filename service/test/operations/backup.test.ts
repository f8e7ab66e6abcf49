// deploy/backup: a logical backup (pg_dump) restored into a fresh database (pg_restore) holds the same billing
// data, table by table (row counts and checksums); a difference, or a restore over existing tables, fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSyntheticEvents } from '../../src/test-support/inbox-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../../src/test-support/test-database.js';
import { repositoryRoot } from './dockerfile-model.js';

const script = (name: string, ...args: string[]) =>
  spawnSync('bash', [path.join(repositoryRoot, 'deploy/backup', name), ...args], { encoding: 'utf8' });

describe('logical backup and restore', () => {
  let source: TestDatabase;
  let restored: TestDatabase;
  let sourcePool: pg.Pool;
  let workspace: string;

  beforeAll(async () => {
    workspace = mkdtempSync(path.join(tmpdir(), 'billing-backup-'));
    source = await createTestDatabase();
    restored = await createTestDatabase({ migrated: false });
    sourcePool = new pg.Pool({ connectionString: source.url });
    await sourcePool.query(
      `INSERT INTO customers (external_id, email, name, metadata, stripe_customer_id)
       SELECT 'user_' || n, 'user' || n || '@example.com', 'Zoë ' || n, jsonb_build_object('n', n), 'cus_' || n
       FROM generate_series(1, 25) AS n`,
    );
    await insertSyntheticEvents(sourcePool, { prefix: 'backup', count: 40, type: 'invoice.paid' });
  });

  afterAll(async () => {
    await sourcePool.end();
    await source.drop();
    await restored.drop();
    rmSync(workspace, { recursive: true, force: true });
  });

  it('dumps, restores into an empty database and finds every table equal', () => {
    const file = path.join(workspace, 'billing.dump');
    const backup = script('logical-backup.sh', source.url, file);
    expect(backup.stderr).toBe('');
    expect(backup.stdout).toContain(`backup written to ${file}`);
    const restore = script('logical-restore.sh', file, restored.url);
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);

    const verify = script('verify-restore.sh', source.url, restored.url);
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    const rows = new Map(verify.stdout.split('\n').map((line) => [line.split(' ')[0], line.split(' ')[1]]));
    expect(rows.get('customers')).toBe('25');
    expect(rows.get('stripe_events')).toBe('40');
    for (const table of [
      'orders',
      'invoices',
      'subscriptions',
      'entitlements',
      'applied_effects',
      'pgmigrations',
    ]) {
      expect(rows.has(table), table).toBe(true);
    }
    expect(verify.stdout).toMatch(/restore matches its source: \d+ tables/);
  });

  it('reports the table that differs', async () => {
    const restoredPool = new pg.Pool({ connectionString: restored.url });
    try {
      await restoredPool.query(
        "UPDATE customers SET email = 'changed@example.com' WHERE external_id = 'user_7'",
      );
    } finally {
      await restoredPool.end();
    }
    const verify = script('verify-restore.sh', source.url, restored.url);
    expect(verify.status).toBe(1);
    expect(verify.stderr).toContain('restore differs from its source');
    expect(verify.stderr).toMatch(/^[<>] customers 25 /m);
    expect(verify.stderr).not.toMatch(/^[<>] stripe_events /m);
  });

  it('refuses to restore over a database that has tables', () => {
    const file = path.join(workspace, 'again.dump');
    expect(script('logical-backup.sh', source.url, file).status).toBe(0);
    const restore = script('logical-restore.sh', file, source.url);
    expect(restore.status).toBe(1);
    expect(restore.stderr).toMatch(/refusing to restore: the target database already has \d+ table/);
  });
});
