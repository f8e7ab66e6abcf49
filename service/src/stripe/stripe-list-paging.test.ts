// Paging through a Stripe listing when Stripe (or our own budget) keeps refusing: the caller gets the refusal
// itself, so an API route that lists answers 503 with its code and Retry-After rather than 500.
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { forEachStripePage, isRateLimited } from './stripe-list-paging.js';

describe('forEachStripePage', () => {
  it('retries a refused page a few times, then throws the refusal as it came', async () => {
    const refusal = new AppError('stripe_rate_budget_exhausted', 'Our budget of Stripe calls is used up', {
      retryAfterSeconds: 1,
    });
    let asked = 0;
    const pages: string[][] = [];
    const listing = forEachStripePage<{ id: string }>(
      () => {
        asked += 1;
        return Promise.reject(refusal);
      },
      async (items) => void pages.push(items.map((item) => item.id)),
    );
    await expect(listing).rejects.toBe(refusal);
    expect(refusal.statusCode).toBe(503);
    expect(isRateLimited(refusal)).toBe(true);
    expect(asked).toBe(4);
    expect(pages).toEqual([]);
  }, 15_000);

  it('goes on from the page that was refused once it passes', async () => {
    let asked = 0;
    const pages: string[][] = [];
    await forEachStripePage<{ id: string }>(
      (request) => {
        asked += 1;
        if (asked === 2) return Promise.reject(new AppError('stripe_rate_limited', 'Stripe answered 429'));
        return Promise.resolve(
          request.startingAfter === undefined
            ? { data: [{ id: 'a' }, { id: 'b' }], has_more: true }
            : { data: [{ id: `after ${request.startingAfter}` }], has_more: false },
        );
      },
      async (items) => void pages.push(items.map((item) => item.id)),
    );
    expect(pages).toEqual([['a', 'b'], ['after b']]);
    expect(asked).toBe(3);
  });

  it('throws any other error at once', async () => {
    let asked = 0;
    const failure = new AppError('stripe_unavailable', 'Stripe is unreachable');
    await expect(
      forEachStripePage(
        () => {
          asked += 1;
          return Promise.reject(failure);
        },
        async () => undefined,
      ),
    ).rejects.toBe(failure);
    expect(asked).toBe(1);
  });
});
