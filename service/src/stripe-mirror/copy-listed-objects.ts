// Copying a Stripe listing into the mirror (customers, products, prices: the objects webhooks apply from their
// payload), page by page through stripe/stripe-list-paging.ts, each object under the per-object version guard.
import type { Pool, PoolClient } from '../db/pool.js';
import { forEachStripePage } from '../stripe/stripe-list-paging.js';
import type { PageRequest, StripePage } from '../stripe/stripe-objects.js';
import { applyListedObject } from './object-versions.js';

/** Where a copy from Stripe starts (after this id) and what runs after each page is written (a cursor save). */
export interface ListingOptions {
  startingAfter?: string | undefined;
  onPage?: (items: readonly { id: string }[]) => Promise<void>;
}

/**
 * Copies a listing of objects whose webhooks are applied from their payload (customers, products, prices): each
 * listed object is written unless a webhook applied a later version meanwhile, and Stripe's current object
 * (fetched before its transaction) when one of the listing's second was (applyListedObject). Returns the ids listed.
 */
export async function copyListedObjects<Item extends { id: string }, Current = Item>(
  pool: Pool,
  list: (request: PageRequest) => Promise<StripePage<Item>>,
  write: {
    listed: (client: PoolClient, item: Item) => Promise<unknown>;
    fetchCurrent: (id: string) => Promise<Current | undefined>;
    writeCurrent: (client: PoolClient, current: Current) => Promise<unknown>;
  },
  listing: ListingOptions = {},
): Promise<string[]> {
  const ids: string[] = [];
  await forEachStripePage(
    list,
    async (items, listedAt) => {
      for (const item of items) {
        await applyListedObject(pool, item.id, listedAt, {
          listed: (client) => write.listed(client, item),
          fetchCurrent: () => write.fetchCurrent(item.id),
          writeCurrent: write.writeCurrent,
        });
      }
      ids.push(...items.map((item) => item.id));
      await listing.onPage?.(items);
    },
    { startingAfter: listing.startingAfter },
  );
  return ids;
}
