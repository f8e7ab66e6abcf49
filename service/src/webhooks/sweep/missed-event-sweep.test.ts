// The service "down" (the emulator cannot deliver: its deliveries are held) while customers buy, subscribe,
// renew and get refunded: the sweep over Stripe's Events API recovers every event it could not deliver, and
// our state ends equal to Stripe's. A rate-limited sweep reports so and keeps its cursor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advanceClock,
  checkout,
  createCustomer,
  expectStateMatchesEmulator,
} from '../../test-support/billing-flows.js';
import { startBillingWorld, type BillingWorld } from '../../test-support/billing-world.js';
import { webhookMetricsFor } from '../webhook-metrics.js';
import { sweepMissedEvents, SWEEP_CURSOR } from './missed-event-sweep.js';
import { findSyncCursor } from './sync-cursors.js';

describe('missed-event sweep', () => {
  let world: BillingWorld;

  beforeAll(async () => {
    world = await startBillingWorld();
    await world.settle();
  });
  afterAll(async () => {
    await world.closeAll();
  });

  const sweep = () =>
    sweepMissedEvents({
      pool: world.dependencies.pool,
      stripe: world.dependencies.stripe,
      logger: world.dependencies.logger,
      metrics: webhookMetricsFor(world.dependencies.metrics.registry),
      overlapSeconds: 3600,
    });

  it('recovers every event the emulator could not deliver while the service was down', async () => {
    const before = await world.dependencies.pool.query<{ id: string }>('SELECT id FROM stripe_events');
    world.emulator.webhooks.pause();
    for (const customer of ['offline_buyer', 'offline_subscriber']) await createCustomer(world, customer);
    let session = '';
    for (let quantity = 1; quantity <= 25; quantity += 1) {
      session = await checkout(world, {
        customer: 'offline_buyer',
        mode: 'payment',
        items: [{ lookup_key: quantity % 2 === 0 ? 'guide_pdf' : 'mug', quantity }],
      });
    }
    await checkout(world, {
      customer: 'offline_subscriber',
      mode: 'subscription',
      items: [{ lookup_key: 'team_monthly', quantity: 1 }],
      trial_days: 7,
    });
    // The trial ends and the first period is billed (within Stripe's 30 days of listable events).
    await advanceClock(world, 8 * 24 * 3600);
    const paymentIntent = (await world.stripe.checkout.sessions.retrieve(session)).payment_intent as string;
    await world.stripe.refunds.create({ payment_intent: paymentIntent, amount: 500 });
    expect((await world.dependencies.pool.query('SELECT id FROM stripe_events')).rowCount).toBe(
      before.rowCount,
    );

    const missed = new Set<string>();
    for await (const event of world.stripe.events.list({ limit: 100 })) missed.add(event.id);
    for (const row of before.rows) missed.delete(row.id);
    expect(missed.size).toBeGreaterThan(100); // more than one page of Stripe's Events API

    const result = await sweep();
    expect(result).toMatchObject({ outcome: 'succeeded', inserted: missed.size });
    const swept = await world.dependencies.pool.query<{ id: string }>(
      "SELECT id FROM stripe_events WHERE source = 'sweep'",
    );
    expect(new Set(swept.rows.map((row) => row.id))).toEqual(missed);

    await world.settle(30_000, { waitForDeliveries: false });
    await expectStateMatchesEmulator(world, ['offline_buyer', 'offline_subscriber']);
    // Sweeping again finds nothing new.
    expect(await sweep()).toMatchObject({ outcome: 'succeeded', inserted: 0 });
  });

  it('reports a rate-limited run as such and leaves the cursor where it was', async () => {
    const cursorBefore = await findSyncCursor(world.dependencies.pool, SWEEP_CURSOR);
    world.emulator.faults.add({ type: 'rate_limit', endpoint: 'GET /v1/events', count: 20 });
    const result = await sweep();
    expect(result.outcome).toBe('rate_limited');
    const cursorAfter = await findSyncCursor(world.dependencies.pool, SWEEP_CURSOR);
    expect(cursorAfter).toMatchObject({
      created_gte: cursorBefore?.created_gte,
      last_outcome: 'rate_limited',
    });
    const runs =
      await world.dependencies.metrics.registry.getSingleMetricAsString('webhook_sweep_runs_total');
    expect(runs).toMatch(/outcome="rate_limited"\} 1/);
  }, 20_000);
});
