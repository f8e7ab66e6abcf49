import { beforeAll, describe, expect, it } from 'vitest';
import { useCheckoutWorld } from '../test-support/checkout-world.js';
import type { SeededTestApp } from '../test-support/seeded-test-app.js';

describe('checkout session rejections', () => {
  const checkout = useCheckoutWorld();
  let world: SeededTestApp;
  beforeAll(() => {
    world = checkout.app;
  });
  const newCustomer = () => checkout.newCustomer();
  const cart = (customer: string, overrides?: Record<string, unknown>) => checkout.cart(customer, overrides);

  it.each([
    [
      'an unknown price id',
      { items: [{ price: 'price_nope', quantity: 1 }] },
      'items[0].price',
      'no such price',
    ],
    [
      'an unknown lookup key',
      { items: [{ lookup_key: 'nope', quantity: 1 }] },
      'items[0].lookup_key',
      'no such price',
    ],
    [
      'an inactive price',
      { mode: 'subscription', items: [{ lookup_key: 'legacy_monthly', quantity: 1 }] },
      'items[0].lookup_key',
      'not active',
    ],
    [
      'mixed currencies',
      {
        items: [
          { lookup_key: 'mug', quantity: 1 },
          { lookup_key: 'tea_eur', quantity: 1 },
        ],
      },
      'items[1].lookup_key',
      'currency eur differs',
    ],
    [
      'a recurring price in payment mode',
      { items: [{ lookup_key: 'pro_monthly', quantity: 1 }] },
      'items[0].lookup_key',
      'is recurring',
    ],
    [
      'a one-time price in subscription mode',
      { mode: 'subscription', items: [{ lookup_key: 'mug', quantity: 1 }] },
      'items[0].lookup_key',
      'is one-time',
    ],
    [
      'mixed billing intervals',
      {
        mode: 'subscription',
        items: [
          { lookup_key: 'pro_monthly', quantity: 1 },
          { lookup_key: 'team_yearly', quantity: 1 },
        ],
      },
      'items[1].lookup_key',
      'billing interval',
    ],
    ['quantity 0', { items: [{ lookup_key: 'mug', quantity: 0 }] }, 'items[0].quantity', ''],
    ['a negative quantity', { items: [{ lookup_key: 'mug', quantity: -2 }] }, 'items[0].quantity', ''],
    [
      'a quantity above the maximum',
      { items: [{ lookup_key: 'mug', quantity: 51 }] },
      'items[0].quantity',
      'at most 50',
    ],
    [
      'a duplicate price',
      {
        items: [
          { lookup_key: 'mug', quantity: 1 },
          { lookup_key: 'mug', quantity: 2 },
        ],
      },
      'items[1].lookup_key',
      'already in items[0]',
    ],
    [
      'both price and lookup_key',
      { items: [{ price: 'price_x', lookup_key: 'mug', quantity: 1 }] },
      'items[0]',
      'exactly one',
    ],
    ['an empty cart', { items: [] }, 'items', ''],
    [
      'more than 100 items',
      { items: Array.from({ length: 101 }, () => ({ lookup_key: 'mug', quantity: 1 })) },
      'items',
      '',
    ],
    ['trial days in payment mode', { trial_days: 7 }, 'trial_days', 'only for mode "subscription"'],
    [
      'a reserved metadata key',
      { metadata: { billing_customer_id: 'x' } },
      'metadata.billing_customer_id',
      'reserved',
    ],
    [
      'a success_url of another origin',
      { success_url: 'https://evil.example/x' },
      'success_url',
      'not in ALLOWED_REDIRECT_ORIGINS',
    ],
    [
      'a javascript: URL',
      { success_url: 'javascript:alert(1)' },
      'success_url',
      'scheme javascript: is not allowed',
    ],
    ['a data: URL', { cancel_url: 'data:text/html,hi' }, 'cancel_url', 'scheme data: is not allowed'],
    ['a protocol-relative URL', { success_url: '//evil.example/x' }, 'success_url', 'absolute URL'],
    [
      'credentials in the URL',
      { success_url: 'https://shop.example@evil.example/' },
      'success_url',
      'credentials',
    ],
    ['a backslash trick', { cancel_url: 'https:\\\\evil.example' }, 'cancel_url', 'backslashes'],
    [
      'http when https is required',
      { cancel_url: 'http://shop.example/cart' },
      'cancel_url',
      'must use https',
    ],
  ])('refuses %s, naming the field', async (_name, overrides, param, reason) => {
    const customer = await newCustomer();
    const before = world.stripeCount('checkout.session');
    const response = await world.call('POST', '/v1/checkout/sessions', cart(customer, overrides));
    expect(response.statusCode).toBe(400);
    const error = response.json<{ error: { code: string; message: string; param: string } }>().error;
    expect(error).toMatchObject({ code: 'validation_failed', param });
    expect(error.message).toContain(reason);
    expect(world.stripeCount('checkout.session')).toBe(before);
  });

  it("passes on Stripe's own refusal with its message and param, and retires the intent", async () => {
    const customer = await newCustomer();
    const [guide] = await world.dependencies.catalog.findPricesByReferences([], ['guide_pdf']);
    // Deleted at Stripe, still active in our mirror (no webhooks in this test).
    await fetch(`${world.emulator.url}/_emulator/prices/${guide!.id}`, { method: 'DELETE' });
    const response = await world.call(
      'POST',
      '/v1/checkout/sessions',
      cart(customer, { items: [{ lookup_key: 'guide_pdf', quantity: 1 }] }),
    );
    expect(response.statusCode).toBe(400);
    const error = response.json<{ error: { code: string; message: string; param?: string } }>().error;
    expect(error.code).toBe('stripe_invalid_request');
    expect(error.message).toContain(guide!.id);
    expect(error.param).toMatch(/^line_items/);
    const rows = await world.dependencies.pool.query(
      'SELECT checkout_sessions.status FROM checkout_sessions JOIN customers ON customers.id = customer_id WHERE external_id = $1',
      [customer],
    );
    expect(rows.rows).toEqual([{ status: 'failed' }]);
  });

  it('refuses an unknown customer with 404 naming the field', async () => {
    const response = await world.call('POST', '/v1/checkout/sessions', cart('nobody_here'));
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({ code: 'not_found', param: 'customer' });
  });
});
