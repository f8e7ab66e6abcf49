// Coupons, customer discounts and legacy card sources through the official SDK.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { eventMarker, eventTypesSince } from '../test-support/billing-events.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

describe('coupons and customer discounts', () => {
  it('creates, updates and deletes a coupon; refuses an ambiguous one', async () => {
    const coupon = await stripe.coupons.create({
      percent_off: 20,
      duration: 'repeating',
      duration_in_months: 3,
    });
    expect(coupon).toMatchObject({ object: 'coupon', percent_off: 20, amount_off: null, valid: true });
    const renamed = await stripe.coupons.update(coupon.id, { name: 'Spring', metadata: { campaign: 'x' } });
    expect(renamed.name).toBe('Spring');
    const both = await stripe.coupons
      .create({ percent_off: 10, amount_off: 100, currency: 'usd' })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(both).toMatchObject({ statusCode: 400 });
    const custom = await stripe.coupons.create({ id: 'TENOFF', amount_off: 1000, currency: 'eur' });
    expect(custom).toMatchObject({ id: 'TENOFF', amount_off: 1000, currency: 'eur' });
    expect(await stripe.coupons.del(custom.id)).toMatchObject({ id: 'TENOFF', deleted: true });
  });

  it('gives a customer a discount, replaces it and removes it, with the customer.discount events', async () => {
    const first = await stripe.coupons.create({ percent_off: 20 });
    const second = await stripe.coupons.create({ percent_off: 30 });
    const marker = eventMarker(emulator);
    const customer = await stripe.customers.create({ coupon: first.id } as Stripe.CustomerCreateParams);
    const discount = customer.discount as unknown as { source: { coupon: string }; customer: string };
    expect(discount).toMatchObject({
      object: 'discount',
      customer: customer.id,
      source: { coupon: first.id },
    });
    const replaced = await stripe.customers.update(customer.id, {
      coupon: second.id,
    } as Stripe.CustomerUpdateParams);
    expect((replaced.discount as unknown as { source: { coupon: string } }).source.coupon).toBe(second.id);
    const removed = await stripe.customers.update(customer.id, { coupon: '' } as Stripe.CustomerUpdateParams);
    expect(removed.discount).toBeNull();
    expect(eventTypesSince(emulator, marker).filter((type) => type.startsWith('customer.discount.'))).toEqual(
      ['customer.discount.created', 'customer.discount.updated', 'customer.discount.deleted'],
    );
    const unknown = await stripe.customers
      .create({ coupon: 'NOPE' } as Stripe.CustomerCreateParams)
      .catch((error: Stripe.errors.StripeError) => error);
    expect(unknown).toMatchObject({ statusCode: 400, param: 'coupon', code: 'resource_missing' });
    expect((await stripe.coupons.retrieve(first.id)).times_redeemed).toBe(1);
  });
});

describe('customer sources', () => {
  it('saves a card from tok_visa as the default source, updates and deletes it', async () => {
    const customer = await stripe.customers.create({ email: 'source@example.com' });
    const marker = eventMarker(emulator);
    const card = (await stripe.customers.createSource(customer.id, { source: 'tok_visa' })) as Stripe.Card;
    expect(card).toMatchObject({ object: 'card', brand: 'Visa', last4: '4242', customer: customer.id });
    expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({
      default_source: card.id,
    });
    const updated = (await stripe.customers.updateSource(customer.id, card.id, {
      metadata: { a: 'b' },
    })) as Stripe.Card;
    expect(updated.metadata).toEqual({ a: 'b' });
    const listed = await stripe.customers.listSources(customer.id);
    expect(listed.data.map((row) => row.id)).toEqual([card.id]);
    await stripe.customers.deleteSource(customer.id, card.id);
    expect(eventTypesSince(emulator, marker)).toEqual([
      'customer.source.created',
      'customer.updated',
      'customer.source.updated',
      'customer.source.deleted',
      'customer.updated',
    ]);
    const declined = await stripe.customers
      .createSource(customer.id, { source: 'tok_chargeDeclined' })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(declined).toMatchObject({ statusCode: 402, type: 'StripeCardError' });
  });
});
