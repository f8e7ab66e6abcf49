// Tests of customers through the official SDK.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../index.js';
import { completeCheckout } from '../test-support/checkout.js';
import { stripeClientFor } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;

beforeAll(async () => {
  emulator = await startEmulator();
  stripe = stripeClientFor(emulator);
});
afterAll(() => emulator.close());

describe('customers through the official SDK', () => {
  it('creates, retrieves, updates metadata and deletes a customer', async () => {
    const created = await stripe.customers.create({
      email: 'a@example.com',
      metadata: { plan: 'pro', x: '1' },
    });
    expect(created.id).toMatch(/^cus_/);
    const updated = await stripe.customers.update(created.id, { metadata: { x: '' }, name: 'Ann' });
    expect(updated.metadata).toEqual({ plan: 'pro' });
    expect(updated.name).toBe('Ann');
    const deleted = await stripe.customers.del(created.id);
    expect(deleted.deleted).toBe(true);
  });

  it('retrieves, lists by email newest first, and answers a deleted customer with its tombstone', async () => {
    const first = await stripe.customers.create({ email: 'list-me@example.com', name: 'First' });
    const second = await stripe.customers.create({ email: 'list-me@example.com', name: 'Second' });
    await stripe.customers.create({ email: 'other@example.com' });
    expect(await stripe.customers.retrieve(first.id)).toMatchObject({ id: first.id, name: 'First' });
    const listed = await stripe.customers.list({ email: 'list-me@example.com' });
    expect(listed.data.map((customer) => customer.id)).toEqual([second.id, first.id]);
    await stripe.customers.del(first.id);
    expect(await stripe.customers.retrieve(first.id)).toEqual(
      expect.objectContaining({ id: first.id, deleted: true }),
    );
    const events = await stripe.events.list({ type: 'customer.*', limit: 100 });
    const forFirst = events.data.filter((event) => (event.data.object as { id: string }).id === first.id);
    expect(forFirst.map((event) => event.type)).toEqual(['customer.deleted', 'customer.created']);
  });

  it('shapes a customer created by checkout exactly like one created through the API', async () => {
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 900,
      product_data: { name: 'Shape' },
    });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      customer_creation: 'always',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'https://example.com/ok',
    });
    const completed = await completeCheckout(emulator, session.id, {
      card: '4242424242424242',
      email: 'shape@example.com',
      name: 'Shape',
    });
    expect(completed.status).toBe(200);
    const fromCheckout = await stripe.customers.retrieve(completed.body.customer as string);
    const fromApi = await stripe.customers.create({ email: 'api@example.com' });
    expect(Object.keys(fromCheckout).sort()).toEqual(Object.keys(fromApi).sort());
    expect(fromCheckout).toMatchObject({ email: 'shape@example.com', name: 'Shape', currency: 'usd' });
  });

  it('raises StripeInvalidRequestError with resource_missing for an unknown id', async () => {
    const error = await stripe.customers.retrieve('cus_missing').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((error as Stripe.errors.StripeError).code).toBe('resource_missing');
    expect((error as Stripe.errors.StripeError).statusCode).toBe(404);
  });

  it('finds customers by email through search', async () => {
    await stripe.customers.create({ email: 'search-me@example.com' });
    const result = await stripe.customers.search({ query: "email:'search-me@example.com'" });
    expect(result.data).toHaveLength(1);
    expect(result.data[0]?.email).toBe('search-me@example.com');
  });
});
