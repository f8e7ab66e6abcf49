import { startEmulator, type RunningEmulator } from 'stripe-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOG } from '../dev/demo-catalog.js';
import { startDatabaseProxy, type DatabaseProxy } from '../test-support/database-proxy.js';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';

const SHOP = 'https://shop.example';

describe('a database outage answers 503 database_unavailable with Retry-After, on every route', () => {
  let database: TestDatabase;
  let proxy: DatabaseProxy;
  let emulator: RunningEmulator;
  let testApp: TestApp;
  let apiKey: string;

  const call = (method: 'GET' | 'POST', url: string, body?: unknown) =>
    testApp.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${apiKey}` },
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    proxy = await startDatabaseProxy(database.url);
    emulator = await startEmulator({ seed: DEMO_CATALOG, logLevel: 'silent' });
    testApp = await buildTestApp({
      databaseUrl: proxy.url,
      environment: {
        LOG_LEVEL: 'warn',
        STRIPE_API_BASE: emulator.url,
        STRIPE_MAX_NETWORK_RETRIES: '0',
        ALLOWED_REDIRECT_ORIGINS: SHOP,
        // The key stays verified from memory through the outage, so each route's own queries are what fail.
        API_KEY_CACHE_TTL_MS: '600000',
        DATABASE_CONNECTION_TIMEOUT_MS: '500',
      },
    });
    await testApp.app.ready();
    await testApp.dependencies.catalog.syncFromStripe();
    apiKey = (await testApp.dependencies.apiKeys.create({ name: 'outage', scopes: ['billing', 'admin'] }))
      .key;
    expect(
      (await call('POST', '/v1/customers', { external_id: 'user_1', email: 'a@example.com' })).statusCode,
    ).toBe(201);
    await proxy.cut();
  });

  afterAll(async () => {
    await testApp.close();
    await proxy.close();
    await emulator.close();
    await database.drop();
  });

  const routes: Array<{ method: 'GET' | 'POST'; url: string; body?: unknown }> = [
    { method: 'GET', url: '/v1/customers/user_1' },
    { method: 'POST', url: '/v1/customers', body: { external_id: 'user_2', email: 'b@example.com' } },
    { method: 'GET', url: '/v1/customers/user_1/entitlements' },
    { method: 'GET', url: '/v1/customers/user_1/subscriptions' },
    { method: 'POST', url: '/v1/customers/user_1/subscriptions/sync' },
    {
      method: 'POST',
      url: '/v1/checkout/sessions',
      body: {
        customer: 'user_1',
        mode: 'payment',
        items: [{ lookup_key: 'guide_pdf', quantity: 1 }],
        success_url: `${SHOP}/ok`,
        cancel_url: `${SHOP}/cart`,
      },
    },
    {
      method: 'POST',
      url: '/v1/portal/sessions',
      body: { customer: 'user_1', return_url: `${SHOP}/account` },
    },
    { method: 'GET', url: '/v1/admin/events' },
    { method: 'POST', url: '/v1/admin/events/replay', body: {} },
    { method: 'POST', url: '/v1/catalog/sync' },
    { method: 'GET', url: '/v1/catalog' },
    { method: 'POST', url: '/v1/subscriptions/sub_1Outage/cancel', body: {} },
    { method: 'POST', url: '/v1/subscriptions/sub_1Outage/resume' },
    { method: 'POST', url: '/v1/subscriptions/sub_1Outage/change', body: { lookup_key: 'pro_yearly' } },
    {
      method: 'POST',
      url: '/v1/subscriptions/sub_1Outage/change/preview',
      body: { lookup_key: 'pro_yearly' },
    },
  ];

  it.each(routes)('$method $url', async ({ method, url, body }) => {
    const response = await call(method, url, body);
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(response.json()).toEqual({
      error: {
        code: 'database_unavailable',
        message: 'The database is unavailable; retry later',
        request_id: response.headers['x-request-id'],
      },
    });
  });

  it('readiness says not ready; liveness stays up', async () => {
    expect((await testApp.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);
    expect((await testApp.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });

  it('recovers by itself once the database is back', async () => {
    await proxy.restore();
    const response = await call('GET', '/v1/customers/user_1');
    expect(response.statusCode).toBe(200);
  });
});
