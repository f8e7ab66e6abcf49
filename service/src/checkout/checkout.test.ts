import { beforeAll, describe, expect, it } from 'vitest';
import { completeCheckoutSession, emulatorObject } from '../test-support/emulator-control.js';
import { useCheckoutWorld, type CheckoutSessionAnswer } from '../test-support/checkout-world.js';
import type { SeededTestApp } from '../test-support/seeded-test-app.js';

type Session = CheckoutSessionAnswer;

describe('checkout sessions', () => {
  const checkout = useCheckoutWorld();
  let world: SeededTestApp;
  beforeAll(() => {
    world = checkout.app;
  });
  const newCustomer = () => checkout.newCustomer();
  const cart = (customer: string, overrides?: Record<string, unknown>) => checkout.cart(customer, overrides);

  it('creates a cart checkout, records it, and tags the Stripe session with our ids', async () => {
    const customer = await newCustomer();
    const response = await world.call(
      'POST',
      '/v1/checkout/sessions',
      cart(customer, { metadata: { order: 'A-1' } }),
    );
    expect(response.statusCode).toBe(201);
    const session = response.json<Session>();
    expect(session.id).toMatch(/^cs_/);
    expect(session.url).toContain(session.id);
    expect(Date.parse(session.expires_at)).toBeGreaterThan(Date.now());

    const rows = await world.dependencies.pool.query<{
      id: string;
      customer_id: string;
      status: string;
      lines: unknown;
    }>('SELECT id, customer_id, status, lines FROM checkout_sessions WHERE stripe_checkout_session_id = $1', [
      session.id,
    ]);
    expect(rows.rows[0]?.status).toBe('open');
    const stripeSession = emulatorObject<{
      client_reference_id: string;
      metadata: Record<string, string>;
      amount_total: number;
    }>(world.emulator, 'checkout.session', session.id);
    expect(stripeSession.client_reference_id).toBe(rows.rows[0]?.customer_id);
    expect(stripeSession.metadata).toEqual({
      order: 'A-1',
      billing_checkout_session_id: rows.rows[0]?.id,
      billing_customer_id: rows.rows[0]?.customer_id,
    });
    expect(stripeSession.amount_total).toBe(2 * 2500 + 900);
  });

  it('passes trial days and promotion codes on to the Stripe session', async () => {
    const customer = await newCustomer();
    const response = await world.call(
      'POST',
      '/v1/checkout/sessions',
      cart(customer, {
        mode: 'subscription',
        items: [{ lookup_key: 'team_yearly', quantity: 3 }],
        trial_days: 30,
        allow_promotion_codes: true,
      }),
    );
    expect(response.statusCode).toBe(201);
    const stripeSession = emulatorObject<{
      allow_promotion_codes: boolean | null;
      mode: string;
      amount_total: number;
    }>(world.emulator, 'checkout.session', response.json<Session>().id);
    expect(stripeSession).toMatchObject({ allow_promotion_codes: true, mode: 'subscription' });
  });

  it('reuses the open session for the same customer and cart, and not for another cart', async () => {
    const customer = await newCustomer();
    const first = (await world.call('POST', '/v1/checkout/sessions', cart(customer))).json<Session>();
    const again = await world.call('POST', '/v1/checkout/sessions', cart(customer));
    expect(again.statusCode).toBe(200);
    expect(again.json<Session>()).toMatchObject({ id: first.id, url: first.url, reused: true });
    // Same cart named by price ids and in another order is the same cart.
    const catalog = await world.dependencies.catalog.findPricesByReferences([], ['coffee_beans', 'mug']);
    const byId = cart(customer, {
      items: [
        { price: catalog.find((price) => price.lookup_key === 'mug')?.id, quantity: 1 },
        { price: catalog.find((price) => price.lookup_key === 'coffee_beans')?.id, quantity: 2 },
      ],
    });
    expect((await world.call('POST', '/v1/checkout/sessions', byId)).json<Session>().id).toBe(first.id);
    const other = await world.call(
      'POST',
      '/v1/checkout/sessions',
      cart(customer, { items: [{ lookup_key: 'mug', quantity: 3 }] }),
    );
    expect(other.statusCode).toBe(201);
    expect(other.json<Session>().id).not.toBe(first.id);
  });

  it('does not hand out a session the buyer already paid before its webhook is applied', async () => {
    const customer = await newCustomer();
    const first = (await world.call('POST', '/v1/checkout/sessions', cart(customer))).json<Session>();
    await completeCheckoutSession(world.emulator, first.id);
    const again = await world.call('POST', '/v1/checkout/sessions', cart(customer));
    expect(again.statusCode).toBe(201);
    expect(again.json<Session>()).toMatchObject({ reused: false });
    expect(again.json<Session>().id).not.toBe(first.id);
    const row = await world.dependencies.pool.query(
      'SELECT status FROM checkout_sessions WHERE stripe_checkout_session_id = $1',
      [first.id],
    );
    expect(row.rows[0]).toMatchObject({ status: 'complete' });
  });

  it('creates one Stripe session for many concurrent requests with the same cart', async () => {
    const customer = await newCustomer();
    const before = world.stripeCount('checkout.session');
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => world.call('POST', '/v1/checkout/sessions', cart(customer))),
    );
    expect(new Set(responses.map((response) => response.json<Session>().id)).size).toBe(1);
    expect(world.stripeCount('checkout.session')).toBe(before + 1);
  });

  it('refuses a second subscription to a product the customer holds, unless allow_multiple is set', async () => {
    const customer = await newCustomer();
    const subscription = (overrides: Record<string, unknown> = {}) =>
      cart(customer, {
        mode: 'subscription',
        items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
        trial_days: 14,
        ...overrides,
      });
    const first = (await world.call('POST', '/v1/checkout/sessions', subscription())).json<Session>();
    await completeCheckoutSession(world.emulator, first.id);
    const synced = await world.call('POST', `/v1/customers/${customer}/subscriptions/sync`);
    expect(synced.json<{ data: Array<{ status: string }> }>().data.map((item) => item.status)).toEqual([
      'trialing',
    ]);

    const yearly = subscription({
      items: [{ lookup_key: 'pro_yearly', quantity: 1 }],
      trial_days: undefined,
    });
    const refused = await world.call('POST', '/v1/checkout/sessions', yearly);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.message).toContain('prod_pro');
    const allowed = await world.call('POST', '/v1/checkout/sessions', { ...yearly, allow_multiple: true });
    expect(allowed.statusCode).toBe(201);
    const otherProduct = await world.call(
      'POST',
      '/v1/checkout/sessions',
      subscription({ items: [{ lookup_key: 'team_monthly', quantity: 1 }] }),
    );
    expect(otherProduct.statusCode).toBe(201);
  });

  it('marks sessions from webhook outcomes and never moves a completed one back', async () => {
    const customer = await newCustomer();
    const session = (await world.call('POST', '/v1/checkout/sessions', cart(customer))).json<Session>();
    const { checkout, pool } = world.dependencies;
    expect(await checkout.markSessionStatus(pool, session.id, 'complete')).toBe(true);
    expect(await checkout.markSessionStatus(pool, session.id, 'expired')).toBe(false);
    expect(await checkout.markSessionStatus(pool, 'cs_not_ours', 'complete')).toBe(false);
    const row = await pool.query(
      'SELECT status, completed_at FROM checkout_sessions WHERE stripe_checkout_session_id = $1',
      [session.id],
    );
    expect(row.rows[0]).toMatchObject({ status: 'complete' });
    // A completed cart is not reused: the same cart opens a new session.
    expect((await world.call('POST', '/v1/checkout/sessions', cart(customer))).json<Session>().id).not.toBe(
      session.id,
    );
  });

  describe('exactly one Stripe session per intent under faults', () => {
    it.each([
      ['a Stripe 5xx', { type: 'error', status: 500, count: 1 }, 502],
      ['a dropped connection after Stripe created it', { type: 'drop', phase: 'after', count: 2 }, 503],
      ['a dropped connection before Stripe saw it', { type: 'drop', phase: 'before', count: 2 }, 503],
      ['a timeout', { type: 'latency', latency_ms: 800, count: 1 }, 504],
    ])(
      '%s: the failed call answers an error, the retry gets the one session',
      async (_name, fault, status) => {
        const customer = await newCustomer();
        const before = world.stripeCount('checkout.session');
        world.emulator.faults.add({ ...fault, endpoint: 'POST /v1/checkout/sessions' });
        const failed = await world.call('POST', '/v1/checkout/sessions', cart(customer));
        expect(failed.statusCode).toBe(status);
        // Give a held (latency) request time to finish at the emulator.
        await new Promise((resolve) => setTimeout(resolve, fault.type === 'latency' ? 600 : 0));
        const retried = await world.call('POST', '/v1/checkout/sessions', cart(customer));
        expect(retried.statusCode).toBe(201);
        const again = await world.call('POST', '/v1/checkout/sessions', cart(customer));
        expect(again.json<Session>()).toMatchObject({ id: retried.json<Session>().id, reused: true });
        expect(world.stripeCount('checkout.session')).toBe(before + 1);
        const rows = await world.dependencies.pool.query(
          'SELECT status FROM checkout_sessions JOIN customers ON customers.id = customer_id WHERE external_id = $1',
          [customer],
        );
        expect(rows.rows).toEqual([{ status: 'open' }]);
      },
    );
  });
});
