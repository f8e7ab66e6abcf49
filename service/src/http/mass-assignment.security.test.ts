// Security suite, mass assignment: amounts, prices, modes, ids, secrets and states a caller must not set are
// refused by name (400 validation_failed, `param` naming the field), and nothing is written or sent to Stripe.
// Prices come from the catalog by id or lookup key; amounts never come from a request.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CANCEL_URL,
  startSeededTestApp,
  SUCCESS_URL,
  type SeededTestApp,
} from '../test-support/seeded-test-app.js';

describe('API3:2023 Broken Object Property Level Authorization — mass assignment', () => {
  let world: SeededTestApp;
  let endpointId: string;
  const cart = (changes: Record<string, unknown> = {}) => ({
    customer: 'buyer1',
    mode: 'payment',
    items: [{ lookup_key: 'mug', quantity: 1 }],
    success_url: SUCCESS_URL,
    cancel_url: CANCEL_URL,
    ...changes,
  });
  const item = (changes: Record<string, unknown>) =>
    cart({ items: [{ lookup_key: 'mug', quantity: 1, ...changes }] });
  const customer = (changes: Record<string, unknown>) => ({
    external_id: 'mass1',
    email: 'mass1@example.com',
    ...changes,
  });

  const counts = async () => ({
    stripe: Object.values(world.emulator.summary().counts).reduce((sum, n) => sum + n, 0),
    rows: Number(
      (
        await world.dependencies.pool.query<{ rows: string }>(
          `SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM checkout_sessions)
                + (SELECT count(*) FROM webhook_endpoints) AS rows`,
        )
      ).rows[0]?.rows,
    ),
  });

  beforeAll(async () => {
    world = await startSeededTestApp();
    expect(
      (await world.call('POST', '/v1/customers', { external_id: 'buyer1', email: 'b1@example.com' }))
        .statusCode,
    ).toBe(201);
    const endpoint = await world.call('POST', '/v1/webhook-endpoints', {
      url: 'https://shop.example/hooks',
      event_types: ['order.paid'],
    });
    endpointId = endpoint.json<{ id: string }>().id;
  });

  afterAll(async () => {
    await world.closeAll();
  });

  const attempts: Array<[string, () => [string, unknown], string]> = [
    ['a checkout amount_total', () => ['/v1/checkout/sessions', cart({ amount_total: 1 })], ''],
    ['a checkout amount', () => ['/v1/checkout/sessions', cart({ amount: 1 })], ''],
    ['a checkout currency', () => ['/v1/checkout/sessions', cart({ currency: 'jpy' })], ''],
    [
      'Stripe line_items',
      () => ['/v1/checkout/sessions', cart({ line_items: [{ price_data: { unit_amount: 1 } }] })],
      '',
    ],
    ['a Stripe customer id', () => ['/v1/checkout/sessions', cart({ stripe_customer_id: 'cus_other' })], ''],
    [
      'a customer_id',
      () => ['/v1/checkout/sessions', cart({ customer_id: '00000000-0000-4000-8000-000000000001' })],
      '',
    ],
    ['discounts', () => ['/v1/checkout/sessions', cart({ discounts: [{ coupon: 'FREE' }] })], ''],
    ['payment_method_types', () => ['/v1/checkout/sessions', cart({ payment_method_types: ['card'] })], ''],
    ['livemode', () => ['/v1/checkout/sessions', cart({ livemode: true })], ''],
    ['an item unit_amount', () => ['/v1/checkout/sessions', item({ unit_amount: 1 })], 'items[0]'],
    [
      'an item price_data',
      () => ['/v1/checkout/sessions', item({ price_data: { unit_amount: 1, currency: 'usd' } })],
      'items[0]',
    ],
    ['an item amount', () => ['/v1/checkout/sessions', item({ amount: 1 })], 'items[0]'],
    ['an item currency', () => ['/v1/checkout/sessions', item({ currency: 'usd' })], 'items[0]'],
    ['a fractional quantity', () => ['/v1/checkout/sessions', item({ quantity: 0.01 })], 'items[0].quantity'],
    [
      'a quantity as a string',
      () => ['/v1/checkout/sessions', item({ quantity: '1; DROP' })],
      'items[0].quantity',
    ],
    [
      'a mode Stripe has but we do not sell',
      () => ['/v1/checkout/sessions', cart({ mode: 'setup' })],
      'mode',
    ],
    [
      'trial days above the maximum',
      () => [
        '/v1/checkout/sessions',
        cart({
          mode: 'subscription',
          items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
          trial_days: 100_000,
        }),
      ],
      'trial_days',
    ],
    [
      'a reserved billing_ metadata key',
      () => ['/v1/checkout/sessions', cart({ metadata: { billing_customer_id: 'other' } })],
      'metadata.billing_customer_id',
    ],
    [
      'our customer id',
      () => ['/v1/customers', customer({ id: '00000000-0000-4000-8000-000000000001' })],
      '',
    ],
    [
      'a Stripe customer id on a customer',
      () => ['/v1/customers', customer({ stripe_customer_id: 'cus_other' })],
      '',
    ],
    ['created_at', () => ['/v1/customers', customer({ created_at: '2000-01-01T00:00:00Z' })], ''],
    ['a Stripe balance', () => ['/v1/customers', customer({ balance: -100_000 })], ''],
    [
      'the secret of a webhook endpoint',
      () => [
        '/v1/webhook-endpoints',
        { url: 'https://shop.example/h', event_types: ['*'], secret: 'whsec_mine' },
      ],
      '',
    ],
    [
      'the status of a webhook endpoint',
      () => [
        '/v1/webhook-endpoints',
        { url: 'https://shop.example/h', event_types: ['*'], status: 'enabled' },
      ],
      '',
    ],
    [
      'an unknown event type',
      () => ['/v1/webhook-endpoints', { url: 'https://shop.example/h', event_types: ['customer.deleted'] }],
      'event_types[0]',
    ],
    [
      'the secret on a rotation',
      () => [`/v1/webhook-endpoints/${endpointId}/rotate-secret`, { overlap_hours: 1, secret: 'whsec_mine' }],
      '',
    ],
    [
      'an overlap longer than a week',
      () => [`/v1/webhook-endpoints/${endpointId}/rotate-secret`, { overlap_hours: 10_000 }],
      'overlap_hours',
    ],
    [
      'a refund amount of zero',
      () => ['/v1/orders/00000000-0000-4000-8000-000000000001/refunds', { amount: 0 }],
      'amount',
    ],
    [
      'a negative refund amount',
      () => ['/v1/orders/00000000-0000-4000-8000-000000000001/refunds', { amount: -500 }],
      'amount',
    ],
    [
      'a refund currency',
      () => ['/v1/orders/00000000-0000-4000-8000-000000000001/refunds', { amount: 100, currency: 'usd' }],
      '',
    ],
    [
      'a refund amount of "1e309" (coerced to Infinity)',
      () => ['/v1/orders/00000000-0000-4000-8000-000000000001/refunds', { amount: '1e309' }],
      'amount',
    ],
    [
      'a refund reason Stripe does not have',
      () => ['/v1/orders/00000000-0000-4000-8000-000000000001/refunds', { reason: 'because' }],
      'reason',
    ],
    [
      'a subscription change to a raw amount',
      () => ['/v1/subscriptions/sub_1/change', { unit_amount: 1 }],
      '',
    ],
    [
      'a subscription change with price_data',
      () => ['/v1/subscriptions/sub_1/change/preview', { price_data: { unit_amount: 1 } }],
      '',
    ],
    [
      'an unknown proration behaviour',
      () => ['/v1/subscriptions/sub_1/change', { lookup_key: 'team_monthly', proration_behavior: 'free' }],
      'proration_behavior',
    ],
  ];

  it.each(attempts)('refuses %s with 400 validation_failed naming it', async (_name, make, param) => {
    const before = await counts();
    const [url, body] = make();
    const response = await world.call('POST', url, body);
    expect(response.statusCode, response.body).toBe(400);
    const error = response.json<{ error: { code: string; param?: string; message: string } }>().error;
    expect(error.code).toBe('validation_failed');
    if (param !== '') expect(error.param).toBe(param);
    else expect(error.message).toMatch(/must NOT have additional properties/);
    expect(await counts()).toEqual(before);
  });

  it("refuses another object's Stripe id where our customer id goes: 404 not_found, nothing sent", async () => {
    const stripeCustomer = (
      await world.dependencies.pool.query<{ stripe_customer_id: string }>(
        "SELECT stripe_customer_id FROM customers WHERE external_id = 'buyer1'",
      )
    ).rows[0]!.stripe_customer_id;
    const before = await counts();
    for (const [url, body] of [
      ['/v1/checkout/sessions', cart({ customer: stripeCustomer })],
      ['/v1/portal/sessions', { customer: stripeCustomer, return_url: 'https://shop.example/account' }],
    ] as const) {
      const response = await world.call('POST', url, body);
      expect(response.statusCode, url).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'not_found', param: 'customer' } });
    }
    expect(await counts()).toEqual(before);
  });

  it('charges the catalog price whatever the request says: Stripe gets the catalog price and its amount', async () => {
    const response = await world.call(
      'POST',
      '/v1/checkout/sessions',
      cart({ items: [{ lookup_key: 'mug', quantity: 2 }] }),
    );
    expect(response.statusCode).toBe(201);
    const mug = (
      await world.dependencies.pool.query<{ id: string; unit_amount: string }>(
        "SELECT id, unit_amount FROM prices WHERE lookup_key = 'mug'",
      )
    ).rows[0]!;
    const emulatorUrl = new URL(world.emulator.url);
    const stripe = new Stripe('sk_test_mass_assignment', {
      host: emulatorUrl.hostname,
      port: Number(emulatorUrl.port),
      protocol: 'http',
      telemetry: false,
    });
    const id = response.json<{ id: string }>().id;
    const lines = await stripe.checkout.sessions.listLineItems(id);
    expect(lines.data.map((line) => [line.price?.id, line.quantity])).toEqual([[mug.id, 2]]);
    expect((await stripe.checkout.sessions.retrieve(id)).amount_total).toBe(Number(mug.unit_amount) * 2);
  });
});
