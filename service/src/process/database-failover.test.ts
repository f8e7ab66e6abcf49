// The API and the worker as real processes, through a database that ends their connections again and again
// (pg_terminate_backend, as a restart or failover does) and then goes away entirely for a while. Neither process
// may exit; the API answers 503 (never 500) while the database is gone; afterwards everything converges by itself.
import { completeCheckoutSession } from '../test-support/emulator-control.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, expectStateMatchesEmulator } from '../test-support/billing-flows.js';
import { SHOP, startBillingWorld, WEBHOOK_SECRET, type BillingWorld } from '../test-support/billing-world.js';
import { startDatabaseProxy, type DatabaseProxy } from '../test-support/database-proxy.js';
import { startServiceProcess, waitForApiPort, type ServiceProcess } from '../test-support/service-process.js';
import { terminateOtherBackends } from '../test-support/terminate-backends.js';

const BUYERS = 12;
const TERMINATIONS = 15;

describe('API and worker processes through backend terminations and a database outage', () => {
  let world: BillingWorld;
  let proxy: DatabaseProxy;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  let apiKey: string;

  beforeAll(async () => {
    world = await startBillingWorld({ startWorker: false });
    proxy = await startDatabaseProxy(world.database.url);
    apiKey = (await world.dependencies.apiKeys.create({ name: 'failover', scopes: ['billing'] })).key;
    const environment = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: proxy.url,
      // Generous: on a loaded machine a connection can take a while even when the database is up.
      DATABASE_CONNECTION_TIMEOUT_MS: '3000',
      MIGRATE_ON_START: 'false',
      CATALOG_SYNC_ON_START: 'false',
      METRICS_PORT: '0',
      PORT: '0',
      STRIPE_API_BASE: world.emulator.url,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ALLOWED_REDIRECT_ORIGINS: SHOP,
      WEBHOOK_LEASE_MS: '2000',
      WEBHOOK_POLL_INTERVAL_MS: '50',
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_RETRY_MAX_MS: '500',
      WEBHOOK_MAX_ATTEMPTS: '100',
      WEBHOOK_SWEEP_INTERVAL_MS: '0',
    };
    api = startServiceProcess('src/server.ts', environment);
    worker = startServiceProcess('src/worker.ts', environment);
    await worker.waitForLog((line) => line.msg === 'inbox worker started');
  });

  afterAll(async () => {
    for (const child of [api, worker]) child.child.kill('SIGKILL');
    await proxy.close();
    await world.closeAll();
  });

  it('neither process exits, the API never answers 500, and the state converges with Stripe', async () => {
    const port = await waitForApiPort(api).catch((error: unknown) => {
      throw new Error(`${String(error)}; API log: ${JSON.stringify(api.logs.slice(-5))}`);
    });
    const buyers = Array.from({ length: BUYERS }, (_, index) => `failover_${index}`);
    const sessions: string[] = [];
    for (const [index, buyer] of buyers.entries()) {
      await createCustomer(world, buyer);
      const response = await world.call('POST', '/v1/checkout/sessions', {
        customer: buyer,
        mode: index % 3 === 0 ? 'subscription' : 'payment',
        items: [{ lookup_key: index % 3 === 0 ? 'pro_monthly' : 'guide_pdf', quantity: 1 }],
        success_url: `${SHOP}/ok?session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${SHOP}/cart`,
      });
      expect(response.statusCode).toBe(201);
      sessions.push(response.json<{ id: string }>().id);
    }
    // The worker fetches each completed session from Stripe; slowed down, that leaves its connections checked
    // out while the backends are terminated.
    world.emulator.faults.add({
      type: 'latency',
      endpoint: 'GET /v1/checkout/sessions/:id',
      latency_ms: 300,
    });

    const statuses: number[] = [];
    let probing = true;
    const probes = (async () => {
      for (let round = 0; probing; round += 1) {
        const response = await fetch(
          `http://127.0.0.1:${port}/v1/customers/${buyers[round % BUYERS]}/entitlements`,
          { headers: { authorization: `Bearer ${apiKey}` } },
        ).catch(() => undefined);
        if (response !== undefined) statuses.push(response.status);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    await Promise.all(sessions.map((id) => completeCheckoutSession(world.emulator, id)));
    for (let round = 0; round < TERMINATIONS; round += 1) {
      await terminateOtherBackends(world.database.url);
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
    // The database away for a while, then back.
    await proxy.cut();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await proxy.restore();
    world.emulator.faults.clear();
    await world.settle(60_000);
    probing = false;
    await probes;

    expect(api.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(statuses).toContain(503);
    const after = await fetch(`http://127.0.0.1:${port}/v1/customers/${buyers[0]}/entitlements`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(after.status).toBe(200);
    expect(
      worker.logs.some((line) => line.msg === 'database connection lost; the pool will replace it'),
    ).toBe(true);
    const open = await world.dependencies.pool.query<{ count: string }>(
      `SELECT count(*) FROM stripe_events WHERE status NOT IN ('processed', 'ignored')`,
    );
    expect(Number(open.rows[0]?.count)).toBe(0);
    await expectStateMatchesEmulator(world, buyers);
  }, 120_000);
});
