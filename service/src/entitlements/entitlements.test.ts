// The entitlement routes and their cache: answers come from memory once loaded, and every replica drops its copy
// when a recompute commits (NOTIFY), so a change is visible everywhere within a second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../db/transaction.js';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';

describe('entitlements', () => {
  let database: TestDatabase;
  let replicas: TestApp[];
  let key: string;
  let customerId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    replicas = [
      await buildTestApp({ databaseUrl: database.url }),
      await buildTestApp({ databaseUrl: database.url }),
    ];
    const [first] = replicas;
    const { pool } = first!.dependencies;
    key = (await first!.dependencies.apiKeys.create({ name: 'reader', scopes: ['billing'] })).key;
    await pool.query(
      "INSERT INTO products (id, name, active, features, stripe_updated) VALUES ('prod_e', 'E', true, '{sso,audit}', now())",
    );
    customerId = (
      await pool.query<{ id: string }>(
        "INSERT INTO customers (external_id, email, stripe_customer_id) VALUES ('ent_user', 'e@example.com', 'cus_e') RETURNING id",
      )
    ).rows[0]!.id;
    const order = await pool.query<{ id: string }>(
      `INSERT INTO orders (stripe_checkout_session_id, stripe_payment_intent_id, customer_id, status, currency, amount_total)
       VALUES ('cs_e', 'pi_e', $1, 'paid', 'usd', 100) RETURNING id`,
      [customerId],
    );
    await pool.query(
      `INSERT INTO order_items (stripe_line_item_id, order_id, stripe_price_id, stripe_product_id, quantity, currency, amount_total)
       VALUES ('li_e', $1, 'price_e', 'prod_e', 1, 'usd', 100)`,
      [order.rows[0]!.id],
    );
    await recompute();
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await database.drop();
  });

  const recompute = () =>
    withTransaction(replicas[0]!.dependencies.pool, (client) =>
      replicas[0]!.dependencies.entitlements.recomputeForCustomer(client, customerId),
    );
  const check = async (replica: TestApp, path: string) => {
    const response = await replica.app.inject({
      method: 'GET',
      url: path,
      headers: { authorization: `Bearer ${key}` },
    });
    return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
  };
  const waitFor = async (condition: () => Promise<boolean>) => {
    const deadline = Date.now() + 1000;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('not visible within 1 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  it('answers whether a customer holds a feature, from which source', async () => {
    const held = await check(replicas[0]!, '/v1/entitlements/ent_user/sso');
    expect(held).toEqual({
      status: 200,
      body: { entitled: true, source: { type: 'order', id: expect.any(String) }, expires_at: null },
    });
    expect((await check(replicas[0]!, '/v1/entitlements/ent_user/seats')).body).toEqual({
      entitled: false,
      source: null,
      expires_at: null,
    });
    const list = await check(replicas[0]!, '/v1/customers/ent_user/entitlements');
    expect((list.body.entitlements as Array<{ feature: string }>).map((entry) => entry.feature)).toEqual([
      'audit',
      'sso',
    ]);
  });

  it('refuses an unknown customer with 404 and a missing key with 401', async () => {
    const unknown = await check(replicas[0]!, '/v1/entitlements/nobody/sso');
    expect(unknown.status).toBe(404);
    expect((unknown.body.error as { message: string }).message).toMatch(/external_id/);
    const anonymous = await replicas[0]!.app.inject({ method: 'GET', url: '/v1/entitlements/ent_user/sso' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('serves from memory, and every replica sees a committed change within a second', async () => {
    for (const replica of replicas) {
      await replica.dependencies.entitlementCache.ready();
      expect((await check(replica, '/v1/entitlements/ent_user/sso')).body.entitled).toBe(true);
    }
    // A write that bypasses the recompute (and so sends no notification) is not seen: the answer is cached.
    await replicas[0]!.dependencies.pool.query("DELETE FROM entitlements WHERE feature = 'sso'");
    expect((await check(replicas[1]!, '/v1/entitlements/ent_user/sso')).body.entitled).toBe(true);
    // A refund, recomputed in its transaction, reaches both replicas.
    await replicas[0]!.dependencies.pool.query(
      "UPDATE orders SET status = 'refunded' WHERE stripe_checkout_session_id = 'cs_e'",
    );
    await recompute();
    for (const replica of replicas) {
      await waitFor(
        async () => (await check(replica, '/v1/entitlements/ent_user/audit')).body.entitled === false,
      );
    }
  });
});
