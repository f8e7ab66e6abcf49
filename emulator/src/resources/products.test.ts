// Tests of products through the official SDK.
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

describe('products through the official SDK', () => {
  it('creates a product with a default price from default_price_data, marketing features and metadata', async () => {
    const product = await stripe.products.create({
      name: 'Pro',
      description: 'For teams',
      marketing_features: [{ name: 'Unlimited projects' }, { name: 'SSO' }],
      metadata: { tier: 'pro' },
      default_price_data: { currency: 'usd', unit_amount: 2000, recurring: { interval: 'month' } },
      expand: ['default_price'],
    });
    expect(product).toMatchObject({
      object: 'product',
      name: 'Pro',
      active: true,
      marketing_features: [{ name: 'Unlimited projects' }, { name: 'SSO' }],
      metadata: { tier: 'pro' },
    });
    const price = product.default_price as Stripe.Price;
    expect(price).toMatchObject({
      object: 'price',
      product: product.id,
      unit_amount: 2000,
      type: 'recurring',
    });
    const all = await stripe.events.list();
    expect(all.data.map((event) => event.type)).toEqual(['price.created', 'product.created']);
  });

  it('accepts a custom id once and answers resource_already_exists after', async () => {
    await stripe.products.create({ id: 'prod_custom', name: 'A' });
    const error = await stripe.products
      .create({ id: 'prod_custom', name: 'A' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'resource_already_exists', param: 'id' });
  });

  it('updates fields, unsets with empty strings and emits product.updated with previous_attributes', async () => {
    const product = await stripe.products.create({
      name: 'Basic',
      description: 'Old',
      url: 'https://x.test',
    });
    const updated = await stripe.products.update(product.id, {
      name: 'Basic plus',
      description: '',
      active: false,
    });
    expect(updated).toMatchObject({ name: 'Basic plus', description: null, active: false });
    const [event] = (await stripe.events.list({ type: 'product.updated' })).data;
    expect(event?.data.previous_attributes).toMatchObject({
      name: 'Basic',
      description: 'Old',
      active: true,
    });
  });

  it('sets default_price only to a price of the same product', async () => {
    const product = await stripe.products.create({ name: 'A' });
    const other = await stripe.products.create({ name: 'B' });
    const price = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 100 });
    await expect(stripe.products.update(product.id, { default_price: price.id })).resolves.toMatchObject({
      default_price: price.id,
    });
    const error = await stripe.products
      .update(other.id, { default_price: price.id })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((error as Stripe.errors.StripeError).param).toBe('default_price');
  });

  it('deletes a product without prices and refuses one with prices', async () => {
    const empty = await stripe.products.create({ name: 'Empty' });
    await expect(stripe.products.del(empty.id)).resolves.toMatchObject({ id: empty.id, deleted: true });
    const priced = await stripe.products.create({
      name: 'Priced',
      default_price_data: { currency: 'usd', unit_amount: 100 },
    });
    const error = await stripe.products.del(priced.id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    const types = (await stripe.events.list({ type: 'product.*' })).data.map((event) => event.type);
    expect(types).toContain('product.deleted');
  });

  it('lists with active and ids[] filters, and searches by name and metadata', async () => {
    const a = await stripe.products.create({ name: 'Alpha', metadata: { family: 'x' } });
    const b = await stripe.products.create({ name: 'Beta', active: false });
    await stripe.products.create({ name: 'Gamma' });
    expect((await stripe.products.list({ active: false })).data.map((row) => row.id)).toEqual([b.id]);
    expect((await stripe.products.list({ ids: [a.id, b.id] })).data.map((row) => row.id)).toEqual([
      b.id,
      a.id,
    ]);
    const found = await stripe.products.search({ query: "name~'alp' AND metadata['family']:'x'" });
    expect(found.data.map((row) => row.id)).toEqual([a.id]);
  });

  it('rejects unknown parameters like Stripe', async () => {
    const error = await stripe.products
      .create({ name: 'A', colour: 'red' } as Stripe.ProductCreateParams)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ param: 'colour', message: 'Received unknown parameter: colour' });
  });
});
