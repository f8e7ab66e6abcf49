import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSeededTestApp, type SeededTestApp } from '../test-support/seeded-test-app.js';

describe('customers', () => {
  let world: SeededTestApp;

  beforeAll(async () => {
    world = await startSeededTestApp({ STRIPE_TIMEOUT_MS: '300' });
  });
  afterEach(() => {
    world.emulator.faults.clear();
  });
  afterAll(async () => {
    await world.closeAll();
  });

  it('creates our customer and its Stripe customer, then returns the same one', async () => {
    const body = { external_id: 'user_1', email: 'one@example.com', name: 'One', metadata: { tier: 'gold' } };
    const created = await world.call('POST', '/v1/customers', body);
    expect(created.statusCode).toBe(201);
    const customer = created.json<{ id: string; stripe_customer_id: string }>();
    expect(customer).toMatchObject({
      external_id: 'user_1',
      email: 'one@example.com',
      metadata: { tier: 'gold' },
    });
    expect(customer.stripe_customer_id).toMatch(/^cus_/);

    const again = await world.call('POST', '/v1/customers', body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(customer);

    const read = await world.call('GET', '/v1/customers/user_1');
    expect(read.json()).toEqual(customer);
    const stripeCustomer = world.emulator.context.state
      .table('customer')
      .get(customer.stripe_customer_id) as unknown as { metadata: Record<string, string> };
    expect(stripeCustomer.metadata).toMatchObject({
      billing_customer_id: customer.id,
      external_id: 'user_1',
    });
  });

  it('creates exactly one Stripe customer for many concurrent requests with the same external_id', async () => {
    const before = world.stripeCount('customer');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        world.call('POST', '/v1/customers', { external_id: 'user_race', email: 'race@example.com' }),
      ),
    );
    expect(responses.map((response) => response.statusCode).sort()).toEqual([...Array(19).fill(200), 201]);
    expect(
      new Set(responses.map((response) => response.json<{ stripe_customer_id: string }>().stripe_customer_id))
        .size,
    ).toBe(1);
    expect(world.stripeCount('customer')).toBe(before + 1);
  });

  it('answers 404 for an unknown external_id', async () => {
    const response = await world.call('GET', '/v1/customers/nobody');
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({ code: 'not_found', param: 'external_id' });
  });

  it('rejects an invalid email and an external_id with spaces, naming the field', async () => {
    const badEmail = await world.call('POST', '/v1/customers', { external_id: 'x', email: 'not-an-email' });
    expect(badEmail.statusCode).toBe(400);
    expect(badEmail.json().error.message).toContain('body.email');
    const badId = await world.call('POST', '/v1/customers', { external_id: 'a b', email: 'a@example.com' });
    expect(badId.json().error.message).toContain('body.external_id');
    const unknownField = await world.call('POST', '/v1/customers', {
      external_id: 'x',
      email: 'a@example.com',
      x: 1,
    });
    expect(unknownField.statusCode).toBe(400);
  });

  it('maps a Stripe 5xx to 502, and the retry creates exactly one Stripe customer', async () => {
    const before = world.stripeCount('customer');
    world.emulator.faults.add({ type: 'error', endpoint: 'POST /v1/customers', status: 500, count: 1 });
    const failed = await world.call('POST', '/v1/customers', {
      external_id: 'user_5xx',
      email: 'a@example.com',
    });
    expect(failed.statusCode).toBe(502);
    expect(failed.json().error.code).toBe('upstream_failed');
    const retried = await world.call('POST', '/v1/customers', {
      external_id: 'user_5xx',
      email: 'a@example.com',
    });
    expect(retried.statusCode).toBe(200);
    expect(world.stripeCount('customer')).toBe(before + 1);
  });

  it('survives a connection dropped after Stripe created the customer: the retry gets the same one', async () => {
    const before = world.stripeCount('customer');
    world.emulator.faults.add({ type: 'drop', endpoint: 'POST /v1/customers', phase: 'after', count: 2 });
    const failed = await world.call('POST', '/v1/customers', {
      external_id: 'user_drop',
      email: 'a@example.com',
    });
    expect(failed.statusCode).toBe(503);
    expect(failed.json().error.code).toBe('stripe_unavailable');
    expect(failed.headers['retry-after']).toBe('1');
    expect(world.stripeCount('customer')).toBe(before + 1);
    const retried = await world.call('POST', '/v1/customers', {
      external_id: 'user_drop',
      email: 'a@example.com',
    });
    expect(retried.statusCode).toBe(200);
    expect(world.stripeCount('customer')).toBe(before + 1);
  });

  it('answers 504 when Stripe times out, and the retry still ends with one Stripe customer', async () => {
    const before = world.stripeCount('customer');
    world.emulator.faults.add({ type: 'latency', endpoint: 'POST /v1/customers', latency_ms: 800, count: 1 });
    const failed = await world.call('POST', '/v1/customers', {
      external_id: 'user_slow',
      email: 'a@example.com',
    });
    expect(failed.statusCode).toBe(504);
    expect(failed.json().error.code).toBe('upstream_timeout');
    const retried = await world.call('POST', '/v1/customers', {
      external_id: 'user_slow',
      email: 'a@example.com',
    });
    expect(retried.statusCode).toBe(200);
    expect(world.stripeCount('customer')).toBe(before + 1);
  });
});
