// The backfill rebuilds subscriptions, invoices and entitlements from Stripe alone; a rate-limited run reports
// failure and `--resume` finishes it; the CLI prints the counts and exits 0 only on success.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../config/repository-root.js';
import {
  advanceClock,
  checkout,
  createCustomer,
  expectStateMatchesEmulator,
} from '../../test-support/billing-flows.js';
import { startBillingWorld, type BillingWorld } from '../../test-support/billing-world.js';
import { backfillFromStripe } from './stripe-backfill.js';

const run = promisify(execFile);

describe('sync backfill', () => {
  let world: BillingWorld;
  const customers = ['backfilled_a', 'backfilled_b'];

  beforeAll(async () => {
    world = await startBillingWorld();
    for (const customer of customers) await createCustomer(world, customer);
    await checkout(world, {
      customer: 'backfilled_a',
      mode: 'subscription',
      items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
    });
    await checkout(world, {
      customer: 'backfilled_b',
      mode: 'subscription',
      items: [{ lookup_key: 'team_monthly', quantity: 1 }],
    });
    await advanceClock(world, 31 * 24 * 3600);
    await world.settle();
    await world.worker.stop();
  });
  afterAll(async () => {
    await world.closeAll();
  });

  const forget = () =>
    world.dependencies.pool.query(
      'TRUNCATE subscriptions, subscription_items, invoices, entitlements CASCADE',
    );
  const backfill = (resume: boolean) => backfillFromStripe(world.dependencies, { resume });

  it('rebuilds subscriptions, invoices and entitlements from Stripe, with counts', async () => {
    await forget();
    const result = await backfill(false);
    expect(result.outcome).toBe('completed');
    expect(result.counts).toMatchObject({ customers: 2, subscriptions: 2, invoices: 4, entitlements: 2 });
    expect(result.counts.products).toBeGreaterThanOrEqual(5);
    await expectStateMatchesEmulator(world, customers);
  });

  it('leaves a customer that a later event already wrote as that event wrote it', async () => {
    const later = new Date(Date.now() + 60_000);
    await world.dependencies.pool.query(
      "UPDATE customers SET name = 'From a later event' WHERE external_id = 'backfilled_a'",
    );
    const { rows } = await world.dependencies.pool.query<{ stripe_customer_id: string }>(
      "SELECT stripe_customer_id FROM customers WHERE external_id = 'backfilled_a'",
    );
    const stripeId = rows[0]!.stripe_customer_id;
    await world.dependencies.pool.query(
      `INSERT INTO stripe_object_versions (object_id, event_created) VALUES ($1, $2)
       ON CONFLICT (object_id) DO UPDATE SET event_created = EXCLUDED.event_created`,
      [stripeId, later],
    );
    expect((await backfill(false)).outcome).toBe('completed');
    const after = await world.dependencies.pool.query<{ name: string }>(
      "SELECT name FROM customers WHERE external_id = 'backfilled_a'",
    );
    expect(after.rows[0]?.name).toBe('From a later event');
    // Objects no event has touched since are written as listed, with the listing's second as their version.
    const listed = await world.dependencies.pool.query<{ name: string | null }>(
      "SELECT name FROM customers WHERE external_id = 'backfilled_b'",
    );
    const stripeCustomer = await world.stripe.customers.search({
      query: "metadata['external_id']:'backfilled_b'",
    });
    expect(listed.rows[0]?.name ?? null).toBe(stripeCustomer.data[0]?.name ?? null);
    await world.dependencies.pool.query('DELETE FROM stripe_object_versions WHERE object_id = $1', [
      stripeId,
    ]);
  });

  it('reports a rate-limited run as a failure, and --resume completes it without starting over', async () => {
    await forget();
    world.emulator.faults.add({ type: 'rate_limit', endpoint: 'GET /v1/invoices', count: 20 });
    const stopped = await backfill(false);
    expect(stopped.outcome).toBe('rate_limited');
    expect(stopped.error).toMatch(/^invoices:/);
    expect(stopped.counts.subscriptions).toBe(2);
    world.emulator.faults.clear();
    const resumed = await backfill(true);
    expect(resumed).toMatchObject({
      outcome: 'completed',
      counts: { customers: 0, products: 0, prices: 0, subscriptions: 0, invoices: 4 },
    });
    await expectStateMatchesEmulator(world, customers);
  }, 30_000);

  it('runs as npm run billing -- sync, printing the counts', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'src/cli/main.ts', 'sync'],
      {
        cwd: path.join(repositoryRoot, 'service'),
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          DATABASE_URL: world.database.url,
          STRIPE_API_BASE: world.emulator.url,
        },
      },
    );
    expect(stdout).toMatch(
      /^sync completed: customers 2, products \d+, prices \d+, subscriptions 2, invoices 4, entitlements 2\n$/,
    );
  });
});
