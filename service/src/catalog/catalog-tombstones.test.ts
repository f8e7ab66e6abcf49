// Deleted marks (tombstones) of the catalog mirror: `npm run billing -- catalog tombstones | restore-tombstone`
// lists and undoes them from Stripe's current object, and a sync whose listing shares no price with the mirror
// marks nothing deleted (before, it marked the whole catalog deleted for good).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../config/repository-root.js';
import { startSeededTestApp, type SeededTestApp } from '../test-support/seeded-test-app.js';

const execute = promisify(execFile);

describe('catalog tombstones', () => {
  let world: SeededTestApp;
  let stripe: Stripe;
  const catalogCommand = async (...args: string[]) => {
    try {
      const { stdout } = await execute(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', 'src/cli/main.ts', 'catalog', ...args],
        {
          cwd: path.join(repositoryRoot, 'service'),
          env: {
            PATH: process.env.PATH ?? '',
            NODE_ENV: 'test',
            DATABASE_URL: world.database.url,
            STRIPE_API_BASE: world.emulator.url,
            STRIPE_MAX_NETWORK_RETRIES: '0',
          },
        },
      );
      return { code: 0, stdout };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
    }
  };
  const stored = async (table: 'prices' | 'products', id: string) =>
    (
      await world.dependencies.pool.query<{ active: boolean; deleted_at: Date | null }>(
        `SELECT active, deleted_at FROM ${table} WHERE id = $1`,
        [id],
      )
    ).rows[0];

  beforeAll(async () => {
    world = await startSeededTestApp();
    stripe = new Stripe('sk_test_tombstones', {
      host: '127.0.0.1',
      port: new URL(world.emulator.url).port,
      protocol: 'http',
    });
  });
  afterAll(async () => {
    await world.closeAll();
  });

  it('lists the tombstones and restores a price and a product from Stripe', async () => {
    const { pool, catalog } = world.dependencies;
    const [price] = await catalog.findPricesByReferences([], ['pro_monthly']);
    await catalog.markPriceDeleted(pool, price!.id);
    await catalog.markProductDeleted(pool, 'prod_pro');

    const listed = await catalogCommand('tombstones');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`price  ${price!.id}  deleted `);
    expect(listed.stdout).toContain('product  prod_pro  deleted ');

    const restored = await catalogCommand('restore-tombstone', price!.id, 'prod_pro');
    expect(restored.code, restored.stdout).toBe(0);
    expect(restored.stdout).toContain(`restored price ${price!.id} (active at Stripe)`);
    expect(restored.stdout).toContain('restored product prod_pro (active at Stripe)');
    expect(await stored('prices', price!.id)).toEqual({ active: true, deleted_at: null });
    expect(await stored('products', 'prod_pro')).toEqual({ active: true, deleted_at: null });
    const pro = (await catalog.listCatalog()).find((product) => product.id === 'prod_pro');
    expect(pro?.prices.map((entry) => entry.id)).toContain(price!.id);
  });

  it('restores nothing that is unknown, not deleted, or deleted at Stripe too', async () => {
    await stripe.products.create({ id: 'prod_gone', name: 'Gone' });
    const gone = await world.dependencies.catalog.fetchProduct('prod_gone');
    await world.dependencies.catalog.applyStripeProduct(world.dependencies.pool, gone!);
    await stripe.products.del('prod_gone');
    await world.dependencies.catalog.markProductDeleted(world.dependencies.pool, 'prod_gone');

    const outcome = await catalogCommand('restore-tombstone', 'prod_gone', 'prod_unknown', 'prod_mug');
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toContain('not restored: Stripe has no product prod_gone: it was deleted there');
    expect(outcome.stdout).toContain(
      'not restored: The catalog mirror holds no product or price prod_unknown',
    );
    expect(outcome.stdout).toContain('not restored: product prod_mug is not marked deleted');
    expect((await stored('products', 'prod_gone'))?.deleted_at).not.toBeNull();
    expect((await catalogCommand('restore-tombstone')).code).toBe(2);
  });

  it('marks nothing deleted when the listing shares no price with the mirror, and says so', async () => {
    const { pool, catalog } = world.dependencies;
    const live = await pool.query<{ id: string }>('SELECT id FROM prices WHERE deleted_at IS NULL');
    const ids = live.rows.map((row) => row.id);
    expect(ids.length).toBeGreaterThan(3);
    // A wiped and re-seeded account: the same products, every price with a new id.
    world.emulator.reset();
    const attempt = catalog.syncFromStripe();
    await expect(attempt).rejects.toMatchObject({ code: 'conflict' });
    const message = await attempt.catch((error: unknown) => (error as Error).message);
    expect(message).toContain('nothing was marked deleted');
    const stillLive = await pool.query(
      'SELECT count(*)::int AS count FROM prices WHERE id = ANY($1) AND deleted_at IS NULL',
      [ids],
    );
    expect(stillLive.rows).toEqual([{ count: ids.length }]);
    expect(world.logLines().some((line) => String(line.msg).includes('nothing was marked deleted'))).toBe(
      true,
    );
  });
});
