// SQL of the catalog mirror (products, prices), keyed by Stripe ids.
import type { Queryable } from '../db/queryable.js';

export interface ProductRow {
  id: string;
  name: string;
  description: string | null;
  active: boolean;
  features: string[];
  metadata: Record<string, string>;
  stripe_updated: Date;
  deleted_at: Date | null;
}

export interface PriceRow {
  id: string;
  product_id: string;
  active: boolean;
  currency: string;
  unit_amount: string | null;
  type: 'one_time' | 'recurring';
  recurring_interval: string | null;
  recurring_interval_count: number | null;
  lookup_key: string | null;
  nickname: string | null;
  metadata: Record<string, string>;
  stripe_created: Date;
  deleted_at: Date | null;
}

export type ProductInput = Omit<ProductRow, 'deleted_at'>;
export type PriceInput = Omit<PriceRow, 'deleted_at'>;

/** Inserts or updates a product unless the stored version is newer (Stripe's `updated`). */
export async function upsertProduct(db: Queryable, product: ProductInput): Promise<void> {
  await db.query(
    `INSERT INTO products (id, name, description, active, features, metadata, stripe_updated)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
       active = EXCLUDED.active, features = EXCLUDED.features, metadata = EXCLUDED.metadata,
       stripe_updated = EXCLUDED.stripe_updated
     WHERE products.stripe_updated <= EXCLUDED.stripe_updated AND products.deleted_at IS NULL`,
    [
      product.id,
      product.name,
      product.description,
      product.active,
      product.features,
      product.metadata,
      product.stripe_updated,
    ],
  );
}

export async function upsertPrice(db: Queryable, price: PriceInput): Promise<void> {
  await db.query(
    `INSERT INTO prices (id, product_id, active, currency, unit_amount, type, recurring_interval,
       recurring_interval_count, lookup_key, nickname, metadata, stripe_created)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (id) DO UPDATE SET active = EXCLUDED.active, lookup_key = EXCLUDED.lookup_key,
       nickname = EXCLUDED.nickname, metadata = EXCLUDED.metadata
     WHERE prices.deleted_at IS NULL`,
    [
      price.id,
      price.product_id,
      price.active,
      price.currency,
      price.unit_amount,
      price.type,
      price.recurring_interval,
      price.recurring_interval_count,
      price.lookup_key,
      price.nickname,
      price.metadata,
      price.stripe_created,
    ],
  );
}

/** A deleted object stays deleted: a late "updated" payload must not revive it. */
export async function markProductDeleted(db: Queryable, id: string): Promise<void> {
  await db.query(
    `INSERT INTO products (id, name, active, stripe_updated, deleted_at) VALUES ($1, '', false, now(), now())
     ON CONFLICT (id) DO UPDATE SET active = false, deleted_at = coalesce(products.deleted_at, now())`,
    [id],
  );
}

