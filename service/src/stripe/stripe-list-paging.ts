// Paging through a Stripe list, the one way every listing does it (catalog sync, backfill, missed-event sweep):
// 100 items a page after a cursor, a short pause between pages (none before the first), and on a 429 a few retries with growing waits
// before the run gives up as rate-limited (never reported as a success). copyListedObjects adds the version
// guard for objects that webhooks apply from their payload.
import { AppError } from '../errors.js';
import type { Pool, PoolClient } from '../db/pool.js';
import { applyListedObject, listingVersion } from '../stripe-mirror/object-versions.js';
import type { PageRequest, StripePage } from './stripe-objects.js';

/** Stripe allows 25 read requests/s in test mode and 100 in live mode: 20 pages/s stays under both. */
export const MIN_PAGE_INTERVAL_MS = 50;
const RATE_LIMIT_WAITS_MS = [500, 1000, 2000];
const PAGE_LIMIT = 100;

export class RateLimitedError extends Error {
  constructor(cause: unknown) {
    super('Stripe kept rate limiting the listing', { cause });
    this.name = 'RateLimitedError';
  }
}

export function isRateLimited(error: unknown): boolean {
  return (
    error instanceof RateLimitedError ||
    (error instanceof AppError && (error.code === 'stripe_rate_limited' || error.code === 'rate_limited'))
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fetches one page, retrying 429s with backoff; throws RateLimitedError when they do not stop. */
async function fetchPageWithinRateLimits<Page>(fetchPage: () => Promise<Page>): Promise<Page> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await fetchPage();
    } catch (error) {
      if (!isRateLimited(error)) throw error;
      const wait = RATE_LIMIT_WAITS_MS[attempt];
      if (wait === undefined) throw new RateLimitedError(error);
      await sleep(wait);
    }
  }
}

/**
 * Lists every page after `startingAfter` (from the start without one) and hands each to `onPage` before asking
 * for the next, with `listedAt`: the object version the page stands for (listingVersion, taken before asking).
 */
export async function forEachStripePage<Item extends { id: string }>(
  list: (request: PageRequest) => Promise<StripePage<Item>>,
  onPage: (items: Item[], listedAt: number) => Promise<void>,
  options: { startingAfter?: string | undefined } = {},
): Promise<void> {
  let { startingAfter } = options;
  for (let first = true; ; first = false) {
    if (!first) await sleep(MIN_PAGE_INTERVAL_MS);
    const listedAt = listingVersion();
    const page = await fetchPageWithinRateLimits(() =>
      list({ limit: PAGE_LIMIT, ...(startingAfter === undefined ? {} : { startingAfter }) }),
    );
    await onPage(page.data, listedAt);
    startingAfter = page.data.at(-1)?.id;
    if (!page.has_more || startingAfter === undefined) return;
  }
}

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
