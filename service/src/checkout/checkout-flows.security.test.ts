// Security suite, the sensitive business flow (buying): a caller cannot multiply Stripe checkout sessions for one
// cart, by repeating, racing or rewriting the request, nor buy for a customer that does not exist; and a key that
// floods checkout is stopped by its rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CANCEL_URL,
  startSeededTestApp,
  SUCCESS_URL,
  type SeededTestApp,
} from '../test-support/seeded-test-app.js';

const RATE_LIMIT = 40;

describe('API6:2023 Unrestricted Access to Sensitive Business Flows — checkout', () => {
  let world: SeededTestApp;
  let customers = 0;
  const newCustomer = async () => {
    customers += 1;
    const externalId = `flow_${customers}`;
    const response = await world.call('POST', '/v1/customers', {
      external_id: externalId,
      email: `${externalId}@example.com`,
    });
    expect(response.statusCode).toBe(201);
    return externalId;
  };
  const cart = (customer: string, changes: Record<string, unknown> = {}) => ({
    customer,
    mode: 'payment',
    items: [{ lookup_key: 'mug', quantity: 1 }],
    success_url: SUCCESS_URL,
    cancel_url: CANCEL_URL,
    ...changes,
  });

  beforeAll(async () => {
    world = await startSeededTestApp({ RATE_LIMIT_MAX: String(RATE_LIMIT), RATE_LIMIT_WINDOW_MS: '60000' });
  });

  afterAll(async () => {
    await world.closeAll();
  });

  it('answers the same cart repeated with the one open session (200, reused)', async () => {
    const customer = await newCustomer();
    const before = world.stripeCount('checkout.session');
    const first = await world.call('POST', '/v1/checkout/sessions', cart(customer));
    const again = await world.call('POST', '/v1/checkout/sessions', cart(customer));
    expect([first.statusCode, again.statusCode]).toEqual([201, 200]);
    expect(again.json<{ id: string; reused: boolean }>()).toEqual(
      expect.objectContaining({ id: first.json<{ id: string }>().id, reused: true }),
    );
    expect(world.stripeCount('checkout.session')).toBe(before + 1);
  });

  it('creates one Stripe session for eight concurrent requests of the same cart', async () => {
    const customer = await newCustomer();
    const before = world.stripeCount('checkout.session');
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => world.call('POST', '/v1/checkout/sessions', cart(customer))),
    );
    expect(answers.every((answer) => answer.statusCode === 200 || answer.statusCode === 201)).toBe(true);
    expect(new Set(answers.map((answer) => answer.json<{ id: string }>().id)).size).toBe(1);
    expect(world.stripeCount('checkout.session')).toBe(before + 1);
  });

  it('answers the same Idempotency-Key with a different body with 4xx, creating nothing more', async () => {
    const customer = await newCustomer();
    const key = `flow-${customer}`;
    const first = await world.call('POST', '/v1/checkout/sessions', cart(customer), {
      'idempotency-key': key,
    });
    expect(first.statusCode).toBe(201);
    const before = world.stripeCount('checkout.session');
    const changed = await world.call(
      'POST',
      '/v1/checkout/sessions',
      cart(customer, { items: [{ lookup_key: 'mug', quantity: 5 }] }),
      { 'idempotency-key': key },
    );
    expect(changed.statusCode).toBe(422);
    expect(changed.json()).toMatchObject({ error: { code: 'unprocessable_entity' } });
    expect(world.stripeCount('checkout.session')).toBe(before);
  });

  it('refuses checkout for a customer that does not exist with 404 not_found, sending Stripe nothing', async () => {
    const before = world.stripeCount('checkout.session');
    const response = await world.call('POST', '/v1/checkout/sessions', cart('nobody_here'));
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'not_found', param: 'customer' } });
    expect(world.stripeCount('checkout.session')).toBe(before);
  });

  it('stops a key that floods checkout with 429 rate_limited and Retry-After, before Stripe is called', async () => {
    const customer = await newCustomer();
    const statuses: number[] = [];
    let limited: { headers: Record<string, unknown>; body: string } | undefined;
    for (let attempt = 0; attempt < RATE_LIMIT + 5 && limited === undefined; attempt += 1) {
      const response = await world.call(
        'POST',
        '/v1/checkout/sessions',
        cart(customer, { items: [{ lookup_key: 'mug', quantity: 1 + (attempt % 40) }] }),
      );
      statuses.push(response.statusCode);
      if (response.statusCode === 429) limited = response;
    }
    expect(limited, statuses.join(',')).toBeDefined();
    expect(JSON.parse(limited!.body)).toMatchObject({ error: { code: 'rate_limited' } });
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
  });
});
