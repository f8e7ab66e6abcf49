import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { createLogger } from '../observability/logger.js';
import { terminateOtherBackends } from '../test-support/terminate-backends.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';
import { createPool, type Pool } from './pool.js';

describe('the pool survives the server ending its connections', () => {
  let database: TestDatabase;
  let pool: Pool;
  const lines: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = parseConfig({ NODE_ENV: 'test', DATABASE_URL: database.url });
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger({ level: 'warn', pretty: false, secrets: [] }, destination);
    pool = createPool(database.url, config.database, logger);
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('a client checked out and idle in a transaction (as while waiting on Stripe) is terminated: no crash', async () => {
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query('SELECT 1');
    expect(await terminateOtherBackends(database.url)).toBeGreaterThan(0);
    // pg emits 'error' on the checked-out client itself, not on the pool: without a listener on every client,
    // that emit is an uncaught exception and ends the process (vitest reports it as an unhandled error).
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(client.query('COMMIT')).rejects.toThrow();
    client.release(true);
    expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
    expect(lines.join('')).toContain('database connection lost');
  });

  it('idle clients terminated in the pool are replaced', async () => {
    const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    for (const client of clients) client.release();
    expect(await terminateOtherBackends(database.url)).toBeGreaterThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const results = await Promise.all([1, 2, 3, 4].map(() => pool.query('SELECT 1')));
    expect(results).toHaveLength(4);
  });

  it('a query in flight when its backend is terminated rejects; the pool serves the next one', async () => {
    const slow = pool.query('SELECT pg_sleep(5) AS slept');
    const rejected = expect(slow).rejects.toThrow(/terminat/);
    // Only that backend: the pool's idle clients stay as they are.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      for (let attempt = 0; attempt < 50; attempt += 1) {
        const ended = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND query = 'SELECT pg_sleep(5) AS slept' AND state = 'active'`,
        );
        if ((ended.rowCount ?? 0) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await admin.end();
    }
    await rejected;
    expect((await pool.query('SELECT 1')).rowCount).toBe(1);
  });
});
