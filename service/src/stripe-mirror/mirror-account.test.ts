// The mirror belongs to the Stripe account of its first listing: two emulators are two accounts, and an instance
// pointed at the second one on the same database has its catalog sync and backfill refused, both accounts named,
// the mirror unchanged (before, it copied the second catalog and marked every price of the first deleted).
import { startEmulator, type RunningEmulator } from 'stripe-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';
import { backfillFromStripe } from '../webhooks/sync/stripe-backfill.js';

const catalogOf = (id: string) => ({
  products: [
    {
      id,
      name: `Plan ${id}`,
      metadata: { features: 'reports' },
      prices: [
        { lookup_key: `${id}_monthly`, unit_amount: 900, currency: 'usd', recurring: { interval: 'month' } },
      ],
    },
  ],
});

describe('the catalog mirror belongs to one Stripe account', () => {
  let database: TestDatabase;
  let emulators: RunningEmulator[];
  let first: TestApp;
  let second: TestApp;
  let firstAccount: string;
  let secondAccount: string;
  const appFor = (emulator: RunningEmulator) =>
    buildTestApp({
      databaseUrl: database.url,
      environment: { LOG_LEVEL: 'warn', STRIPE_API_BASE: emulator.url, STRIPE_MAX_NETWORK_RETRIES: '0' },
    });
  const mirror = async () =>
    (
      await first.dependencies.pool.query<{ id: string; deleted: boolean }>(
        `SELECT id, deleted_at IS NOT NULL AS deleted FROM products
         UNION ALL SELECT lookup_key, deleted_at IS NOT NULL FROM prices ORDER BY 1`,
      )
    ).rows;

  beforeAll(async () => {
    database = await createTestDatabase();
    emulators = [
      await startEmulator({ seed: catalogOf('prod_first'), logLevel: 'silent' }),
      await startEmulator({ seed: catalogOf('prod_other'), logLevel: 'silent' }),
    ];
    first = await appFor(emulators[0]!);
    second = await appFor(emulators[1]!);
    firstAccount = (await first.dependencies.stripe.retrieveAccount()).id;
    secondAccount = (await second.dependencies.stripe.retrieveAccount()).id;
    await first.dependencies.catalog.syncFromStripe();
  });

  afterAll(async () => {
    await first.close();
    await second.close();
    for (const emulator of emulators) await emulator.close();
    await database.drop();
  });

  it('records the account of the first listing', async () => {
    expect(firstAccount).not.toBe(secondAccount);
    const { rows } = await first.dependencies.pool.query('SELECT account_id FROM stripe_mirror_account');
    expect(rows).toEqual([{ account_id: firstAccount }]);
    expect(await mirror()).toEqual([
      { id: 'prod_first', deleted: false },
      { id: 'prod_first_monthly', deleted: false },
    ]);
  });

  it("refuses another account's catalog sync, naming both accounts, and leaves the mirror as it was", async () => {
    const attempt = second.dependencies.catalog.syncFromStripe();
    await expect(attempt).rejects.toMatchObject({ code: 'conflict' });
    const message = await attempt.catch((error: unknown) => (error as Error).message);
    expect(message).toContain(`This database mirrors Stripe account ${firstAccount}`);
    expect(message).toContain(`is account ${secondAccount}`);
    expect(await mirror()).toEqual([
      { id: 'prod_first', deleted: false },
      { id: 'prod_first_monthly', deleted: false },
    ]);
    // The instance of the right account still syncs.
    await expect(first.dependencies.catalog.syncFromStripe()).resolves.toEqual({ products: 1, prices: 1 });
  });

  it("refuses another account's backfill before copying anything", async () => {
    await second.dependencies.stripe.createCustomer(
      { email: 'other@example.com', metadata: {} },
      'mirror-account-test',
    );
    const result = await backfillFromStripe(second.dependencies, { resume: false });
    expect(result.outcome).toBe('failed');
    expect(result.error).toContain(`account: This database mirrors Stripe account ${firstAccount}`);
    expect(result.counts.customers).toBe(0);
    const { rows } = await first.dependencies.pool.query('SELECT count(*)::int AS count FROM customers');
    expect(rows).toEqual([{ count: 0 }]);
  });
});
