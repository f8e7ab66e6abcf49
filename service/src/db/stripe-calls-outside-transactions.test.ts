// No transaction or lock is held while we wait on Stripe: with the emulator slowed down, none of our
// connections sits `idle in transaction` while the worker (a completed checkout) or a request (a subscription
// sync) waits on Stripe, and terminating our backends in that window loses nothing and applies nothing twice.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkout, createCustomer, expectStateMatchesEmulator } from '../test-support/billing-flows.js';
import { completeCheckoutSession } from '../test-support/emulator-control.js';
import { SHOP, startBillingWorld, type BillingWorld } from '../test-support/billing-world.js';
import { withTransaction } from './transaction.js';

const LATENCY_MS = 2000;
/**
 * A session counts as held across the Stripe call when it has sat idle inside a transaction this long: far
 * longer than the gap between two statements of a transaction, far shorter than the Stripe latency injected.
 */
const HELD_MS = 600;

/** A connection of its own (not the service's application_name) that watches and ends the service's sessions. */
interface BackendWatch {
  /** Our sessions of the test database `idle in transaction` for HELD_MS or more, with what they last ran. */
  idleInTransaction: () => Promise<string[]>;
  /** Ends every session of the service on the test database; returns how many. */
  terminateOurBackends: () => Promise<number>;
  close: () => Promise<void>;
}

async function watchBackends(databaseUrl: string): Promise<BackendWatch> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'backend-watch' });
  client.on('error', () => undefined);
  await client.connect();
  return {
    async idleInTransaction() {
      const result = await client.query<{ query: string }>(
        `SELECT query FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'billing-service'
            AND state IN ('idle in transaction', 'idle in transaction (aborted)')
            AND clock_timestamp() - state_change >= make_interval(secs => $1::float8 / 1000)`,
        [HELD_MS],
      );
      return result.rows.map((row) => row.query);
    },
    async terminateOurBackends() {
      const result = await client.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'billing-service'
            AND pid <> pg_backend_pid()`,
      );
      return result.rowCount ?? 0;
    },
    close: () => client.end(),
  };
}

/** Samples our sessions until `done` settles; every `idle in transaction` seen, and how many samples were taken. */
async function sampleWhile(
  watch: BackendWatch,
  done: Promise<unknown>,
): Promise<{ seen: string[]; samples: number }> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  const seen: string[] = [];
  let samples = 0;
  while (!finished) {
    seen.push(...(await watch.idleInTransaction()));
    samples += 1;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { seen, samples };
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('no transaction is held across a Stripe call', () => {
  let world: BillingWorld;
  let watch: BackendWatch;

  beforeAll(async () => {
    world = await startBillingWorld();
    watch = await watchBackends(world.database.url);
  });

  afterAll(async () => {
    world.emulator.faults.clear();
    await watch.close();
    await world.closeAll();
  });

  it('the gateway refuses a call made inside a transaction', async () => {
    await expect(
      withTransaction(world.dependencies.pool, () => world.dependencies.stripe.retrievePrice('price_any')),
    ).rejects.toThrow(/inside a database transaction/);
  });

  it('a completed checkout: the worker waits on Stripe with no transaction open, and survives terminations', async () => {
    const buyers = ['slow_one', 'slow_two', 'slow_three'];
    const sessions: string[] = [];
    for (const buyer of buyers) {
      await createCustomer(world, buyer);
      const response = await world.call('POST', '/v1/checkout/sessions', {
        customer: buyer,
        mode: 'payment',
        items: [{ lookup_key: 'guide_pdf', quantity: 1 }],
        success_url: `${SHOP}/ok?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${SHOP}/cart`,
      });
      expect(response.statusCode).toBe(201);
      sessions.push(response.json<{ id: string }>().id);
    }
    const { pool } = world.dependencies;
    world.emulator.faults.add({
      type: 'latency',
      endpoint: 'GET /v1/checkout/sessions/:id',
      latency_ms: LATENCY_MS,
    });
    await Promise.all(sessions.map((id) => completeCheckoutSession(world.emulator, id)));

    // The worker has claimed a checkout.session.completed: it is waiting on the slowed refetch now.
    await waitFor(
      async () =>
        (
          await pool.query(
            `SELECT 1 FROM stripe_events WHERE type = 'checkout.session.completed' AND status = 'processing'`,
          )
        ).rowCount !== 0,
      20_000,
      'the worker to claim a completed checkout',
    );
    const { seen, samples } = await sampleWhile(
      watch,
      new Promise((resolve) => setTimeout(resolve, LATENCY_MS * 0.75)),
    );
    const terminated = await watch.terminateOurBackends();
    const later = await sampleWhile(watch, new Promise((resolve) => setTimeout(resolve, LATENCY_MS)));
    world.emulator.faults.clear();
    await world.settle(60_000);

    expect(samples).toBeGreaterThan(0);
    expect(terminated).toBeGreaterThan(0);
    expect([...seen, ...later.seen]).toEqual([]);
    // Nothing lost, nothing applied twice: one order per session, one order.paid each, state equal to Stripe's.
    const orders = await pool.query<{ stripe_checkout_session_id: string }>(
      'SELECT stripe_checkout_session_id FROM orders WHERE stripe_checkout_session_id = ANY($1)',
      [sessions],
    );
    expect(orders.rows.map((row) => row.stripe_checkout_session_id).sort()).toEqual([...sessions].sort());
    const paid = await pool.query<{ count: string }>(
      `SELECT count(*) FROM outbox_events WHERE type = 'order.paid'`,
    );
    expect(Number(paid.rows[0]?.count)).toBe(sessions.length);
    const open = await pool.query(
      `SELECT id FROM stripe_events WHERE status NOT IN ('processed', 'ignored')`,
    );
    expect(open.rows).toEqual([]);
    await expectStateMatchesEmulator(world, buyers);
  }, 120_000);

  it('a subscription sync: the request waits on Stripe with no transaction open, and survives terminations', async () => {
    await createCustomer(world, 'syncing');
    await checkout(world, {
      customer: 'syncing',
      mode: 'subscription',
      items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
    });
    await world.settle(30_000);
    const { pool } = world.dependencies;
    world.emulator.faults.add({
      type: 'latency',
      endpoint: 'GET /v1/subscriptions/:id',
      latency_ms: LATENCY_MS,
    });

    const request = world.call('POST', '/v1/customers/syncing/subscriptions/sync');
    const { seen, samples } = await sampleWhile(
      watch,
      new Promise((resolve) => setTimeout(resolve, LATENCY_MS * 0.75)),
    );
    const terminated = await watch.terminateOurBackends();
    const after = await sampleWhile(watch, request);
    const response = await request;
    world.emulator.faults.clear();

    expect(samples).toBeGreaterThan(0);
    expect(terminated).toBeGreaterThanOrEqual(0);
    expect([...seen, ...after.seen]).toEqual([]);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ data: Array<{ status: string }> }>().data.map((s) => s.status)).toEqual([
      'active',
    ]);
    await world.settle(30_000);
    const subscriptionEvents = await pool.query<{ count: string }>(
      `SELECT count(*) FROM outbox_events WHERE type = 'subscription.created'`,
    );
    expect(Number(subscriptionEvents.rows[0]?.count)).toBe(1);
    await expectStateMatchesEmulator(world, ['syncing']);
  }, 120_000);
});