export async function markPriceDeleted(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE prices SET active = false, deleted_at = coalesce(deleted_at, now()) WHERE id = $1`, [
    id,
  ]);
}

export async function listActiveProducts(db: Queryable): Promise<ProductRow[]> {
  const result = await db.query<ProductRow>(
    `SELECT * FROM products WHERE active AND deleted_at IS NULL ORDER BY name, id`,
  );
  return result.rows;
}

export async function listActivePrices(db: Queryable): Promise<PriceRow[]> {
  const result = await db.query<PriceRow>(
    `SELECT * FROM prices WHERE active AND deleted_at IS NULL ORDER BY product_id, unit_amount, id`,
  );
  return result.rows;
}

/** Prices named by id or lookup key (any state, so callers can say why one is unusable). */
export async function findPricesByReferences(
  db: Queryable,
  ids: string[],
  lookupKeys: string[],
): Promise<Array<PriceRow & { product_active: boolean | null }>> {
  const result = await db.query<PriceRow & { product_active: boolean | null }>(
    `SELECT prices.*, products.active AND products.deleted_at IS NULL AS product_active
     FROM prices LEFT JOIN products ON products.id = prices.product_id
     WHERE prices.id = ANY($1) OR prices.lookup_key = ANY($2)
     ORDER BY prices.active DESC, prices.stripe_created DESC, prices.created_at DESC`,
    [ids, lookupKeys],
  );
  return result.rows;
}

export async function findFeaturesByProductIds(
  db: Queryable,
  productIds: string[],
): Promise<Array<{ id: string; features: string[] }>> {
  const result = await db.query<{ id: string; features: string[] }>(
    `SELECT id, features FROM products WHERE id = ANY($1)`,
    [productIds],
  );
  return result.rows;
}

/**
 * After a full listing: products and prices we stored before `listedSince` that Stripe no longer returned were
 * deleted there (a missed `*.deleted` event). Rows stored since came from webhooks during the listing: kept.
 */
export interface ListedCatalog {
  productIds: string[];
  priceIds: string[];
  listedSince: Date;
}

export async function markUnlistedCatalogDeleted(db: Queryable, listed: ListedCatalog): Promise<void> {
  await db.query(
    `UPDATE products SET active = false, deleted_at = now()
     WHERE deleted_at IS NULL AND created_at < $2 AND id <> ALL($1)`,
    [listed.productIds, listed.listedSince],
  );
  await db.query(
    `UPDATE prices SET active = false, deleted_at = now()
     WHERE deleted_at IS NULL AND created_at < $2 AND id <> ALL($1)`,
    [listed.priceIds, listed.listedSince],
  );
}

/** Of the products and prices stored before `listedSince` and not deleted, how many the listing returned. */
export async function countListedInMirror(
  db: Queryable,
  listed: ListedCatalog,
): Promise<{ products_held: number; products_listed: number; prices_held: number; prices_listed: number }> {
  const result = await db.query<Record<string, string>>(
    `SELECT
       (SELECT count(*) FROM products WHERE deleted_at IS NULL AND created_at < $3) AS products_held,
       (SELECT count(*) FROM products WHERE deleted_at IS NULL AND created_at < $3 AND id = ANY($1)) AS products_listed,
       (SELECT count(*) FROM prices WHERE deleted_at IS NULL AND created_at < $3) AS prices_held,
       (SELECT count(*) FROM prices WHERE deleted_at IS NULL AND created_at < $3 AND id = ANY($2)) AS prices_listed`,
    [listed.productIds, listed.priceIds, listed.listedSince],
  );
  const row = result.rows[0] ?? {};
  return {
    products_held: Number(row.products_held ?? 0),
    products_listed: Number(row.products_listed ?? 0),
    prices_held: Number(row.prices_held ?? 0),
    prices_listed: Number(row.prices_listed ?? 0),
  };
}

export type CatalogObjectKind = 'product' | 'price';

export interface Tombstone {
  kind: CatalogObjectKind;
  id: string;
  deleted_at: Date;
}

/** Whether the mirror holds `id` as a price or a product, and whether it is marked deleted. */
export async function findCatalogObject(
  db: Queryable,
  id: string,
): Promise<{ kind: CatalogObjectKind; deleted_at: Date | null } | undefined> {
  const result = await db.query<{ kind: CatalogObjectKind; deleted_at: Date | null }>(
    `SELECT 'price' AS kind, deleted_at FROM prices WHERE id = $1
     UNION ALL SELECT 'product' AS kind, deleted_at FROM products WHERE id = $1
     LIMIT 1`,
    [id],
  );
  return result.rows[0];
}

/** Products and prices marked deleted, newest first. */
export async function listTombstones(db: Queryable): Promise<Tombstone[]> {
  const result = await db.query<Tombstone>(
    `SELECT 'product' AS kind, id, deleted_at FROM products WHERE deleted_at IS NOT NULL
     UNION ALL SELECT 'price' AS kind, id, deleted_at FROM prices WHERE deleted_at IS NOT NULL
     ORDER BY deleted_at DESC, id`,
  );
  return result.rows;
}

/**
 * Lifts a deleted mark so the next write of Stripe's object applies (a product's stored version is reset: the
 * mark's own stamp would otherwise look newer than Stripe's). Call in the transaction that writes that object.
 */
export async function clearTombstone(db: Queryable, kind: CatalogObjectKind, id: string): Promise<void> {
  if (kind === 'product') {
    await db.query(`UPDATE products SET deleted_at = NULL, stripe_updated = '-infinity' WHERE id = $1`, [id]);
  } else {
    await db.query(`UPDATE prices SET deleted_at = NULL WHERE id = $1`, [id]);
  }
}
