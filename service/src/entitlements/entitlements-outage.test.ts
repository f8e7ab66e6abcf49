// The entitlement check through a database outage: answered from memory for ENTITLEMENTS_MAX_STALENESS_SECONDS
// with an Entitlements-Age header, never for a customer it did not hold, and 503 once the bound has passed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../db/transaction.js';
import { startDatabaseProxy, type DatabaseProxy } from '../test-support/database-proxy.js';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';

describe('entitlement checks during a database outage', () => {
  let database: TestDatabase;
  let proxy: DatabaseProxy;
  let bounded: TestApp;
  let unbounded: TestApp;
  let key: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    proxy = await startDatabaseProxy(database.url);
    const environment = { API_KEY_CACHE_TTL_MS: '600000', DATABASE_CONNECTION_TIMEOUT_MS: '500' };
    bounded = await buildTestApp({
      databaseUrl: proxy.url,
      environment: { ...environment, ENTITLEMENTS_MAX_STALENESS_SECONDS: '2' },
    });
    unbounded = await buildTestApp({
      databaseUrl: proxy.url,
      environment: { ...environment, ENTITLEMENTS_MAX_STALENESS_SECONDS: '0' },
    });
    const { pool } = bounded.dependencies;
    key = (await bounded.dependencies.apiKeys.create({ name: 'reader', scopes: ['billing'] })).key;
    await pool.query(
      "INSERT INTO products (id, name, active, features, stripe_updated) VALUES ('prod_o', 'O', true, '{sso}', now())",
    );
    const customerId = (
      await pool.query<{ id: string }>(
        "INSERT INTO customers (external_id, email, stripe_customer_id) VALUES ('outage_user', 'o@example.com', 'cus_o') RETURNING id",
      )
    ).rows[0]!.id;
    const order = await pool.query<{ id: string }>(
      `INSERT INTO orders (stripe_checkout_session_id, stripe_payment_intent_id, customer_id, status, currency, amount_total)
       VALUES ('cs_o', 'pi_o', $1, 'paid', 'usd', 100) RETURNING id`,
      [customerId],
    );
    await pool.query(
      `INSERT INTO order_items (stripe_line_item_id, order_id, stripe_price_id, stripe_product_id, quantity, currency, amount_total)
       VALUES ('li_o', $1, 'price_o', 'prod_o', 1, 'usd', 100)`,
      [order.rows[0]!.id],
    );
    await withTransaction(pool, (client) =>
      bounded.dependencies.entitlements.recomputeForCustomer(client, customerId),
    );
    for (const app of [bounded, unbounded]) await app.dependencies.entitlementCache.ready();
  });

  afterAll(async () => {
    for (const app of [bounded, unbounded]) await app.close();
    await proxy.close();
    await database.drop();
  });

  const get = (app: TestApp, url: string) =>
    app.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });

  it('answers from memory, saying how old the answer is, until the bound; then 503', async () => {
    for (const app of [bounded, unbounded]) {
      const fresh = await get(app, '/v1/entitlements/outage_user/sso');
      expect(fresh.json()).toMatchObject({ entitled: true });
      expect(fresh.headers['entitlements-age']).toBeUndefined();
      await get(app, '/v1/customers/outage_user/entitlements');
    }

    await proxy.cut();
    // The cache notices its LISTEN connection is gone, and stops serving answers as fresh.
    await new Promise((resolve) => setTimeout(resolve, 200));

    const check = await get(bounded, '/v1/entitlements/outage_user/sso');
    expect(check.statusCode).toBe(200);
    expect(check.json()).toEqual({
      entitled: true,
      source: { type: 'order', id: expect.any(String) },
      expires_at: null,
    });
    expect(Number(check.headers['entitlements-age'])).toBeGreaterThanOrEqual(0);
    expect(Number(check.headers['entitlements-age'])).toBeLessThanOrEqual(2);
    const list = await get(bounded, '/v1/customers/outage_user/entitlements');
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ entitlements: [{ feature: 'sso' }] });
    expect(list.headers['entitlements-age']).toBeDefined();

    // Never from memory: a customer it did not hold, and any customer with staleness 0.
    const unknown = await get(bounded, '/v1/entitlements/someone_else/sso');
    expect(unknown.statusCode).toBe(503);
    expect(unknown.json()).toMatchObject({ error: { code: 'database_unavailable' } });
    expect((await get(unbounded, '/v1/entitlements/outage_user/sso')).statusCode).toBe(503);

    // Past the bound the last known answer is no longer served.
    await new Promise((resolve) => setTimeout(resolve, 2200));
    const late = await get(bounded, '/v1/entitlements/outage_user/sso');
    expect(late.statusCode).toBe(503);
    expect(late.headers['retry-after']).toBe('2');

    await proxy.restore();
    await bounded.dependencies.entitlementCache.ready();
    const back = await get(bounded, '/v1/entitlements/outage_user/sso');
    expect(back.statusCode).toBe(200);
    expect(back.headers['entitlements-age']).toBeUndefined();
  });
});
