// Tests of prices through the official SDK.
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;
let productId: string;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());
beforeEach(async () => {
  emulator.reset();
  productId = (await stripe.products.create({ name: 'Pro' })).id;
});

async function failure(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as Stripe.errors.StripeError,
  );
}

describe('prices through the official SDK', () => {
  it('creates a recurring price with lookup key, nickname, tax behavior and metadata', async () => {
    const price = await stripe.prices.create({
      product: productId,
      currency: 'USD',
      unit_amount: 1500,
      recurring: { interval: 'month', interval_count: 3 },
      lookup_key: 'pro_quarterly',
      nickname: 'Quarterly',
      tax_behavior: 'exclusive',
      metadata: { plan: 'pro' },
    });
    expect(price).toMatchObject({
      object: 'price',
      currency: 'usd',
      unit_amount: 1500,
      type: 'recurring',
      recurring: { interval: 'month', interval_count: 3, usage_type: 'licensed', meter: null },
      lookup_key: 'pro_quarterly',
      billing_scheme: 'per_unit',
    });
    // stripe-node 23 turns decimal strings into its Decimal type.
    expect(String(price.unit_amount_decimal)).toBe('1500');
  });

  it('creates a one-time price with product_data and a fractional unit_amount_decimal', async () => {
    const price = await stripe.prices.create({
      product_data: { name: 'Credits' },
      currency: 'eur',
      unit_amount_decimal: Stripe.Decimal.from('0.5'),
    });
    expect(price).toMatchObject({ type: 'one_time', unit_amount: null, recurring: null });
    expect(String(price.unit_amount_decimal)).toBe('0.5');
    const product = await stripe.products.retrieve(price.product as string);
    expect(product.name).toBe('Credits');
  });

  it('names the missing or invalid param in 400s', async () => {
    expect((await failure(stripe.prices.create({ product: productId, currency: 'usd' }))).param).toBe(
      'unit_amount',
    );
    expect(
      (
        await failure(
          stripe.prices.create({
            product: productId,
            currency: 'usd',
            unit_amount: 1,
            recurring: { interval: 'fortnight' as 'month' },
          }),
        )
      ).param,
    ).toBe('recurring[interval]');
    const missing = await failure(
      stripe.prices.create({ product: 'prod_nope', currency: 'usd', unit_amount: 1 }),
    );
    expect(missing).toMatchObject({ code: 'resource_missing', param: 'product', statusCode: 400 });
  });

  it('keeps a lookup key unique and moves it with transfer_lookup_key', async () => {
    const first = await stripe.prices.create({
      product: productId,
      currency: 'usd',
      unit_amount: 100,
      lookup_key: 'k',
    });
    const clash = await failure(
      stripe.prices.create({ product: productId, currency: 'usd', unit_amount: 200, lookup_key: 'k' }),
    );
    expect(clash.message).toContain(first.id);
    const second = await stripe.prices.create({
      product: productId,
      currency: 'usd',
      unit_amount: 200,
      lookup_key: 'k',
      transfer_lookup_key: true,
    });
    expect((await stripe.prices.retrieve(first.id)).lookup_key).toBeNull();
    expect((await stripe.prices.list({ lookup_keys: ['k'] })).data.map((price) => price.id)).toEqual([
      second.id,
    ]);
    const [moved] = (await stripe.events.list({ type: 'price.updated' })).data;
    expect(moved?.data.previous_attributes).toEqual({ lookup_key: 'k' });
  });

  it('changes only the mutable fields and rejects the rest like Stripe', async () => {
    const price = await stripe.prices.create({ product: productId, currency: 'usd', unit_amount: 100 });
    const updated = await stripe.prices.update(price.id, {
      active: false,
      nickname: 'Legacy',
      metadata: { a: 'b' },
      tax_behavior: 'inclusive',
      lookup_key: 'legacy',
    });
    expect(updated).toMatchObject({
      active: false,
      nickname: 'Legacy',
      tax_behavior: 'inclusive',
      lookup_key: 'legacy',
    });
    const immutable = await failure(
      stripe.prices.update(price.id, { unit_amount: 5 } as Stripe.PriceUpdateParams),
    );
    expect(immutable).toMatchObject({ statusCode: 400, param: 'unit_amount' });
    const taxAgain = await failure(stripe.prices.update(price.id, { tax_behavior: 'exclusive' }));
    expect(taxAgain.param).toBe('tax_behavior');
    const [event] = (await stripe.events.list({ type: 'price.updated' })).data;
    expect(event?.data.previous_attributes).toMatchObject({ active: true, nickname: null, lookup_key: null });
  });

  it('filters lists by active, product, type, currency, recurring interval and lookup keys', async () => {
    const other = (await stripe.products.create({ name: 'Other' })).id;
    const monthly = await stripe.prices.create({
      product: productId,
      currency: 'usd',
      unit_amount: 1,
      recurring: { interval: 'month' },
      lookup_key: 'm',
    });
    const yearly = await stripe.prices.create({
      product: productId,
      currency: 'usd',
      unit_amount: 10,
      recurring: { interval: 'year' },
      lookup_key: 'y',
    });
    const once = await stripe.prices.create({
      product: other,
      currency: 'eur',
      unit_amount: 5,
      active: false,
    });
    const ids = async (params: Stripe.PriceListParams) =>
      (await stripe.prices.list(params)).data.map((row) => row.id);
    expect(await ids({ active: false })).toEqual([once.id]);
    expect(await ids({ product: productId })).toEqual([yearly.id, monthly.id]);
    expect(await ids({ type: 'one_time' })).toEqual([once.id]);
    expect(await ids({ currency: 'eur' })).toEqual([once.id]);
    expect(await ids({ recurring: { interval: 'year' } })).toEqual([yearly.id]);
    expect(await ids({ lookup_keys: ['m', 'y'] })).toEqual([yearly.id, monthly.id]);
    const tooMany = await failure(
      stripe.prices.list({ lookup_keys: Array.from({ length: 11 }, (_, i) => `k${i}`) }),
    );
    expect(tooMany.param).toBe('lookup_keys');
  });

  it('searches prices by lookup_key and metadata', async () => {
    const price = await stripe.prices.create({
      product: productId,
      currency: 'usd',
      unit_amount: 1,
      lookup_key: 'team_monthly',
      metadata: { seats: 'many' },
    });
    const found = await stripe.prices.search({
      query: "lookup_key:'team_monthly' AND metadata['seats']:'many'",
    });
    expect(found.data.map((row) => row.id)).toEqual([price.id]);
  });

  it('emits price.deleted when a price is deleted through the dashboard control route', async () => {
    const price = await stripe.prices.create({ product: productId, currency: 'usd', unit_amount: 1 });
    const response = await fetch(`${emulator.url}/_emulator/prices/${price.id}`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect((await stripe.events.list({ type: 'price.deleted' })).data).toHaveLength(1);
    expect((await failure(stripe.prices.retrieve(price.id))).statusCode).toBe(404);
  });
});
