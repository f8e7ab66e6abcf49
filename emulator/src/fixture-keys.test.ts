// Tests that the platform objects carry the keys of Stripe's samples.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './index.js';
import { missingFixtureKeys } from './test-support/fixture-keys.js';
import { startEmulatorWithClient } from './test-support/sdk.js';

/**
 * Every emulated object carries at least the keys of Stripe's official sample (fixtures3.json). Objects are
 * fetched through the SDK with their nested hashes filled in, so nested keys are compared too. Exceptions are
 * listed per object with the reason.
 */
let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

describe('objects carry the keys of Stripe’s samples', () => {
  it('customer', async () => {
    const customer = await stripe.customers.create({
      address: { line1: '1 Main St', city: 'Paris', country: 'FR' },
      shipping: { name: 'Ann', address: { city: 'Paris' } },
      invoice_settings: { rendering_options: { amount_tax_display: 'exclude_tax' } },
    });
    // discount: the sample carries a discount object; coupons are not emulated, so it stays null (nullable).
    expect(missingFixtureKeys('customer', customer, ['discount'])).toEqual([]);
    const deleted = await stripe.customers.del(customer.id);
    expect(missingFixtureKeys('deleted_customer', deleted)).toEqual([]);
  });

  it('product and deleted product', async () => {
    const product = await stripe.products.create({
      name: 'Shirt',
      package_dimensions: { height: 1, length: 2, weight: 3, width: 4 },
    });
    expect(missingFixtureKeys('product', product)).toEqual([]);
    expect(missingFixtureKeys('deleted_product', await stripe.products.del(product.id))).toEqual([]);
  });

  it('price', async () => {
    const product = await stripe.products.create({ name: 'Plan' });
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 2000,
      recurring: { interval: 'month' },
      transform_quantity: { divide_by: 10, round: 'up' },
    });
    expect(missingFixtureKeys('price', price)).toEqual([]);
    const custom = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      custom_unit_amount: { enabled: true, minimum: 100 },
    });
    expect(missingFixtureKeys('price', custom)).toEqual([]);
  });

  it('event', async () => {
    await stripe.products.create({ name: 'Evented' });
    const [event] = (await stripe.events.list({ limit: 1 })).data;
    // data.object: the sample's object is a plan; each event carries its own object type, checked above.
    expect(missingFixtureKeys('event', event, ['data.object'])).toEqual([]);
  });

  it('webhook endpoint and deleted webhook endpoint', async () => {
    const endpoint = await stripe.webhookEndpoints.create({ url: 'https://x.test/h', enabled_events: ['*'] });
    expect(missingFixtureKeys('webhook_endpoint', endpoint)).toEqual([]);
    expect(
      missingFixtureKeys('webhook_endpoint', await stripe.webhookEndpoints.retrieve(endpoint.id)),
    ).toEqual([]);
    expect(
      missingFixtureKeys('deleted_webhook_endpoint', await stripe.webhookEndpoints.del(endpoint.id)),
    ).toEqual([]);
  });

  it('reports what an object lacks (the helper itself can fail)', () => {
    expect(missingFixtureKeys('product', { id: 'prod_1', object: 'product', name: 'x' })).toContain(
      'default_price',
    );
    expect(
      missingFixtureKeys('customer', { invoice_settings: { rendering_options: {} } }, ['discount']),
    ).toContain('invoice_settings.rendering_options.template');
    expect(emulator.url).toMatch(/^http/);
  });
});
