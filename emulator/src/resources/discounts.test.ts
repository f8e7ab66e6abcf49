// Discounts that reduce invoices: the math and its rounding, durations, customer and subscription discounts, drafts.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { eventMarker, eventsSince, eventTypesSince } from '../test-support/billing-events.js';
import { advanceTestClock, customerOnTestClock, recurringPrice, utc } from '../test-support/billing.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

async function payingCustomer(params: Stripe.CustomerCreateParams = {}): Promise<Stripe.Customer> {
  return stripe.customers.create({
    email: 'discounts@example.com',
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
    ...params,
  });
}

async function invoiceOf(subscription: Stripe.Subscription): Promise<Stripe.Invoice> {
  return stripe.invoices.retrieve(subscription.latest_invoice as string);
}

/** The subscription's invoices oldest first, with what they took off. */
async function totalsOf(subscriptionId: string): Promise<Array<[number, number]>> {
  const listed = await stripe.invoices.list({ subscription: subscriptionId, limit: 100 });
  return listed.data
    .reverse()
    .map((invoice) => [invoice.subtotal, invoice.total_discount_amounts?.[0]?.amount ?? 0]);
}

describe('discount math', () => {
  it('rounds a percentage half up on the subtotal and spreads it over the lines to the unit', async () => {
    const coupon = await stripe.coupons.create({ percent_off: 15, duration: 'forever' });
    const customer = await payingCustomer();
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: (await recurringPrice(stripe, 1999, { currency: 'usd' })).id }],
      discounts: [{ coupon: coupon.id }],
    });
    expect(subscription.discounts).toHaveLength(1);
    const invoice = await invoiceOf(subscription);
    const discountId = subscription.discounts[0] as string;
    expect(invoice).toMatchObject({
      subtotal: 1999,
      total: 1699,
      amount_due: 1699,
      amount_paid: 1699,
      discounts: [discountId],
      total_discount_amounts: [{ amount: 300, discount: discountId }],
    });
    expect(invoice.lines.data[0]?.discount_amounts).toEqual([{ amount: 300, discount: discountId }]);

    const half = await stripe.coupons.create({ percent_off: 50, duration: 'forever' });
    const split = await stripe.subscriptions.create({
      customer: customer.id,
      items: [
        { price: (await recurringPrice(stripe, 333, { currency: 'usd' })).id },
        { price: (await recurringPrice(stripe, 333, { currency: 'usd' })).id },
      ],
      discounts: [{ coupon: half.id }],
    });
    const splitInvoice = await invoiceOf(split);
    // 50 % of 666 is 333: the lines take 167 and 166 (not 167 each), and the total agrees with them.
    expect(splitInvoice).toMatchObject({ subtotal: 666, total: 333 });
    const parts = splitInvoice.lines.data.map((line) => line.discount_amounts?.[0]?.amount);
    expect(parts.sort()).toEqual([166, 167]);
  });

  it('takes an amount off up to the whole discountable amount, in its currency only', async () => {
    const fiveOff = await stripe.coupons.create({ amount_off: 500, currency: 'usd', duration: 'forever' });
    const customer = await payingCustomer();
    const small = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: (await recurringPrice(stripe, 300, { currency: 'usd' })).id }],
      discounts: [{ coupon: fiveOff.id }],
    });
    expect(await invoiceOf(small)).toMatchObject({ subtotal: 300, total: 0, amount_due: 0, status: 'paid' });
    const euros = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: (await recurringPrice(stripe, 900, { currency: 'eur' })).id }],
      discounts: [{ coupon: fiveOff.id }],
    });
    expect(await invoiceOf(euros)).toMatchObject({ subtotal: 900, total: 900 });
  });
});

