// The inbox statuses in code are the ones the table accepts: a status added on one side only fails here.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test-support/test-database.js';
import { INBOX_STATUSES, inboxStatusSql, isInboxStatus } from './inbox-statuses.js';

describe('inbox statuses', () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it("are exactly the statuses stripe_events' CHECK constraint accepts", async () => {
    const { rows } = await client.query<{ definition: string }>(
      `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
        WHERE conrelid = 'stripe_events'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%status%'`,
    );
    const accepted = [...(rows[0]?.definition ?? '').matchAll(/'(\w+)'::text/g)].map((match) => match[1]);
    expect(accepted.sort()).toEqual([...INBOX_STATUSES].sort());
  });

  it('render as SQL literals and recognise only their own names', () => {
    expect(inboxStatusSql('pending', 'failed')).toBe("'pending', 'failed'");
    expect(isInboxStatus('dead')).toBe(true);
    expect(isInboxStatus('deleted')).toBe(false);
  });
});
