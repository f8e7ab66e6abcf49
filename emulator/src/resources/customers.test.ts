import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../index.js';
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
