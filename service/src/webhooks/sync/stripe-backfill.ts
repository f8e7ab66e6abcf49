// `npm run billing -- sync`: copies Stripe's customers, products, prices, subscriptions and invoices into our
// tables (then recomputes every customer's entitlements), a page at a time within Stripe's rate limits. After
// each page the resource's cursor is saved, so `--resume` continues a stopped run where it stopped. A run that
// Stripe rate-limits or that fails says so (and keeps its cursors); only a complete run reports success.
import type { CatalogService } from '../../catalog/catalog.service.js';
import type { CustomersService } from '../../customers/customers.service.js';
import type { Pool } from '../../db/pool.js';
import { withTransaction } from '../../db/transaction.js';
import type { EntitlementsService } from '../../entitlements/entitlements.service.js';
import type { InvoicesService } from '../../invoices/invoices.service.js';
import type { StripeGateway } from '../../stripe/gateway.js';
import { forEachStripePage, isRateLimited, type ListingOptions } from '../../stripe/stripe-list-paging.js';
import { claimMirrorFor } from '../../stripe-mirror/mirror-account.js';
import type { SubscriptionsService } from '../../subscriptions/subscriptions.service.js';
import { findSyncCursor, saveSyncCursor } from '../sweep/sync-cursors.js';

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

/**
 * Copies one resource from Stripe after `startingAfter`, calling `onPage` after each page is written. Customers,
 * products and prices are copied by their services (a listed object never overwrites a later webhook's version);
 * subscriptions and invoices are refetched one by one under their locks, as their webhooks do.
 */
type CopyResource = (listing: ListingOptions) => Promise<unknown>;

function copiers(services: BackfillServices): Record<BackfillResource, CopyResource> {
  const { stripe } = services;
  return {
    customers: (listing) => services.customers.copyCustomersFromStripe(listing),
    products: (listing) => services.catalog.copyProductsFromStripe(listing),
    prices: (listing) => services.catalog.copyPricesFromStripe(listing),
    subscriptions: (listing) =>
      forEachStripePage(
        (request) => stripe.listSubscriptions(request),
        async (subscriptions) => {
          for (const { id } of subscriptions) {
            await services.subscriptions.refreshSubscription(id);
          }
          await listing.onPage?.(subscriptions);
        },
        listing,
      ),
    invoices: (listing) =>
      forEachStripePage(
        (request) => stripe.listInvoices(request),
        async (invoices) => {
          for (const { id } of invoices) {
            await services.invoices.refreshInvoice(id);
          }
          await listing.onPage?.(invoices);
        },
        listing,
      ),
  };
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
  let stage = 'account';
  try {
    // Another account's objects must never be copied into this mirror (see stripe-mirror/mirror-account.ts).
    await claimMirrorFor(pool, () => services.stripe.retrieveAccount());
    for (const resource of BACKFILL_RESOURCES) {
      current = resource;
      stage = resource;
      const cursor = options.resume ? await findSyncCursor(pool, cursorName(resource)) : undefined;
      if (cursor?.last_outcome === 'completed') continue;
      let startingAfter = cursor?.cursor_value ?? undefined;
      await copiers(services)[resource]({
        startingAfter,
        onPage: async (items) => {
          counts[resource] += items.length;
          startingAfter = items.at(-1)?.id ?? startingAfter;
          await saveSyncCursor(pool, cursorName(resource), {
            cursorValue: startingAfter ?? null,
            outcome: 'running',
          });
          options.onProgress?.(resource, counts[resource]);
        },
      });
      await saveSyncCursor(pool, cursorName(resource), { outcome: 'completed' });
    }
    current = undefined;
    stage = 'entitlements';
    for (const id of await services.customers.listActiveCustomerIds()) {
      await withTransaction(pool, (client) => services.entitlements.recomputeForCustomer(client, id));
      counts.entitlements += 1;
    }
    // The next plain run starts over; a resumed one after this has nothing left to skip.
    for (const resource of BACKFILL_RESOURCES) {
      await saveSyncCursor(pool, cursorName(resource), { cursorValue: null, outcome: 'done' });
    }
    return { outcome: 'completed', counts };
  } catch (error) {
    const outcome = isRateLimited(error) ? 'rate_limited' : 'failed';
    const message = error instanceof Error ? error.message : String(error);
    if (current !== undefined) await saveSyncCursor(pool, cursorName(current), { outcome, error: message });
    return { outcome, counts, error: `${stage}: ${message}` };
  }
}
