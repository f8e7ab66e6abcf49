// Paging through a Stripe list within Stripe's rate limits: a short pause between pages, and on a 429 a few
// retries with growing waits before the run gives up as rate-limited (never reported as a success).
import { AppError } from '../../errors.js';

/** Stripe allows 25 read requests/s in test mode and 100 in live mode: 20 pages/s stays under both. */
export const MIN_PAGE_INTERVAL_MS = 50;
const RATE_LIMIT_WAITS_MS = [500, 1000, 2000];

export class RateLimitedError extends Error {
  constructor(cause: unknown) {
    super('Stripe kept rate limiting the listing', { cause });
    this.name = 'RateLimitedError';
  }
}

export function isRateLimited(error: unknown): boolean {
  return error instanceof AppError && (error.code === 'stripe_rate_limited' || error.code === 'rate_limited');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fetches one page, retrying 429s with backoff; throws RateLimitedError when they do not stop. */
export async function fetchPageWithinRateLimits<Page>(fetchPage: () => Promise<Page>): Promise<Page> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      const page = await fetchPage();
      await sleep(MIN_PAGE_INTERVAL_MS);
      return page;
    } catch (error) {
      if (!isRateLimited(error)) throw error;
      const wait = RATE_LIMIT_WAITS_MS[attempt];
      if (wait === undefined) throw new RateLimitedError(error);
      await sleep(wait);
    }
  }
}
