// End to end: the emulator's flows through our API, webhooks delivered normally, our state equal to Stripe's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStateMatchesEmulator, runAllFlows } from '../test-support/billing-flows.js';
import { startBillingWorld, type BillingWorld } from '../test-support/billing-world.js';

describe('billing flows with normal webhook delivery', () => {
  let world: BillingWorld;

  beforeAll(async () => {
    world = await startBillingWorld();
  });
  afterAll(async () => {
    await world.closeAll();
  });

  it('ends with orders, subscriptions, invoices and entitlements equal to the emulator, every event applied once', async () => {
    const customers = await runAllFlows(world);
    await world.settle(30_000);
    await expectStateMatchesEmulator(world, customers);
    const statuses = await world.dependencies.pool.query<{ status: string; count: string }>(
      'SELECT status, count(*) FROM stripe_events GROUP BY status ORDER BY status',
    );
    expect(statuses.rows.map((row) => row.status)).toEqual(['ignored', 'processed']);
    // Every processed event left its effects in the ledger, whose key forbids a second application.
    const unledgered = await world.dependencies.pool.query(
      `SELECT id FROM stripe_events WHERE status = 'processed'
          AND NOT EXISTS (SELECT 1 FROM applied_effects WHERE event_id = stripe_events.id)`,
    );
    expect(unledgered.rows).toEqual([]);
  });
});
