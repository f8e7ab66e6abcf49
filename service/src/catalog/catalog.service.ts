// The catalog: a mirror of Stripe's products and prices, synced at start and on demand (and by webhooks).
// Products declare the features they grant in their metadata `features` (comma-separated).
import type { Queryable } from '../db/queryable.js';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../observability/logger.js';
import type { StripeGateway } from '../stripe/gateway.js';
import { unlessNotFound } from '../stripe/call-outcomes.js';
import { copyListedObjects, type ListingOptions } from '../stripe/stripe-list-paging.js';
import type { StripePrice, StripeProduct } from '../stripe/stripe-objects.js';
import * as repo from './catalog.repo.js';
import type { PriceRow, ProductRow } from './catalog.repo.js';

export type { PriceRow, ProductRow } from './catalog.repo.js';
/** A price with whether its product is active (null when we do not have the product). */
export type PriceWithProduct = PriceRow & { product_active: boolean | null };

export interface CatalogProduct extends ProductRow {
  prices: PriceRow[];
}

export interface CatalogService {
  /** Writes a product or price as given (an event's payload, a listed object), in the caller's transaction. */
  applyStripeProduct: (db: Queryable, product: StripeProduct) => Promise<void>;
  applyStripePrice: (db: Queryable, price: StripePrice) => Promise<void>;
  /**
   * Stripe's current product or price (what a webhook cannot order), fetched outside any transaction; undefined
   * when Stripe no longer has it.
   */
  fetchProduct: (id: string) => Promise<StripeProduct | undefined>;
  fetchPrice: (id: string) => Promise<StripePrice | undefined>;
  markProductDeleted: (db: Queryable, id: string) => Promise<void>;
  markPriceDeleted: (db: Queryable, id: string) => Promise<void>;
  /** Copies Stripe's products (the catalog sync's and the backfill's products); returns the ids listed. */
  copyProductsFromStripe: (listing?: ListingOptions) => Promise<string[]>;
  /** Copies Stripe's prices (the catalog sync's and the backfill's prices); returns the ids listed. */
  copyPricesFromStripe: (listing?: ListingOptions) => Promise<string[]>;
  /**
   * Copies every product and price from Stripe (at start and on POST /v1/catalog/sync; the backfill copies them
   * the same way), and marks deleted what Stripe no longer lists; returns how many of each were seen.
   */
  syncFromStripe: () => Promise<{ products: number; prices: number }>;
  /** Active products with their active prices. */
  listCatalog: () => Promise<CatalogProduct[]>;
  /** The prices named by id or lookup key, with whether their product is active. */
  findPricesByReferences: (ids: string[], lookupKeys: string[]) => Promise<PriceWithProduct[]>;
  listFeaturesByProductIds: (productIds: string[]) => Promise<Map<string, string[]>>;
}

export function parseFeatures(metadata: Record<string, string> | null | undefined): string[] {
  const raw = metadata?.features ?? '';
  const features = raw
    .split(',')
    .map((feature) => feature.trim())
    .filter((feature) => feature.length > 0);
  return [...new Set(features)];
}

function productInput(product: StripeProduct): repo.ProductInput {
  return {
    id: product.id,
    name: product.name,
    description: product.description ?? null,
    active: product.active,
    features: parseFeatures(product.metadata),
    metadata: product.metadata ?? {},
    stripe_updated: new Date((product.updated ?? product.created) * 1000),
  };
}

function priceInput(price: StripePrice): repo.PriceInput {
  return {
    id: price.id,
    product_id: typeof price.product === 'string' ? price.product : price.product.id,
    active: price.active,
    currency: price.currency,
    unit_amount: price.unit_amount === null ? null : String(price.unit_amount),
    type: price.type === 'recurring' ? 'recurring' : 'one_time',
    recurring_interval: price.recurring?.interval ?? null,
    recurring_interval_count: price.recurring?.interval_count ?? null,
    lookup_key: price.lookup_key ?? null,
    nickname: price.nickname ?? null,
    metadata: price.metadata ?? {},
    stripe_created: new Date(price.created * 1000),
  };
}

export function createCatalogService(options: {
  pool: Pool;
  stripe: StripeGateway;
  logger: Logger;
}): CatalogService {
  const { pool, stripe } = options;
  const fetchProduct = (id: string) => unlessNotFound(stripe.retrieveProduct(id));
  const fetchPrice = (id: string) => unlessNotFound(stripe.retrievePrice(id));
  const applyStripeProduct = (db: Queryable, product: StripeProduct) =>
    repo.upsertProduct(db, productInput(product));
  const applyStripePrice = (db: Queryable, price: StripePrice) => repo.upsertPrice(db, priceInput(price));

  const copyProductsFromStripe = (listing: ListingOptions = {}) =>
    copyListedObjects(
      pool,
      (request) => stripe.listProducts(request),
      { listed: applyStripeProduct, fetchCurrent: fetchProduct, writeCurrent: applyStripeProduct },
      listing,
    );

  const copyPricesFromStripe = (listing: ListingOptions = {}) =>
    copyListedObjects(
      pool,
      (request) => stripe.listPrices(request),
      { listed: applyStripePrice, fetchCurrent: fetchPrice, writeCurrent: applyStripePrice },
      listing,
    );

  return {
    applyStripeProduct,
    applyStripePrice,
    fetchProduct,
    fetchPrice,
    markProductDeleted: (db: Queryable, id: string) => repo.markProductDeleted(db, id),
    markPriceDeleted: (db: Queryable, id: string) => repo.markPriceDeleted(db, id),

    copyProductsFromStripe,
    copyPricesFromStripe,

    async syncFromStripe() {
      const listedSince = new Date();
      const productIds = await copyProductsFromStripe();
      const priceIds = await copyPricesFromStripe();
      await repo.markUnlistedCatalogDeleted(pool, { productIds, priceIds, listedSince });
      options.logger.info(
        { products: productIds.length, prices: priceIds.length },
        'catalog synced from Stripe',
      );
      return { products: productIds.length, prices: priceIds.length };
    },

    async listCatalog() {
      const [products, prices] = await Promise.all([
        repo.listActiveProducts(pool),
        repo.listActivePrices(pool),
      ]);
      return products.map((product) => ({
        ...product,
        prices: prices.filter((price) => price.product_id === product.id),
      }));
    },

    findPricesByReferences: (ids, lookupKeys) => repo.findPricesByReferences(pool, ids, lookupKeys),

    async listFeaturesByProductIds(productIds: string[]): Promise<Map<string, string[]>> {
      const rows = await repo.findFeaturesByProductIds(pool, productIds);
      return new Map(rows.map((row) => [row.id, row.features]));
    },
  };
}
