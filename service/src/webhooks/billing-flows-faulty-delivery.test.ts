// End to end again, with the emulator delivering every event twice, some late, all in shuffled order: our
// state must still equal Stripe's, with every event applied exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStateMatchesEmulator, runAllFlows } from '../test-support/billing-flows.js';
import { startBillingWorld, type BillingWorld } from '../test-support/billing-world.js';

describe('billing flows with duplicated, delayed and shuffled webhook delivery', () => {
  let world: BillingWorld;

  beforeAll(async () => {
    world = await startBillingWorld();
    world.emulator.webhooks.faults.add({ type: 'duplicate' });
    world.emulator.webhooks.faults.add({ type: 'delay', delay_ms: 400, probability: 0.3 });
    world.emulator.webhooks.faults.add({ type: 'reorder', window_ms: 200 });
  });
  afterAll(async () => {
    await world.closeAll();
  });

  it('ends in the same state as Stripe, each event applied once despite the duplicates', async () => {
    const customers = await runAllFlows(world);
    await world.settle(60_000);
    await expectStateMatchesEmulator(world, customers);

    const deliveries = world.emulator.webhooks.deliveries();
    const duplicates = deliveries.filter((delivery) => delivery.kind === 'duplicate');
    expect(duplicates.length).toBeGreaterThan(50);
    const events = await world.dependencies.pool.query<{ count: string }>(
      'SELECT count(*) FROM stripe_events',
    );
    expect(Number(events.rows[0]?.count)).toBe(new Set(deliveries.map((delivery) => delivery.event_id)).size);
    const applied = await world.dependencies.pool.query<{ count: string }>(
      'SELECT count(DISTINCT event_id) AS count FROM applied_effects',
    );
    const processed = await world.dependencies.pool.query<{ count: string }>(
      "SELECT count(*) FROM stripe_events WHERE status = 'processed'",
    );
    expect(applied.rows[0]?.count).toBe(processed.rows[0]?.count);
    const duplicateAnswers = await world.dependencies.metrics.registry.getSingleMetricAsString(
      'webhook_events_received_total',
    );
    expect(duplicateAnswers).toMatch(/outcome="duplicate"/);
  });
});
