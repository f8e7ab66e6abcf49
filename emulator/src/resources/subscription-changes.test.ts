// Tests of plan changes with prorations and of cancellation.
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

const APRIL_1 = utc('2026-04-01T00:00:00Z');
const MAY_1 = utc('2026-05-01T00:00:00Z');

async function subscriptionOnClock(amount = 1000) {
  const { clock, customer } = await customerOnTestClock(stripe, APRIL_1);
  const basic = await recurringPrice(stripe, amount, { name: 'Basic' });
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: basic.id }],
  });
  return { clock, customer, basic, subscription };
}

describe('plan changes with prorations', () => {
  it('previews and creates prorations to the second, billed with the next renewal', async () => {
    const { clock, subscription } = await subscriptionOnClock();
    const premium = await recurringPrice(stripe, 3000, { name: 'Premium' });
    const changeAt = utc('2026-04-10T07:23:11Z');
    await advanceTestClock(stripe, clock.id, changeAt);
    const share = (MAY_1 - changeAt) / (MAY_1 - APRIL_1);
    const credit = -Math.round(1000 * share);
    const debit = Math.round(3000 * share);
    const itemId = subscription.items.data[0]?.id as string;
    const preview = await stripe.invoices.createPreview({
      subscription: subscription.id,
      subscription_details: { items: [{ id: itemId, price: premium.id }], proration_date: changeAt },
    });
    expect(preview.lines.data.map((line) => line.amount)).toEqual([credit, debit, 3000]);
    expect(preview.amount_due).toBe(credit + debit + 3000);
    expect(preview.lines.data[0]?.description).toMatch(/^Unused time on Basic after/);
    expect(preview.lines.data[1]?.description).toMatch(/^Remaining time on Premium after/);

    const marker = eventMarker(emulator);
    const updated = await stripe.subscriptions.update(subscription.id, {
      items: [{ id: itemId, price: premium.id }],
      proration_behavior: 'create_prorations',
      proration_date: changeAt,
    });
    expect(updated.items.data[0]).toMatchObject({ id: itemId, price: { id: premium.id } });
    const events = eventsSince(emulator, marker);
    expect(events.map((event) => event.type)).toEqual([
      'invoiceitem.created',
      'invoiceitem.created',
      'customer.subscription.updated',
    ]);
    expect(Object.keys(events[2]?.data.previous_attributes ?? {})).toContain('items');

    await advanceTestClock(stripe, clock.id, MAY_1 + 2 * 3600);
    const renewal = await stripe.invoices.retrieve(
      (await stripe.subscriptions.retrieve(subscription.id)).latest_invoice as string,
    );
    expect(renewal.billing_reason).toBe('subscription_cycle');
    expect(renewal.lines.data.map((line) => line.amount)).toEqual([credit, debit, 3000]);
    expect(renewal.lines.data[0]?.parent?.subscription_item_details?.proration).toBe(true);
    expect(renewal).toMatchObject({ status: 'paid', amount_paid: credit + debit + 3000 });
  });

  it('invoices prorations at once with always_invoice, and none creates nothing', async () => {
    const { clock, subscription } = await subscriptionOnClock();
    const premium = await recurringPrice(stripe, 3000, { name: 'Premium' });
    await advanceTestClock(stripe, clock.id, utc('2026-04-16T00:00:00Z'));
    const itemId = subscription.items.data[0]?.id as string;
    const marker = eventMarker(emulator);
    const updated = await stripe.subscriptions.update(subscription.id, {
      items: [{ id: itemId, price: premium.id }],
      proration_behavior: 'always_invoice',
    });
    const invoice = await stripe.invoices.retrieve(updated.latest_invoice as string);
    expect(invoice).toMatchObject({
      billing_reason: 'subscription_update',
      status: 'paid',
      amount_paid: 1000,
    });
    expect(invoice.lines.data.map((line) => line.amount)).toEqual([-500, 1500]);
    const types = eventTypesSince(emulator, marker);
    expect(types.indexOf('customer.subscription.updated')).toBeLessThan(types.indexOf('invoice.created'));

    const basicAgain = subscription.items.data[0]?.price.id as string;
    const before = (await stripe.invoices.list({ subscription: subscription.id })).data.length;
    await stripe.subscriptions.update(subscription.id, {
      items: [{ id: itemId, price: basicAgain }],
      proration_behavior: 'none',
    });
    expect((await stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(before);
    const preview = await stripe.invoices.createPreview({ subscription: subscription.id });
    expect(preview.lines.data.map((line) => line.amount)).toEqual([1000]);
  });

  it('adds, updates and deletes subscription items', async () => {
    const { subscription } = await subscriptionOnClock();
    const seats = await recurringPrice(stripe, 200, { name: 'Seat' });
    const added = await stripe.subscriptionItems.create({
      subscription: subscription.id,
      price: seats.id,
      quantity: 3,
      proration_behavior: 'none',
    });
    expect(added).toMatchObject({ object: 'subscription_item', quantity: 3, subscription: subscription.id });
    expect(added.current_period_end).toBe(MAY_1);
    const more = await stripe.subscriptionItems.update(added.id, { quantity: 5, proration_behavior: 'none' });
    expect(more.quantity).toBe(5);
    const listed = await stripe.subscriptionItems.list({ subscription: subscription.id });
    expect(listed.data.map((item) => item.price.id).sort()).toEqual(
      [seats.id, subscription.items.data[0]?.price.id].sort(),
    );
    const deleted = await stripe.subscriptionItems.del(added.id, { proration_behavior: 'none' });
    expect(deleted.deleted).toBe(true);
    expect((await stripe.subscriptions.retrieve(subscription.id)).items.data).toHaveLength(1);
    const lastOne = await stripe.subscriptionItems
      .del(subscription.items.data[0]?.id as string)
      .catch((error: Stripe.errors.StripeError) => error);
    expect(lastOne).toMatchObject({ statusCode: 400 });
  });

  it('ends a trial now with trial_end=now and bills the first period', async () => {
    const { customer } = await customerOnTestClock(stripe, APRIL_1);
    const price = await recurringPrice(stripe, 800);
    const trialing = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 30,
    });
    const active = await stripe.subscriptions.update(trialing.id, { trial_end: 'now' });
    expect(active).toMatchObject({ status: 'active', trial_end: APRIL_1 });
    expect(active.items.data[0]?.current_period_end).toBe(MAY_1);
    expect(await stripe.invoices.retrieve(active.latest_invoice as string)).toMatchObject({
      status: 'paid',
      amount_paid: 800,
    });
  });
});

