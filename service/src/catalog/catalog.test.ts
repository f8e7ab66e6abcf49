import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSeededTestApp, type SeededTestApp } from '../test-support/seeded-test-app.js';

describe('catalog', () => {
  let world: SeededTestApp;

  beforeAll(async () => {
    world = await startSeededTestApp();
  });
  afterAll(async () => {
    await world.closeAll();
  });

  it('lists active products with their active prices and the features from metadata', async () => {
    const response = await world.call('GET', '/v1/catalog');
    expect(response.statusCode).toBe(200);
    const products = response.json<{
      data: Array<{
        id: string;
        features: string[];
        prices: Array<{ lookup_key: string; type: string; recurring: unknown }>;
      }>;
    }>().data;
    const pro = products.find((product) => product.id === 'prod_pro');
    expect(pro?.features).toEqual(['sso', 'audit_log']);
    expect(pro?.prices.map((price) => price.lookup_key).sort()).toEqual(['pro_monthly', 'pro_yearly']);
    expect(pro?.prices.find((price) => price.lookup_key === 'pro_yearly')?.recurring).toEqual({
      interval: 'year',
      interval_count: 1,
    });
    const legacy = products.find((product) => product.id === 'prod_legacy');
    expect(legacy?.prices).toEqual([]);
    expect(products.find((product) => product.id === 'prod_guide')?.prices[0]?.type).toBe('one_time');
  });

  it('syncs on demand with an admin key and counts what it saw', async () => {
    const response = await world.call('POST', '/v1/catalog/sync');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ products: 7, prices: 9 });
  });

  it('marks deleted what Stripe no longer lists (a missed deletion event)', async () => {
    await world.dependencies.pool.query(
      `INSERT INTO prices (id, product_id, active, currency, unit_amount, type, lookup_key, stripe_created, created_at)
       VALUES ('price_gone', 'prod_mug', true, 'usd', 100, 'one_time', 'gone', now(), now() - interval '1 hour')`,
    );
    await world.call('POST', '/v1/catalog/sync');
    const [gone] = await world.dependencies.catalog.findPricesByReferences(['price_gone'], []);
    expect(gone).toMatchObject({ active: false });
    expect(gone?.deleted_at).not.toBeNull();
  });

  it('leaves a price that a webhook later than the listing wrote as the webhook wrote it', async () => {
    const { pool, catalog } = world.dependencies;
    const [price] = await catalog.findPricesByReferences([], ['pro_yearly']);
    await pool.query("UPDATE prices SET nickname = 'from a later event' WHERE id = $1", [price!.id]);
    await pool.query(
      `INSERT INTO stripe_object_versions (object_id, event_created) VALUES ($1, now() + interval '1 minute')
       ON CONFLICT (object_id) DO UPDATE SET event_created = EXCLUDED.event_created`,
      [price!.id],
    );
    await world.call('POST', '/v1/catalog/sync');
    const [after] = await catalog.findPricesByReferences([price!.id], []);
    expect(after?.nickname).toBe('from a later event');
    // Without a later version the listing is written: Stripe's nickname comes back.
    await pool.query('DELETE FROM stripe_object_versions WHERE object_id = $1', [price!.id]);
    await world.call('POST', '/v1/catalog/sync');
    const [synced] = await catalog.findPricesByReferences([price!.id], []);
    expect(synced?.nickname).toBe(price!.nickname);
  });

  it('refuses the sync to a key without the admin scope', async () => {
    const { key } = await world.dependencies.apiKeys.create({ name: 'billing only', scopes: ['billing'] });
    const response = await world.app.inject({
      method: 'POST',
      url: '/v1/catalog/sync',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('forbidden');
  });

  it('keeps a deleted product deleted when an older update arrives later', async () => {
    const { catalog } = world.dependencies;
    await catalog.markProductDeleted(world.dependencies.pool, 'prod_mug');
    await world.call('POST', '/v1/catalog/sync');
    const products = (await catalog.listCatalog()).map((product) => product.id);
    expect(products).not.toContain('prod_mug');
    expect((await catalog.listFeaturesByProductIds(['prod_pro', 'prod_mug'])).get('prod_pro')).toEqual([
      'sso',
      'audit_log',
    ]);
  });
});
