// One test file's world against a seeded emulator: a fresh database, an emulator seeded with the demo catalog
// (plus extras), the real app pointed at both, the catalog synced, and an API key with every scope.
import { startEmulator, type RunningEmulator } from 'stripe-emulator';
import { DEMO_CATALOG } from '../dev/demo-catalog.js';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp, type TestApp } from './test-app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const SHOP = 'https://shop.example';
export const SUCCESS_URL = `${SHOP}/success?session_id={CHECKOUT_SESSION_ID}`;
export const CANCEL_URL = `${SHOP}/cart`;

/** Test-only catalog entries: a euro product and an archived price. */
export const EXTRA_PRODUCTS = [
  {
    id: 'prod_tea',
    name: 'Tea (EUR)',
    metadata: { features: '' },
    prices: [{ lookup_key: 'tea_eur', unit_amount: 700, currency: 'eur', default: true }],
  },
  {
    id: 'prod_legacy',
    name: 'Legacy plan',
    metadata: { features: 'legacy' },
    prices: [
      {
        lookup_key: 'legacy_monthly',
        unit_amount: 1000,
        currency: 'usd',
        recurring: { interval: 'month' },
        active: false,
      },
    ],
  },
];

export interface SeededTestApp extends TestApp {
  emulator: RunningEmulator;
  database: TestDatabase;
  apiKey: string;
  /** Sends a request with the API key. */
  call: (
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<LightMyRequestResponse>;
  /** How many objects of a Stripe type the emulator holds. */
  stripeCount: (objectName: string) => number;
  closeAll: () => Promise<void>;
}

export async function startSeededTestApp(environment: Record<string, string> = {}): Promise<SeededTestApp> {
  const emulator = await startEmulator({
    seed: { products: [...DEMO_CATALOG.products, ...EXTRA_PRODUCTS] },
    logLevel: 'silent',
  });
  const database = await createTestDatabase();
  const testApp = await buildTestApp({
    databaseUrl: database.url,
    environment: {
      LOG_LEVEL: 'warn',
      STRIPE_API_BASE: emulator.url,
      STRIPE_MAX_NETWORK_RETRIES: '0',
      ALLOWED_REDIRECT_ORIGINS: SHOP,
      ...environment,
    },
  });
  await testApp.app.ready();
  await testApp.dependencies.catalog.syncFromStripe();
  const { key } = await testApp.dependencies.apiKeys.create({ name: 'test', scopes: ['billing', 'admin'] });
  return {
    ...testApp,
    emulator,
    database,
    apiKey: key,
    call: (method, url, body, headers = {}) =>
      testApp.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${key}`, ...headers },
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      }),
    stripeCount: (objectName) =>
      (emulator.summary().counts as Record<string, number | undefined>)[objectName] ?? 0,
    closeAll: async () => {
      await testApp.close();
      await emulator.close();
      await database.drop();
    },
  };
}
