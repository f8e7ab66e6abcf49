// The worker and the outbound Stripe budget: an event whose refetch the budget refuses is postponed (due again
// later, its attempt undone), never failed towards dead; once the budget has room it is applied.
import { randomBytes } from 'node:crypto';
import { startEmulator, type RunningEmulator } from 'stripe-emulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../config/load-config.js';
import { createPool, type Pool } from '../../db/pool.js';
import { createLogger } from '../../observability/logger.js';
import { createMetrics } from '../../observability/metrics.js';
import { createStripeGateway, type StripeGateway } from '../../stripe/gateway.js';
import { insertSyntheticEvents, webhookSettings } from '../../test-support/inbox-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../../test-support/test-database.js';
import type { EventHandler } from '../handlers/event-handler.js';
import { webhookMetricsFor } from '../webhook-metrics.js';
import { createInboxWorker } from './inbox-worker.js';

const logger = createLogger({ level: 'silent', pretty: false, secrets: [] });

describe('the inbox worker when the Stripe budget refuses a refetch', () => {
  let database: TestDatabase;
  let pool: Pool;
  let emulator: RunningEmulator;
  let stripe: StripeGateway;
  const registry = createMetrics().registry;

  // A handler that refetches from Stripe through the gateway before it writes, as the real ones do.
  const refetching: EventHandler = {
    fetch: () => stripe.listProducts({ limit: 1 }),
    apply: async (event, context) => {
      await context.client.query('INSERT INTO budget_test_effects (event_id) VALUES ($1)', [event.id]);
      await context.recordEffect('test.refetch');
    },
  };
  const broken: EventHandler = {
    apply: async () => {
      throw new Error('a handler that always fails');
    },
  };
  const handlers = new Map([
    ['test.refetch', refetching],
    ['test.broken', broken],
  ]);
  // One attempt only: any failure that counted would make the event dead at once.
  const worker = () =>
    createInboxWorker({
      pool,
      logger,
      metrics: webhookMetricsFor(registry),
      handlers,
      settings: webhookSettings({ WEBHOOK_MAX_ATTEMPTS: '1' }),
    });
  const row = async (id: string) =>
    (
      await pool.query<{
        status: string;
        attempts: number;
        last_error: string | null;
        locked_by: string | null;
        due_later: boolean;
      }>(
        'SELECT status, attempts, last_error, locked_by, run_at > now() AS due_later FROM stripe_events WHERE id = $1',
        [id],
      )
    ).rows[0];

  beforeAll(async () => {
    emulator = await startEmulator({ logLevel: 'silent' });
    database = await createTestDatabase();
    pool = createPool(database.url, parseConfig({ NODE_ENV: 'test' }).database, logger);
    await pool.query('CREATE TABLE budget_test_effects (event_id text PRIMARY KEY)');
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
      { settings: { perSecond: 1, maxWaitMs: 0, keyMode: 'test' }, redis: undefined },
    );
  });
  afterAll(async () => {
    stripe.circuit.shutdown();
    await pool.end();
    await database.drop();
    await emulator.close();
  });

  it('postpones the event, attempt undone and never dead, then applies it once the budget has room', async () => {
    const [id] = await insertSyntheticEvents(pool, { prefix: 'budget', count: 1, type: 'test.refetch' });
    // Another call takes this second's only point first.
    await stripe.listProducts({ limit: 1 }).catch(() => undefined);
    expect(await worker().runBatch()).toEqual(['postponed']);
    expect(await row(id!)).toMatchObject({
      status: 'pending',
      attempts: 0,
      last_error: null,
      locked_by: null,
      due_later: true,
    });
    const effects = await pool.query('SELECT 1 FROM budget_test_effects WHERE event_id = $1', [id]);
    expect(effects.rowCount).toBe(0);
    expect(await registry.metrics()).toContain(
      'webhook_events_processed_total{type="test.refetch",outcome="postponed"}',
    );

    // Due now (rather than after the Retry-After): applied as soon as a window has room for its refetch.
    await vi.waitFor(
      async () => {
        await pool.query('UPDATE stripe_events SET run_at = now() WHERE id = $1', [id]);
        expect(await worker().runBatch()).toEqual(['processed']);
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(await row(id!)).toMatchObject({ status: 'processed', attempts: 1 });
  });

  it('still marks dead an event whose handler fails for any other reason, under the same one-attempt limit', async () => {
    const [id] = await insertSyntheticEvents(pool, { prefix: 'broken', count: 1, type: 'test.broken' });
    expect(await worker().runBatch()).toEqual(['dead']);
    expect(await row(id!)).toMatchObject({ status: 'dead', attempts: 1 });
  });
});
