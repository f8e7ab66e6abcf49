// One test file's world for billing state: a fresh database, an emulator seeded with the demo catalog whose
// webhooks go to the real app listening on a port, an inbox worker, and helpers to wait until everything the
// emulator sent has been applied.
import type { LightMyRequestResponse } from 'fastify';
import Stripe from 'stripe';
import { startEmulator, type RunningEmulator } from 'stripe-emulator';
import type { AppInstance } from '../app.js';
import type { Dependencies } from '../deps.js';
import { DEMO_CATALOG } from '../dev/demo-catalog.js';
import { webhookMetricsFor } from '../webhooks/webhook-metrics.js';
import { createInboxWorker, type InboxWorker } from '../webhooks/worker/inbox-worker.js';
import { findFreePort } from './free-port.js';
import { buildTestApp, type TestApp } from './test-app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const SHOP = 'https://shop.example';
export const WEBHOOK_SECRET = 'whsec_billing_world';

export interface BillingWorld extends TestApp {
  emulator: RunningEmulator;
  stripe: Stripe;
  database: TestDatabase;
  worker: InboxWorker;
  call: (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<LightMyRequestResponse>;
  /**
   * Waits until the emulator has delivered everything (unless `waitForDeliveries` is false, e.g. while its
   * deliveries are paused) and the inbox holds nothing left to apply.
   */
  settle: (timeoutMs?: number, options?: { waitForDeliveries?: boolean }) => Promise<void>;
  closeAll: () => Promise<void>;
}

export async function startBillingWorld(
  options: {
    environment?: Record<string, string>;
    startWorker?: boolean;
    /** Adds routes before the app listens (as the launcher adds the development pages). */
    extendApp?: (app: AppInstance, dependencies: Dependencies) => void;
  } = {},
): Promise<BillingWorld> {
  const port = await findFreePort();
  const emulator = await startEmulator({
    seed: DEMO_CATALOG,
    logLevel: 'silent',
    webhooks: [{ url: `http://127.0.0.1:${port}/webhooks/stripe`, secret: WEBHOOK_SECRET }],
    webhookRetry: { initialDelayMs: 100, maxDelayMs: 1000, maxAttempts: 30, timeoutMs: 5000, concurrency: 4 },
  });
  const database = await createTestDatabase();
  const testApp = await buildTestApp({
    databaseUrl: database.url,
    environment: {
      LOG_LEVEL: 'warn',
      STRIPE_API_BASE: emulator.url,
      STRIPE_MAX_NETWORK_RETRIES: '1',
      ALLOWED_REDIRECT_ORIGINS: SHOP,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      WEBHOOK_POLL_INTERVAL_MS: '50',
      WEBHOOK_RETRY_BASE_MS: '100',
      WEBHOOK_RETRY_MAX_MS: '1000',
      WEBHOOK_MAX_ATTEMPTS: '30',
      ...options.environment,
    },
  });
  options.extendApp?.(testApp.app, testApp.dependencies);
  await testApp.app.listen({ host: '127.0.0.1', port });
  await testApp.dependencies.catalog.syncFromStripe();
  const { key } = await testApp.dependencies.apiKeys.create({
    name: 'billing world',
    scopes: ['billing', 'admin'],
  });
  const { dependencies } = testApp;
  const worker = createInboxWorker({
    pool: dependencies.pool,
    databaseUrl: database.url,
    logger: dependencies.logger,
    metrics: webhookMetricsFor(dependencies.metrics.registry),
    handlers: dependencies.eventHandlers,
    settings: dependencies.config.webhooks,
  });
  if (options.startWorker !== false) worker.start();
  const stripe = new Stripe('sk_test_billing_world', {
    host: new URL(emulator.url).hostname,
    port: Number(new URL(emulator.url).port),
    protocol: 'http',
    telemetry: false,
  });

  async function settle(
    timeoutMs = 20_000,
    settleOptions: { waitForDeliveries?: boolean } = {},
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (settleOptions.waitForDeliveries !== false) {
        await emulator.webhooks.waitForIdle(Math.max(100, deadline - Date.now()));
      }
      const open = await dependencies.pool.query<{ count: string; errors: string | null }>(
        `SELECT count(*) AS count, string_agg(id || ': ' || coalesce(last_error, ''), '; ') AS errors
           FROM stripe_events WHERE status IN ('pending', 'processing', 'failed')`,
      );
      const row = open.rows[0];
      if (Number(row?.count) === 0) return;
      if (Date.now() > deadline) throw new Error(`inbox not drained: ${row?.errors ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  return {
    ...testApp,
    emulator,
    stripe,
    database,
    worker,
    call: (method, url, body, headers = {}) =>
      testApp.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${key}`, ...headers },
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      }),
    settle,
    closeAll: async () => {
      await worker.stop();
      await testApp.close();
      await emulator.close();
      await database.drop();
    },
  };
}
