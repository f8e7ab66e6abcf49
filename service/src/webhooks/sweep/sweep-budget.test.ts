// The missed-event sweep under the outbound Stripe budget: a listing the budget refuses is retried once there is
// room (as a 429 would be), so the run completes instead of failing.
import { randomBytes } from 'node:crypto';
import { startEmulator, type RunningEmulator } from 'stripe-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load-config.js';
import { createPool, type Pool } from '../../db/pool.js';
import { createLogger } from '../../observability/logger.js';
import { createMetrics } from '../../observability/metrics.js';
import { createStripeGateway, type StripeGateway } from '../../stripe/gateway.js';
import { createTestDatabase, type TestDatabase } from '../../test-support/test-database.js';
import { webhookMetricsFor } from '../webhook-metrics.js';
import { sweepMissedEvents } from './missed-event-sweep.js';

const logger = createLogger({ level: 'silent', pretty: false, secrets: [] });

describe('the missed-event sweep when the Stripe budget is used up', () => {
  let database: TestDatabase;
  let pool: Pool;
  let emulator: RunningEmulator;
  let stripe: StripeGateway;
  const registry = createMetrics().registry;

  beforeAll(async () => {
    emulator = await startEmulator({ logLevel: 'silent' });
    database = await createTestDatabase();
    pool = createPool(database.url, parseConfig({ NODE_ENV: 'test' }).database, logger);
    stripe = createStripeGateway(
      {
        secretKey: `sk_test_budget_${randomBytes(8).toString('hex')}`,
        apiBase: emulator.url,
        timeoutMs: 10_000,
        maxNetworkRetries: 0,
        breaker: { errorThresholdPercentage: 50, volumeThreshold: 1000, resetTimeoutMs: 1000 },
      },
      logger,
      registry,
      // One call a second and no wait: the sweep's first page is refused outright.
      { settings: { perSecond: 1, maxWaitMs: 0, keyMode: 'test' }, redis: undefined },
    );
  });
  afterAll(async () => {
    stripe.circuit.shutdown();
    await pool.end();
    await database.drop();
    await emulator.close();
  });

  it('retries the refused page once the budget has room and completes the run', async () => {
    await stripe.listProducts({ limit: 1 });
    const result = await sweepMissedEvents({
      pool,
      stripe,
      logger,
      metrics: webhookMetricsFor(registry),
      overlapSeconds: 60,
    });
    expect(result.outcome).toBe('succeeded');
    const refusals = await registry.getSingleMetricAsString('stripe_rate_budget_refusals_total');
    expect(refusals).toMatch(/stripe_rate_budget_refusals_total\{operation="events.list"\} [1-9]/);
  });
});
