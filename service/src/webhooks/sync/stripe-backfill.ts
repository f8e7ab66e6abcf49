// `npm run billing -- sync`: copies Stripe's customers, products, prices, subscriptions and invoices into our
// tables (then recomputes every customer's entitlements), a page at a time within Stripe's rate limits. After
// each page the resource's cursor is saved, so `--resume` continues a stopped run where it stopped. A run that
// Stripe rate-limits or that fails says so (and keeps its cursors); only a complete run reports success.
import type { CatalogService } from '../../catalog/catalog.service.js';
import type { CustomersService } from '../../customers/customers.service.js';
import type { Pool } from '../../db/pool.js';
import type { TransactionOption } from '../../db/queryable.js';
import { withTransaction } from '../../db/transaction.js';
import type { EntitlementsService } from '../../entitlements/entitlements.service.js';
import type { InvoicesService } from '../../invoices/invoices.service.js';
import type { StripeGateway } from '../../stripe/gateway.js';
import type { PageRequest, StripePage } from '../../stripe/stripe-objects.js';
import type { SubscriptionsService } from '../../subscriptions/subscriptions.service.js';
import { fetchPageWithinRateLimits, isRateLimited, RateLimitedError } from '../sweep/stripe-paging.js';
import { findSyncCursor, saveSyncCursor } from '../sweep/sync-cursors.js';
import { applyListedObject, listingVersion } from '../../stripe-mirror/object-versions.js';

export const BACKFILL_RESOURCES = ['customers', 'products', 'prices', 'subscriptions', 'invoices'] as const;
export type BackfillResource = (typeof BACKFILL_RESOURCES)[number];

export interface BackfillResult {
  outcome: 'completed' | 'rate_limited' | 'failed';
  counts: Record<BackfillResource | 'entitlements', number>;
  error?: string;
}

export interface BackfillServices {
  pool: Pool;
  stripe: StripeGateway;
  customers: CustomersService;
  catalog: CatalogService;
  subscriptions: SubscriptionsService;
  invoices: InvoicesService;
  entitlements: EntitlementsService;
}

interface Source {
  list: (request: PageRequest) => Promise<StripePage<{ id: string }>>;
  /** Writes a listed object; `versioned` sources run it in a transaction (see applyListed). */
  apply: (item: { id: string }, transaction: TransactionOption) => Promise<void>;
  /**
   * Objects whose webhooks are applied from their payload (customers, products, prices): how to apply Stripe's
   * current object when an event of the listing's second was applied.
   */
  refetch?: (id: string, transaction: TransactionOption) => Promise<void>;
}

function sources(services: BackfillServices): Record<BackfillResource, Source> {
  const { stripe, pool } = services;
  return {
    customers: {
      list: (request) => stripe.listCustomers(request),
      apply: (customer, transaction) => services.customers.applyStripeCustomer(customer, transaction),
      refetch: (id, transaction) => services.customers.syncStripeCustomer(id, transaction),
    },
    products: {
      list: (request) => stripe.listProducts(request),
      apply: (product, transaction) =>
        services.catalog.applyStripeProduct(
          product as Parameters<CatalogService['applyStripeProduct']>[0],
          transaction,
        ),
      refetch: (id, transaction) => services.catalog.syncProduct(id, transaction),
    },
    prices: {
      list: (request) => stripe.listPrices(request),
      apply: (price, transaction) =>
        services.catalog.applyStripePrice(
          price as Parameters<CatalogService['applyStripePrice']>[0],
          transaction,
        ),
      refetch: (id, transaction) => services.catalog.syncPrice(id, transaction),
    },
    subscriptions: {
      list: (request) => stripe.listSubscriptions(request),
      apply: async (subscription) => {
        await services.subscriptions.syncSubscription(subscription.id);
      },
    },
    invoices: {
      list: (request) => stripe.listInvoices(request),
      apply: async (invoice) => {
        await withTransaction(pool, (client) => services.invoices.syncInvoice(invoice.id, { client }));
      },
    },
  };
}

/**
 * A listed customer, product or price stands for Stripe's state at the listing's second: it is written unless a
 * later event of the object was applied meanwhile (stripe_object_versions).
 */
async function applyListed(
  pool: Pool,
  source: Source,
  item: { id: string },
  listedAt: number,
): Promise<void> {
  const { refetch } = source;
  if (refetch === undefined) return source.apply(item, {});
  await applyListedObject(pool, item.id, listedAt, {
    listed: (client) => source.apply(item, { client }),
    current: (client) => refetch(item.id, { client }),
  });
}

const cursorName = (resource: BackfillResource) => `backfill:${resource}`;

export async function backfillFromStripe(
  services: BackfillServices,
  options: { resume: boolean; onProgress?: (resource: string, count: number) => void },
): Promise<BackfillResult> {
  const { pool } = services;
  const counts: BackfillResult['counts'] = {
    customers: 0,
    products: 0,
    prices: 0,
    subscriptions: 0,
    invoices: 0,
    entitlements: 0,
  };
  let current: BackfillResource | undefined;
  try {
    for (const resource of BACKFILL_RESOURCES) {
      current = resource;
      const cursor = options.resume ? await findSyncCursor(pool, cursorName(resource)) : undefined;
      if (cursor?.last_outcome === 'completed') continue;
      const source = sources(services)[resource];
      let startingAfter = cursor?.cursor_value ?? undefined;
      for (;;) {
        const listedAt = listingVersion();
        const page = await fetchPageWithinRateLimits(() =>
          source.list({ limit: 100, ...(startingAfter === undefined ? {} : { startingAfter }) }),
        );
        for (const item of page.data) await applyListed(pool, source, item, listedAt);
        counts[resource] += page.data.length;
        startingAfter = page.data.at(-1)?.id ?? startingAfter;
        await saveSyncCursor(pool, cursorName(resource), {
          cursorValue: startingAfter ?? null,
          outcome: 'running',
        });
        options.onProgress?.(resource, counts[resource]);
        if (!page.has_more || page.data.length === 0) break;
      }
      await saveSyncCursor(pool, cursorName(resource), { outcome: 'completed' });
    }
    current = undefined;
    const customers = await pool.query<{ id: string }>('SELECT id FROM customers WHERE deleted_at IS NULL');
    for (const { id } of customers.rows) {
      await withTransaction(pool, (client) => services.entitlements.recomputeForCustomer(id, { client }));
      counts.entitlements += 1;
    }
    // The next plain run starts over; a resumed one after this has nothing left to skip.
    for (const resource of BACKFILL_RESOURCES) {
      await saveSyncCursor(pool, cursorName(resource), { cursorValue: null, outcome: 'done' });
    }
    return { outcome: 'completed', counts };
  } catch (error) {
    const outcome = error instanceof RateLimitedError || isRateLimited(error) ? 'rate_limited' : 'failed';
    const message = error instanceof Error ? error.message : String(error);
    if (current !== undefined) await saveSyncCursor(pool, cursorName(current), { outcome, error: message });
    return { outcome, counts, error: `${current ?? 'entitlements'}: ${message}` };
  }
}
