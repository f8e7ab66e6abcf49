// The worker process (src/worker.ts) is killed with SIGKILL at random moments, again and again, while buyers
// keep paying and events keep arriving, and restarted each time. Afterwards no event is lost, none was applied
// twice (the effect ledger's key would have failed such an attempt loudly, leaving its error on the row), and
// our state equals the emulator's. Finally SIGTERM stops it cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkout, createCustomer, expectStateMatchesEmulator } from '../../test-support/billing-flows.js';
import { startBillingWorld, WEBHOOK_SECRET, type BillingWorld } from '../../test-support/billing-world.js';
import { startServiceProcess, type ServiceProcess } from '../../test-support/service-process.js';

const KILLS = 10;
// Traffic is bounded by count, not by how long the kills take: a slower worker start must not grow the backlog
// the survivor has to drain.
const MAX_BUYERS = 120;

describe('worker crashes', () => {
  let world: BillingWorld;

  beforeAll(async () => {
    world = await startBillingWorld({ startWorker: false });
  });
  afterAll(async () => {
    await world.closeAll();
  });

  const startWorkerProcess = (): ServiceProcess =>
    startServiceProcess('src/worker.ts', {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: world.database.url,
      MIGRATE_ON_START: 'false',
      METRICS_PORT: '0',
      STRIPE_API_BASE: world.emulator.url,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      WEBHOOK_LEASE_MS: '1000',
      WEBHOOK_POLL_INTERVAL_MS: '50',
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_RETRY_MAX_MS: '500',
      WEBHOOK_MAX_ATTEMPTS: '50',
      WEBHOOK_WORKER_BATCH_SIZE: '10',
      WEBHOOK_SWEEP_INTERVAL_MS: '0',
      STRIPE_RATE_BUDGET_PER_SECOND: '100000',
    });

  it(`loses nothing and applies nothing twice across ${KILLS} SIGKILLs at random points`, async () => {
    // A new buyer each round: a cart is never repeated while its session's completion is still unapplied.
    const buyers: string[] = [];
    let buying = true;
    const traffic = (async () => {
      for (let round = 0; buying && round < MAX_BUYERS; round += 1) {
        const buyer = `crash_${round}`;
        buyers.push(buyer);
        await createCustomer(world, buyer);
        await checkout(world, {
          customer: buyer,
          mode: round % 4 === 0 ? 'subscription' : 'payment',
          items: [{ lookup_key: round % 4 === 0 ? 'pro_monthly' : 'guide_pdf', quantity: 1 + (round % 3) }],
        });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    let kills = 0;
    for (; kills < KILLS; kills += 1) {
      const worker = startWorkerProcess();
      await worker.waitForLog((line) => line.msg === 'inbox worker started');
      // Somewhere inside claiming, applying or committing a batch.
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 400));
      worker.child.kill('SIGKILL');
      expect((await worker.exited).signal).toBe('SIGKILL');
    }
    buying = false;
    await traffic;

    const survivor = startWorkerProcess();
    await survivor.waitForLog((line) => line.msg === 'inbox worker started');
    await world.settle(60_000);
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toEqual({ code: 0, signal: null });
    expect(survivor.logs.some((line) => line.msg === 'inbox worker stopped')).toBe(true);

    const { pool } = world.dependencies;
    const delivered = new Set(world.emulator.webhooks.deliveries().map((delivery) => delivery.event_id));
    const stored = await pool.query<{ id: string; status: string; errors: string }>(
      'SELECT id, status, error_history::text AS errors FROM stripe_events',
    );
    expect(stored.rows.map((row) => row.id).sort()).toEqual([...delivered].sort());
    expect(stored.rows.filter((row) => !['processed', 'ignored'].includes(row.status))).toEqual([]);
    expect(stored.rows.filter((row) => row.errors.includes('applied_effects'))).toEqual([]);
    const crashed = await pool.query<{ count: string }>(
      'SELECT count(*) FROM stripe_events WHERE attempts > 1',
    );
    expect(Number(crashed.rows[0]?.count)).toBeGreaterThan(0);
    await expectStateMatchesEmulator(world, buyers);
  }, 120_000);
});
