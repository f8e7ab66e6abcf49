// The fetch watermark: of two fetches of one object, the one that started after the stored one ended is written,
// two that overlapped ask for a refetch (or, on the last attempt, the later start wins), and fetchThenStore
// fetches again until its fetch can be ordered. The fetched values stand for Stripe objects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { createPool, type Pool } from '../db/pool.js';
import { withTransaction } from '../db/transaction.js';
import { createLogger } from '../observability/logger.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';
import {
  claimNewestFetch,
  fetchStripeObject,
  fetchThenStore,
  RefetchRequiredError,
  type FetchedObject,
} from './object-fetches.js';

describe('stripe object fetches', () => {
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
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  const fetchOf = (id: string, value: string, final = false) =>
    fetchStripeObject(pool, id, async () => value, { final });
  const claim = (fetched: FetchedObject<string>) =>
    withTransaction(pool, (client) => claimNewestFetch(client, fetched));

  it('writes a fetch that started after the stored one ended', async () => {
    expect(await claim(await fetchOf('sub_sequential', 'first'))).toBe(true);
    expect(await claim(await fetchOf('sub_sequential', 'second'))).toBe(true);
  });

  it('asks for a refetch when two fetches overlapped, and settles by the later start on the last attempt', async () => {
    const earlier = await fetchOf('sub_overlap', 'earlier');
    const later = await fetchOf('sub_overlap', 'later');
    expect(await claim(later)).toBe(true);
    await expect(claim(earlier)).rejects.toBeInstanceOf(RefetchRequiredError);
    expect(await claim({ ...earlier, final: true })).toBe(false);
    const latest = await fetchOf('sub_overlap', 'latest');
    const overlapping = await fetchOf('sub_overlap', 'overlapping');
    expect(await claim({ ...latest, final: true })).toBe(true);
    expect(await claim({ ...overlapping, final: true })).toBe(true);
  });

  it('fetches again until the store can order its fetch', async () => {
    await pool.query('CREATE TABLE mirrored (id text PRIMARY KEY, value text NOT NULL)');
    const store = async (id: string, value: string) => {
      const fetched = await fetchOf(id, value);
      return { fetched, write: () => claim(fetched) };
    };
    // A store of an older overlapping fetch commits first in the real race; here it is arranged by hand.
    const stale = await store('sub_retry', 'stale');
    let fetches = 0;
    const written = await fetchThenStore(
      pool,
      'sub_retry',
      async () => {
        fetches += 1;
        // The first fetch overlaps one written meanwhile; the second starts after it.
        if (fetches === 1) await stale.write();
        return `fetch ${fetches}`;
      },
      async (client, fetched) => {
        if (!(await claimNewestFetch(client, fetched))) return undefined;
        await client.query(
          `INSERT INTO mirrored (id, value) VALUES ($1, $2)
           ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value`,
          [fetched.objectId, fetched.object],
        );
        return fetched.object;
      },
    );
    expect(fetches).toBe(2);
    expect(written).toBe('fetch 2');
    const rows = await pool.query<{ value: string }>('SELECT value FROM mirrored WHERE id = $1', [
      'sub_retry',
    ]);
    expect(rows.rows[0]?.value).toBe('fetch 2');
  });
});
