// Tests that the billing objects carry the keys of Stripe's samples, nested hashes included.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from './index.js';
import { advanceTestClock, customerOnTestClock, recurringPrice } from './test-support/billing.js';
import { completeCheckout } from './test-support/checkout.js';
import { missingFixtureKeys } from './test-support/fixture-keys.js';
import { startEmulatorWithClient } from './test-support/sdk.js';

/**
 * The billing objects carry at least the keys of Stripe's samples (fixtures3.json), nested hashes included.
 * Exceptions are listed per object with the reason.
 */
let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;
let subscription: Stripe.Subscription;
let invoice: Stripe.Invoice;
let session: Stripe.Checkout.Session;

/** Removed from these objects in API version 2025-03-31.basil (now under `parent`); the sample still has them. */
const MOVED_TO_PARENT = ['subscription'];

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
  const price = await recurringPrice(stripe, 1000);
  const customer = await stripe.customers.create({ email: 'keys@example.com' });
  subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    default_payment_method: 'pm_card_visa',
  });
  invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
  const created = await stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [
      { price_data: { currency: 'eur', unit_amount: 500, product_data: { name: 'A' } }, quantity: 1 },
    ],
    success_url: 'https://shop.example/ok',
  });
  await completeCheckout(emulator, created.id, { card: '4242424242424242', email: 'keys@example.com' });
  session = await stripe.checkout.sessions.retrieve(created.id);
});
afterAll(() => close());

