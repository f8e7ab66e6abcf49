// The catalog: a mirror of Stripe's products and prices, synced at start and on demand (and by webhooks).
// Products declare the features they grant in their metadata `features` (comma-separated).
import type { Queryable } from '../db/queryable.js';
import type { Pool } from '../db/pool.js';
import { withTransaction } from '../db/transaction.js';
import { AppError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { StripeGateway } from '../stripe/gateway.js';
import { unlessNotFound } from '../stripe/call-outcomes.js';
import { copyListedObjects, type ListingOptions } from '../stripe/stripe-list-paging.js';
import type { StripePrice, StripeProduct } from '../stripe/stripe-objects.js';
import { claimMirrorFor } from '../stripe-mirror/mirror-account.js';
import * as repo from './catalog.repo.js';
import type { PriceRow, ProductRow } from './catalog.repo.js';

export type { CatalogObjectKind, PriceRow, ProductRow, Tombstone } from './catalog.repo.js';
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
   * the same way), and marks deleted what Stripe no longer lists; returns how many of each were seen. Refused
   * (`conflict`) when the configured Stripe is not the account the mirror belongs to; marks nothing deleted
   * (`conflict`, logged) when the listing shares no product or no price with the mirror.
   */
  syncFromStripe: () => Promise<{ products: number; prices: number }>;
  /** Products and prices marked deleted, newest first. */
  listTombstones: () => Promise<repo.Tombstone[]>;
  /**
   * Undoes a deleted mark (an operator's repair after a wrong sync): Stripe's current object is written again.
   * not_found when the mirror does not hold the id or Stripe has no such object; conflict when it is not deleted.
   */
  restoreTombstone: (id: string) => Promise<{ kind: repo.CatalogObjectKind; active: boolean }>;
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

/** Stripe answers a retrieve of a deleted product with `{ id, object, deleted: true }`. */
function isDeletedAtStripe(object: object): boolean {
  return (object as { deleted?: unknown }).deleted === true;
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
  /** Stripe's current product; undefined when Stripe no longer has it or answers it `deleted`. */
  const fetchProduct = async (id: string) => {
    const product = await unlessNotFound(stripe.retrieveProduct(id));
    return product === undefined || isDeletedAtStripe(product) ? undefined : product;
  };
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

  /**
   * A listing that shares no product (or no price) with a mirror holding some is not "everything was deleted at
   * Stripe" but a listing of something else (another account, a wiped test mode): marking the whole catalog
   * deleted would lose it for good, so nothing is marked and the sync fails loudly.
   */
  async function refuseDisjointListing(listed: repo.ListedCatalog): Promise<void> {
    const overlap = await repo.countListedInMirror(pool, listed);
    const unmatched = [
      ...(overlap.products_held > 0 && overlap.products_listed === 0
        ? [`none of the ${overlap.products_held} products`]
        : []),
      ...(overlap.prices_held > 0 && overlap.prices_listed === 0
        ? [`none of the ${overlap.prices_held} prices`]
        : []),
    ];
    if (unmatched.length === 0) return;
    const message =
      `Stripe listed ${listed.productIds.length} products and ${listed.priceIds.length} prices, and ` +
      `${unmatched.join(' and ')} the mirror holds: nothing was marked deleted. Check which Stripe account ` +
      'STRIPE_SECRET_KEY belongs to (see the runbook: Catalog mirror).';
    options.logger.error(
      { listed: { products: listed.productIds.length, prices: listed.priceIds.length }, overlap },
      message,
    );
    throw new AppError('conflict', message);
  }

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
      await claimMirrorFor(pool, () => stripe.retrieveAccount());
      const listedSince = new Date();
      const productIds = await copyProductsFromStripe();
      const priceIds = await copyPricesFromStripe();
      await refuseDisjointListing({ productIds, priceIds, listedSince });
      await repo.markUnlistedCatalogDeleted(pool, { productIds, priceIds, listedSince });
      options.logger.info(
        { products: productIds.length, prices: priceIds.length },
        'catalog synced from Stripe',
      );
      return { products: productIds.length, prices: priceIds.length };
    },

    listTombstones: () => repo.listTombstones(pool),

    async restoreTombstone(id: string) {
      const stored = await repo.findCatalogObject(pool, id);
      if (stored === undefined)
        throw new AppError('not_found', `The catalog mirror holds no product or price ${id}`);
      if (stored.deleted_at === null)
        throw new AppError('conflict', `${stored.kind} ${id} is not marked deleted`);
      // Fetched before the transaction: no transaction waits on Stripe.
      const current = await unlessNotFound<StripeProduct | StripePrice>(
        stored.kind === 'product' ? stripe.retrieveProduct(id) : stripe.retrievePrice(id),
      );
      if (current === undefined || isDeletedAtStripe(current)) {
        throw new AppError(
          'not_found',
          `Stripe has no ${stored.kind} ${id}: it was deleted there, the mark stays`,
        );
      }
      await withTransaction(pool, async (client) => {
        await repo.clearTombstone(client, stored.kind, id);
        if (stored.kind === 'product')
          await repo.upsertProduct(client, productInput(current as StripeProduct));
        else await repo.upsertPrice(client, priceInput(current as StripePrice));
      });
      options.logger.warn({ kind: stored.kind, id }, 'catalog tombstone restored by an operator');
      return { kind: stored.kind, active: current.active };
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
