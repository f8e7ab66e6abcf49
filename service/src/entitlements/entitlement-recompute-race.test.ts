// Catalog events applied in parallel by several workers recompute the same customers at once: none of them may
// fail (no duplicate entitlement key, no deadlock, no retry), and every customer ends with the right entitlements.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkout, createCustomer, expectStateMatchesEmulator } from '../test-support/billing-flows.js';
import { startBillingWorld, type BillingWorld } from '../test-support/billing-world.js';
import { webhookMetricsFor } from '../webhooks/webhook-metrics.js';
import { createInboxWorker } from '../webhooks/worker/inbox-worker.js';

const CUSTOMERS = 12;
const WORKERS = 4;
const ROUNDS = 3;
/** Products every customer holds: their events recompute all of them. */
const SHARED_PRODUCTS = ['prod_guide', 'prod_pro', 'prod_team', 'prod_mug'];

describe('entitlement recompute under parallel catalog events', () => {
  let world: BillingWorld;
  const customers = Array.from({ length: CUSTOMERS }, (_, index) => `holder_${index}`);

  beforeAll(async () => {
    world = await startBillingWorld();
    for (const [index, customer] of customers.entries()) {
      await createCustomer(world, customer);
      await checkout(world, {
        customer,
        mode: 'payment',
        items: [
          { lookup_key: 'guide_pdf', quantity: 1 },
          { lookup_key: 'mug', quantity: 1 },
        ],
      });
      await checkout(world, {
        customer,
        mode: 'subscription',
        items: [{ lookup_key: index % 2 === 0 ? 'pro_monthly' : 'team_monthly', quantity: 1 }],
      });
    }
    await world.settle(60_000);
    // From here on, only the parallel workers below apply events.
    await world.worker.stop();
  }, 180_000);

  afterAll(async () => {
    await world.closeAll();
  });

  it('applies every catalog event on the first attempt and leaves the right entitlements', async () => {
    const { pool } = world.dependencies;
    const before = await pool.query<{ last: string }>(
      `SELECT coalesce(max(received_at), now())::text AS last FROM stripe_events`,
    );
    for (let round = 0; round < ROUNDS; round += 1) {
      await Promise.all(
        SHARED_PRODUCTS.map((product, index) =>
          world.stripe.products.update(product, {
            metadata: { features: `${product}_${round},shared_${(round + index) % 2}` },
          }),
        ),
      );
    }
    await world.emulator.webhooks.waitForIdle(30_000);
    const pending = await pool.query<{ count: string }>(
      `SELECT count(*) FROM stripe_events WHERE type = 'product.updated' AND status = 'pending'`,
    );
    expect(Number(pending.rows[0]?.count)).toBe(SHARED_PRODUCTS.length * ROUNDS);

    const settings = { ...world.dependencies.config.webhooks, workerBatchSize: 2, workerConcurrency: 2 };
    const workers = Array.from({ length: WORKERS }, (_, index) =>
      createInboxWorker({
        pool,
        logger: world.dependencies.logger,
        metrics: webhookMetricsFor(world.dependencies.metrics.registry),
        handlers: world.dependencies.eventHandlers,
        settings,
        workerId: `parallel-${index}`,
      }),
    );
    const outcomes: string[] = [];
    await Promise.all(
      workers.map(async (worker) => {
        for (;;) {
          const batch = await worker.runBatch();
          if (batch.length === 0) return;
          outcomes.push(...batch);
        }
      }),
    );

    const events = await pool.query<{ id: string; attempts: number; last_error: string | null }>(
      `SELECT id, attempts, last_error FROM stripe_events
        WHERE type = 'product.updated' AND received_at > $1::timestamptz`,
      [before.rows[0]?.last],
    );
    expect(events.rows).toHaveLength(SHARED_PRODUCTS.length * ROUNDS);
    expect(events.rows.filter((row) => row.attempts !== 1 || row.last_error !== null)).toEqual([]);
    expect(outcomes.filter((outcome) => outcome !== 'processed')).toEqual([]);
    await expectStateMatchesEmulator(world, customers);
  }, 120_000);
});