describe('billing objects carry the keys of Stripe’s samples', () => {
  it('checkout session and its line items', async () => {
    expect(missingFixtureKeys('checkout.session', session)).toEqual([]);
    const items = await stripe.checkout.sessions.listLineItems(session.id);
    expect(missingFixtureKeys('item', items.data[0])).toEqual([]);
  });

  it('setup intent of a setup mode session', async () => {
    const setup = await stripe.checkout.sessions.create({
      mode: 'setup',
      currency: 'eur',
      success_url: 'https://shop.example/ok',
    });
    await completeCheckout(emulator, setup.id, { card: '4242424242424242', email: 'setup@example.com' });
    const done = await stripe.checkout.sessions.retrieve(setup.id, { expand: ['setup_intent'] });
    expect(done.setup_intent).toMatchObject({ status: 'succeeded', customer: done.customer });
    expect(missingFixtureKeys('setup_intent', done.setup_intent)).toEqual([]);
  });

  it('payment intent, charge, refund, payment method, balance transaction', async () => {
    const paymentIntent = await stripe.paymentIntents.retrieve(session.payment_intent as string);
    expect(missingFixtureKeys('payment_intent', paymentIntent)).toEqual([]);
    const charge = await stripe.charges.retrieve(paymentIntent.latest_charge as string, {
      expand: ['balance_transaction'],
    });
    expect(missingFixtureKeys('charge', charge, ['balance_transaction'])).toEqual([]);
    expect(missingFixtureKeys('balance_transaction', charge.balance_transaction)).toEqual([]);
    expect(
      missingFixtureKeys('refund', await stripe.refunds.create({ charge: charge.id, amount: 100 })),
    ).toEqual([]);
    const paymentMethod = await stripe.paymentMethods.retrieve(charge.payment_method as string);
    // metadata.order_id: a key of the sample's own metadata, not a field.
    expect(missingFixtureKeys('payment_method', paymentMethod, ['metadata.order_id'])).toEqual([]);
  });

  it('subscription, subscription item and deleted subscription item', async () => {
    expect(missingFixtureKeys('subscription', subscription)).toEqual([]);
    const item = await stripe.subscriptionItems.retrieve(subscription.items.data[0]?.id as string);
    expect(missingFixtureKeys('subscription_item', item)).toEqual([]);
    const price = await recurringPrice(stripe, 300);
    const added = await stripe.subscriptionItems.create({
      subscription: subscription.id,
      price: price.id,
      proration_behavior: 'none',
    });
    expect(
      missingFixtureKeys(
        'deleted_subscription_item',
        await stripe.subscriptionItems.del(added.id, { proration_behavior: 'none' }),
      ),
    ).toEqual([]);
  });

  it('invoice, its line item and invoice payment', async () => {
    expect(missingFixtureKeys('invoice', invoice, MOVED_TO_PARENT)).toEqual([]);
    expect(missingFixtureKeys('line_item', invoice.lines.data[0], MOVED_TO_PARENT)).toEqual([]);
    const payments = await stripe.invoicePayments.list({ invoice: invoice.id });
    expect(missingFixtureKeys('invoice_payment', payments.data[0])).toEqual([]);
  });

  it('pending invoice item from a proration', async () => {
    const { customer } = await customerOnTestClock(stripe, 1_800_000_000);
    const basic = await recurringPrice(stripe, 1000);
    const premium = await recurringPrice(stripe, 2000);
    const onClock = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: basic.id }],
    });
    await stripe.subscriptions.update(onClock.id, {
      items: [{ id: onClock.items.data[0]?.id, price: premium.id }],
      proration_behavior: 'create_prorations',
    });
    const [item] = emulator.context.state.table('invoiceitem').list();
    expect(missingFixtureKeys('invoiceitem', item)).toEqual([]);
  });

  it('test clock and deleted test clock', async () => {
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: 1_800_000_000, name: 'keys' });
    expect(
      missingFixtureKeys('test_helpers.test_clock', await advanceTestClock(stripe, clock.id, 1_800_086_400)),
    ).toEqual([]);
    expect(
      missingFixtureKeys(
        'deleted_test_helpers.test_clock',
        await stripe.testHelpers.testClocks.del(clock.id),
      ),
    ).toEqual([]);
  });

  it('meter, meter event, event summary and adjustment', async () => {
    const meter = await stripe.billing.meters.create({
      display_name: 'Keys',
      event_name: 'keys_event',
      default_aggregation: { formula: 'sum' },
    });
    expect(missingFixtureKeys('billing.meter', meter)).toEqual([]);
    const customer = subscription.customer as string;
    const event = await stripe.billing.meterEvents.create({
      event_name: 'keys_event',
      payload: { stripe_customer_id: customer, value: '2' },
    });
    expect(missingFixtureKeys('billing.meter_event', event)).toEqual([]);
    const start = Math.floor(event.timestamp / 60) * 60;
    const summaries = await stripe.billing.meters.listEventSummaries(meter.id, {
      customer,
      start_time: start,
      end_time: start + 60,
    });
    expect(missingFixtureKeys('billing.meter_event_summary', summaries.data[0])).toEqual([]);
    const adjustment = await stripe.billing.meterEventAdjustments.create({
      event_name: 'keys_event',
      type: 'cancel',
      cancel: { identifier: event.identifier },
    });
    expect(missingFixtureKeys('billing.meter_event_adjustment', adjustment)).toEqual([]);
  });

  it('promotion code, discount and deleted discount', async () => {
    const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'forever' });
    const code = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id } });
    expect(missingFixtureKeys('promotion_code', code)).toEqual([]);
    const updated = await stripe.subscriptions.update(subscription.id, {
      discounts: [{ promotion_code: code.id }],
      expand: ['discounts'],
    });
    expect(missingFixtureKeys('discount', updated.discounts[0])).toEqual([]);
    expect(
      missingFixtureKeys('deleted_discount', await stripe.subscriptions.deleteDiscount(subscription.id)),
    ).toEqual([]);
  });

  it('billing portal configuration and session', async () => {
    const configuration = await stripe.billingPortal.configurations.create({
      features: { invoice_history: { enabled: true } },
    });
    expect(missingFixtureKeys('billing_portal.configuration', configuration)).toEqual([]);
    const portal = await stripe.billingPortal.sessions.create({ customer: subscription.customer as string });
    expect(missingFixtureKeys('billing_portal.session', portal)).toEqual([]);
  });
});
