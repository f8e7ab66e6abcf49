// A refusal of the outbound Stripe budget as the API's caller sees it: 503 stripe_rate_budget_exhausted in our
// error body with Retry-After, and nothing half-done: the same request succeeds once the budget has room.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSeededTestApp, type SeededTestApp } from '../test-support/seeded-test-app.js';

const customerBody = (externalId: string) => ({
  external_id: externalId,
  email: `${externalId}@example.com`,
});

describe('a Stripe call over the budget, through the API', () => {
  let world: SeededTestApp;

  beforeAll(async () => {
    world = await startSeededTestApp({
      STRIPE_RATE_BUDGET_PER_SECOND: '3',
      STRIPE_RATE_BUDGET_MAX_WAIT_MS: '0',
    });
  });
  afterAll(() => world.closeAll());

  it('answers 503 stripe_rate_budget_exhausted with Retry-After, and the retry creates the customer once', async () => {
    const externalIds = Array.from({ length: 8 }, (_, index) => `budget_${index}`);
    const responses = await Promise.all(
      externalIds.map((externalId) => world.call('POST', '/v1/customers', customerBody(externalId))),
    );
    const refused = responses.filter((response) => response.statusCode === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(responses.every((response) => [201, 503].includes(response.statusCode))).toBe(true);
    for (const response of refused) {
      expect(response.json()).toMatchObject({
        error: { code: 'stripe_rate_budget_exhausted', message: expect.stringMatching(/budget/) },
      });
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // Load shedding is logged at warn without a stack, not as a failure.
    const shed = world.logLines().filter((line) => line.msg === 'request shed: Stripe call budget used up');
    expect(shed).toHaveLength(refused.length);
    expect(shed.every((line) => line.level === 40 && line.err === undefined)).toBe(true);
    expect(world.logLines().filter((line) => line.msg === 'request failed')).toEqual([]);

    // Once the window passes, each refused request goes through; every customer exists once, here and at Stripe.
    for (const [index, response] of responses.entries()) {
      if (response.statusCode !== 503) continue;
      await vi.waitFor(
        async () => {
          const retry = await world.call('POST', '/v1/customers', customerBody(externalIds[index]!));
          // 200: the row was stored before the refused Stripe call; the retry links it to its Stripe customer.
          expect(retry.statusCode).toBe(200);
          expect(retry.json()).toMatchObject({ stripe_customer_id: expect.stringMatching(/^cus_/) });
        },
        { timeout: 15_000, interval: 300 },
      );
    }
    const stored = await world.dependencies.pool.query<{ count: string }>(
      'SELECT count(*) FROM customers WHERE external_id = ANY($1::text[]) AND stripe_customer_id IS NOT NULL',
      [externalIds],
    );
    expect(Number(stored.rows[0]?.count)).toBe(externalIds.length);
    expect(world.stripeCount('customer')).toBe(externalIds.length);
  });
});
