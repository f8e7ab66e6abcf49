// Tests of the emulated request rate limit, set through the control API and seen through the official SDK.
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());
beforeEach(() => emulator.reset());

async function control(
  method: 'POST' | 'GET' | 'DELETE',
  body?: Record<string, unknown>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${emulator.url}/_emulator/rate-limit`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Sends `count` list calls at once; the errors of those that failed, and how many succeeded. */
async function burst(count: number): Promise<{ succeeded: number; errors: Stripe.errors.StripeError[] }> {
  const settled = await Promise.allSettled(
    Array.from({ length: count }, () => stripe.products.list({ limit: 1 })),
  );
  return {
    succeeded: settled.filter((result) => result.status === 'fulfilled').length,
    errors: settled.flatMap((result) =>
      result.status === 'rejected' ? [result.reason as Stripe.errors.StripeError] : [],
    ),
  };
}

describe('the emulated request rate limit', () => {
  it('answers 429 rate_limit (StripeRateLimitError) to requests past the rate, and counts both kinds', async () => {
    const set = await control('POST', { requests_per_second: 3 });
    expect(set).toMatchObject({ status: 200, json: { requests_per_second: 3, limited: 0, admitted: 0 } });

    const { succeeded, errors } = await burst(15);
    // The full bucket lets at least 3 through at once; a 15-request burst outruns a refill of 3 per second.
    expect(succeeded).toBeGreaterThanOrEqual(3);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
      expect(error.statusCode).toBe(429);
      expect(error.code).toBe('rate_limit');
    }
    const state = await control('GET');
    expect(state.json).toMatchObject({ requests_per_second: 3, admitted: succeeded, limited: errors.length });
  });

  it('lets every request through once turned off, and is off after a reset', async () => {
    await control('POST', { requests_per_second: 1 });
    expect((await burst(5)).errors.length).toBeGreaterThan(0);
    const cleared = await control('DELETE');
    expect(cleared.json).toMatchObject({ requests_per_second: null });
    expect(await burst(10)).toEqual({ succeeded: 10, errors: [] });

    await control('POST', { requests_per_second: 1 });
    emulator.reset();
    expect((await control('GET')).json).toMatchObject({ requests_per_second: null });
    expect(await burst(10)).toEqual({ succeeded: 10, errors: [] });
  });

  it('never limits the control API itself', async () => {
    await control('POST', { requests_per_second: 1 });
    await burst(5);
    const states = await Promise.all(Array.from({ length: 10 }, () => control('GET')));
    expect(states.map((state) => state.status)).toEqual(Array.from({ length: 10 }, () => 200));
  });

  it.each<[Record<string, unknown>, string]>([
    [{}, 'missing'],
    [{ requests_per_second: 0 }, 'zero'],
    [{ requests_per_second: 2.5 }, 'fractional'],
    [{ requests_per_second: '25' }, 'a string'],
  ])('refuses a body %j (requests_per_second %s) with 400 and leaves the limit off', async (body) => {
    const refused = await control('POST', body);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: { param: 'requests_per_second' } });
    expect((await control('GET')).json).toMatchObject({ requests_per_second: null });
  });
});
