import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { createLogger } from '../observability/logger.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';
import { createPool, type Pool } from './pool.js';
import { withTransaction } from './transaction.js';

describe('withTransaction', () => {
  let database: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = parseConfig({ NODE_ENV: 'test', DATABASE_URL: database.url });
    pool = createPool(
      database.url,
      config.database,
      createLogger({ level: 'silent', pretty: false, secrets: [] }),
    );
    await pool.query('CREATE TABLE notes (body text NOT NULL)');
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('commits the work and returns its result', async () => {
    const result = await withTransaction(pool, async (client) => {
      await client.query("INSERT INTO notes (body) VALUES ('kept')");
      return 'done';
    });
    expect(result).toBe('done');
    const rows = await pool.query("SELECT body FROM notes WHERE body = 'kept'");
    expect(rows.rowCount).toBe(1);
  });

  it('rolls everything back and rethrows when the work fails', async () => {
    const failure = withTransaction(pool, async (client) => {
      await client.query("INSERT INTO notes (body) VALUES ('discarded')");
      throw new Error('payment provider said no');
    });
    await expect(failure).rejects.toThrow('payment provider said no');
    const rows = await pool.query("SELECT body FROM notes WHERE body = 'discarded'");
    expect(rows.rowCount).toBe(0);
  });

  it('applies the configured statement_timeout to pooled connections', async () => {
    const result = await pool.query<{ statement_timeout: string }>('SHOW statement_timeout');
    expect(result.rows[0]?.statement_timeout).toBe('10s');
  });
});
