// Paging through a Stripe list, the one way every listing does it (catalog sync, backfill, missed-event sweep):
// 100 items a page after a cursor, a short pause between pages (none before the first), and on a 429 or a refusal
// of our Stripe budget a few retries with growing waits before the run gives up with that refusal (never reported
// as a success). Writing what is listed into the mirror: stripe-mirror/copy-listed-objects.ts.
import { AppError } from '../errors.js';
import { isRefusedByBudget } from './call-outcomes.js';
import { listingVersion } from '../stripe-mirror/object-versions.js';
import type { PageRequest, StripePage } from './stripe-objects.js';

/**
 * Stripe allows 25 read requests/s in test mode and 100 in live mode: 20 pages/s stays under both, and leaves
 * the rest of the gateway's budget (rate-budget.ts) to the other calls.
 */
export const MIN_PAGE_INTERVAL_MS = 50;
const RATE_LIMIT_WAITS_MS = [500, 1000, 2000];
const PAGE_LIMIT = 100;

/** Stripe's 429, or our own budget holding the call back (isRefusedByBudget): both pass if we wait. */
export function isRateLimited(error: unknown): boolean {
  return (
    isRefusedByBudget(error) ||
    (error instanceof AppError && (error.code === 'stripe_rate_limited' || error.code === 'rate_limited'))
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Fetches one page, retrying 429s with backoff; when they do not stop, throws the last one as it came (503
 * `stripe_rate_limited` or `stripe_rate_budget_exhausted` with Retry-After, what a caller of a route that lists
 * should see), never an error of its own that an API answer would turn into a 500.
 */
async function fetchPageWithinRateLimits<Page>(fetchPage: () => Promise<Page>): Promise<Page> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await fetchPage();
    } catch (error) {
      if (!isRateLimited(error)) throw error;
      const wait = RATE_LIMIT_WAITS_MS[attempt];
      if (wait === undefined) throw error;
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