describe('discount durations', () => {
  it('once: the first invoice only, then the discount ends with customer.discount.deleted', async () => {
    const { clock, customer } = await customerOnTestClock(stripe, utc('2026-03-01T00:00:00Z'));
    const coupon = await stripe.coupons.create({ percent_off: 25, duration: 'once' });
    const marker = eventMarker(emulator);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: (await recurringPrice(stripe, 1000)).id }],
      discounts: [{ coupon: coupon.id }],
    });
    await advanceTestClock(stripe, clock.id, utc('2026-04-01T02:00:00Z'));
    expect(await totalsOf(subscription.id)).toEqual([
      [1000, 250],
      [1000, 0],
    ]);
    expect((await stripe.subscriptions.retrieve(subscription.id)).discounts).toEqual([]);
    const types = eventTypesSince(emulator, marker).filter((type) => type.startsWith('customer.discount.'));
    expect(types).toEqual(['customer.discount.created', 'customer.discount.deleted']);
    const updated = eventsSince(emulator, marker).find(
      (event) =>
        event.type === 'customer.subscription.updated' &&
        event.data.previous_attributes?.discounts !== undefined,
    );
    expect(updated?.data.object).toMatchObject({ id: subscription.id, discounts: [] });
    expect(updated?.data.previous_attributes?.discounts).toEqual(subscription.discounts);
  });

  it('repeating: every invoice within duration_in_months; forever: all of them', async () => {
    const { clock, customer } = await customerOnTestClock(stripe, utc('2026-01-31T00:00:00Z'));
    const twoMonths = await stripe.coupons.create({
      percent_off: 10,
      duration: 'repeating',
      duration_in_months: 2,
    });
    const forever = await stripe.coupons.create({ amount_off: 100, currency: 'eur', duration: 'forever' });
    const price = await recurringPrice(stripe, 1000);
    const repeating = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      discounts: [{ coupon: twoMonths.id }],
    });
    const always = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      discounts: [{ coupon: forever.id }],
    });
    await advanceTestClock(stripe, clock.id, utc('2026-04-30T02:00:00Z'));
    // The discount ends two calendar months after Jan 31, on Mar 31: the Jan 31 and Feb 28 invoices only.
    expect(await totalsOf(repeating.id)).toEqual([
      [1000, 100],
      [1000, 100],
      [1000, 0],
      [1000, 0],
    ]);
    expect(await totalsOf(always.id)).toEqual([
      [1000, 100],
      [1000, 100],
      [1000, 100],
      [1000, 100],
    ]);
  });
});

describe('customer and subscription discounts', () => {
  it('a customer coupon reduces its subscriptions; a subscription discount overrides it; both can be removed', async () => {
    const customerCoupon = await stripe.coupons.create({ percent_off: 20, duration: 'forever' });
    const ownCoupon = await stripe.coupons.create({ percent_off: 50, duration: 'forever' });
    const customer = await payingCustomer({ coupon: customerCoupon.id } as Stripe.CustomerCreateParams);
    const price = await recurringPrice(stripe, 1000, { currency: 'usd' });
    const inherited = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    expect(await invoiceOf(inherited)).toMatchObject({ total: 800 });
    const own = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      discounts: [{ coupon: ownCoupon.id }],
    });
    expect(await invoiceOf(own)).toMatchObject({ total: 500 });

    const marker = eventMarker(emulator);
    const removed = await stripe.subscriptions.deleteDiscount(own.id);
    expect(removed).toMatchObject({ object: 'discount', deleted: true, subscription: own.id });
    expect((await stripe.subscriptions.retrieve(own.id)).discounts).toEqual([]);
    const cleared = await stripe.customers.deleteDiscount(customer.id);
    expect(cleared).toMatchObject({ deleted: true, customer: customer.id });
    expect(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).discount).toBeNull();
    expect(eventTypesSince(emulator, marker)).toContain('customer.discount.deleted');
    await expect(stripe.customers.deleteDiscount(customer.id)).rejects.toMatchObject({ statusCode: 404 });

    const updated = await stripe.subscriptions.update(own.id, { discounts: [{ coupon: ownCoupon.id }] });
    expect(updated.discounts).toHaveLength(1);
    const none = await stripe.subscriptions.update(own.id, { discounts: '' });
    expect(none.discounts).toEqual([]);
  });
});

describe('one-off invoices', () => {
  it('attaches an invoice item to a draft with `invoice`, priced with the draft’s discounts', async () => {
    const customer = await payingCustomer();
    const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'once' });
    const draft = await stripe.invoices.create({
      customer: customer.id,
      currency: 'usd',
      discounts: [{ coupon: coupon.id }],
    });
    expect(draft).toMatchObject({ status: 'draft', total: 0 });
    const item = await stripe.invoiceItems.create({
      customer: customer.id,
      amount: 1234,
      currency: 'usd',
      invoice: draft.id,
    });
    expect(item.invoice).toBe(draft.id);
    const priced = await stripe.invoices.retrieve(draft.id);
    // 10 % of 12.34 is 1.234: 123 off.
    expect(priced).toMatchObject({ subtotal: 1234, total: 1111, amount_due: 1111 });
    expect(priced.lines.data).toHaveLength(1);
    const pending = await stripe.invoiceItems.list({ customer: customer.id, pending: true });
    expect(pending.data).toEqual([]);
    await stripe.invoices.finalizeInvoice(draft.id);
    const late = await stripe.invoiceItems
      .create({ customer: customer.id, amount: 100, currency: 'usd', invoice: draft.id })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(late).toMatchObject({ statusCode: 400, param: 'invoice' });
    const otherCustomer = await payingCustomer();
    const draft2 = await stripe.invoices.create({ customer: otherCustomer.id, currency: 'usd' });
    const foreign = await stripe.invoiceItems
      .create({ customer: customer.id, amount: 100, currency: 'usd', invoice: draft2.id })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(foreign).toMatchObject({ statusCode: 400, param: 'invoice' });
  });
});
