// Storing a subscription takes the customer's lock before the subscription's, as every other writer of the
// customer's state does. Found by the sustained-load run: a subscription refresh after a plan change
// (subscription, then the customer's event counter) deadlocked with an invoice event's transaction (counter,
// then subscription).
import type { PoolClient } from '../db/pool.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkout, createCustomer } from '../test-support/billing-flows.js';
import { startBillingWorld, type BillingWorld } from '../test-support/billing-world.js';

describe('the lock order of storing a subscription', () => {
  let world: BillingWorld;
  let customerId: string;
  let subscriptionId: string;

  beforeAll(async () => {
    world = await startBillingWorld();
    await createCustomer(world, 'lock_order');
    await checkout(world, {
      customer: 'lock_order',
      mode: 'subscription',
      items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
    });
    await world.settle(30_000);
    const { pool } = world.dependencies;
    const row = await pool.query<{ customer_id: string; stripe_subscription_id: string }>(
      `SELECT s.customer_id, s.stripe_subscription_id FROM subscriptions s
         JOIN customers c ON c.id = s.customer_id WHERE c.external_id = 'lock_order'`,
    );
    customerId = row.rows[0]!.customer_id;
    subscriptionId = row.rows[0]!.stripe_subscription_id;
    await world.worker.stop();
  }, 120_000);

  afterAll(() => world.closeAll());

  it('waits for a transaction holding the customer before it locks the subscription (no deadlock)', async () => {
    const { pool, subscriptions, outbox } = world.dependencies;
    // A change Stripe has and the mirror not yet (the worker is stopped): storing it appends an event.
    await world.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: true });
    // The other writer's fetch, before its transaction opens, as the handlers do.
    const fetched = await subscriptions.fetchSubscription(subscriptionId);

    // The other writer: it holds the customer (as an invoice event's transaction does after appending its
    // event) and will store the subscription next.
    const holder: PoolClient = await pool.connect();
    try {
      await holder.query('BEGIN');
      await outbox.lockCustomer(holder, customerId);

      // A refresh (fetch, then store in a transaction of its own), as after a plan change.
      const outcome = subscriptions.refreshSubscription(subscriptionId).then(
        () => 'stored',
        (error: { code?: string; message?: string }) => error.code ?? error.message,
      );
      // The refresh is now waiting on a lock the holder has.
      await vi.waitFor(
        async () => {
          const waiting = await pool.query<{ count: string }>(
            `SELECT count(*) FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
          );
          expect(Number(waiting.rows[0]?.count)).toBe(1);
        },
        { timeout: 10_000, interval: 50 },
      );

      // Taking the subscription's lock now must not deadlock with the waiting refresh.
      const stored = await subscriptions.storeSubscription(holder, fetched);
      expect(stored?.stripe_subscription_id).toBe(subscriptionId);
      await holder.query('COMMIT');
      expect(await outcome).toBe('stored');
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
  }, 60_000);
});