describe('cancellation', () => {
  it('cancels at period end, can be resumed, and ends at the period end with customer.subscription.deleted', async () => {
    const { clock, subscription } = await subscriptionOnClock();
    const scheduled = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    expect(scheduled).toMatchObject({ cancel_at_period_end: true, cancel_at: MAY_1, status: 'active' });
    expect(scheduled.cancellation_details?.reason).toBe('cancellation_requested');
    const resumed = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: false });
    expect(resumed).toMatchObject({ cancel_at_period_end: false, cancel_at: null, canceled_at: null });
    await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    const marker = eventMarker(emulator);
    await advanceTestClock(stripe, clock.id, MAY_1 + 86_400);
    const ended = await stripe.subscriptions.retrieve(subscription.id);
    expect(ended).toMatchObject({ status: 'canceled', ended_at: MAY_1 });
    expect(eventTypesSince(emulator, marker)).toEqual([
      'test_helpers.test_clock.advancing',
      'customer.subscription.deleted',
      'test_helpers.test_clock.ready',
    ]);
    expect((await stripe.invoices.list({ subscription: subscription.id })).data).toHaveLength(1);
  });

  it('cancels immediately, crediting unused time on a final invoice when asked', async () => {
    const { clock, subscription, customer } = await subscriptionOnClock();
    await advanceTestClock(stripe, clock.id, utc('2026-04-16T00:00:00Z'));
    const marker = eventMarker(emulator);
    const canceled = await stripe.subscriptions.cancel(subscription.id, { prorate: true, invoice_now: true });
    expect(canceled).toMatchObject({ status: 'canceled', canceled_at: utc('2026-04-16T00:00:00Z') });
    const types = eventTypesSince(emulator, marker);
    expect(types).toContain('customer.subscription.deleted');
    const finalInvoice = (await stripe.invoices.list({ customer: customer.id })).data[0];
    expect(finalInvoice?.lines.data.map((line) => line.amount)).toEqual([-500]);
    expect(finalInvoice?.amount_due).toBe(0);
    const again = await stripe.subscriptions
      .cancel(subscription.id)
      .catch((error: Stripe.errors.StripeError) => error);
    expect(again).toMatchObject({ statusCode: 400 });
  });
});
