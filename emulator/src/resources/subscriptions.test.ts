// Tests of subscriptions: creation, and renewals on a test clock.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { eventMarker, eventsSince, eventTypesSince } from '../test-support/billing-events.js';
import {
  advanceTestClock,
  customerOnTestClock,
  recurringPrice,
  switchToFailingCard,
  utc,
} from '../test-support/billing.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

const PAID_INVOICE_EVENTS = [
  'invoice.finalized',
  'payment_intent.created',
  'charge.succeeded',
  'payment_intent.succeeded',
  'invoice.paid',
  'invoice.payment_succeeded',
  'invoice_payment.paid',
];

describe('subscriptions: creation', () => {
  it('creates an active subscription whose first invoice is paid, with periods on the items', async () => {
    const price = await recurringPrice(stripe, 1200);
    const customer = await stripe.customers.create({ email: 'sub@example.com' });
    const marker = eventMarker(emulator);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id, quantity: 2 }],
      default_payment_method: 'pm_card_visa',
      metadata: { plan: 'pro' },
    });
    expect(subscription.status).toBe('active');
    const item = subscription.items.data[0];
    expect(item?.current_period_start).toBe(subscription.start_date);
    expect(item?.current_period_end).toBeGreaterThan(subscription.start_date + 27 * 86_400);
    expect(subscription.billing_cycle_anchor).toBe(subscription.start_date);
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(invoice).toMatchObject({
      status: 'paid',
      billing_reason: 'subscription_create',
      amount_due: 2400,
      amount_paid: 2400,
      amount_remaining: 0,
      attempt_count: 1,
    });
    expect(invoice.parent?.subscription_details?.subscription).toBe(subscription.id);
    expect(invoice.lines.data[0]).toMatchObject({ amount: 2400, quantity: 2 });
    expect(invoice.lines.data[0]?.pricing?.price_details?.price).toBe(price.id);
    expect(invoice.lines.data[0]?.parent?.subscription_item_details?.subscription_item).toBe(item?.id);
    const payments = await stripe.invoicePayments.list({ invoice: invoice.id });
    expect(payments.data[0]).toMatchObject({ status: 'paid', amount_paid: 2400, is_default: true });
    const paymentIntent = await stripe.paymentIntents.retrieve(
      payments.data[0]?.payment.payment_intent as string,
    );
    expect(paymentIntent.status).toBe('succeeded');
    const events = eventsSince(emulator, marker);
    expect(events.map((event) => event.type)).toEqual([
      'payment_method.attached',
      'customer.subscription.created',
      'invoice.created',
      ...PAID_INVOICE_EVENTS,
      'customer.subscription.updated',
    ]);
    expect(events[1]?.data.object).toMatchObject({ status: 'incomplete' });
    expect(events.at(-1)?.data.previous_attributes).toEqual({ status: 'incomplete' });
  });

  it('refuses a customer without a payment method, and leaves a declined first payment incomplete', async () => {
    const price = await recurringPrice(stripe, 500);
    const customer = await stripe.customers.create({ email: 'nopm@example.com' });
    const refused = await stripe.subscriptions
      .create({ customer: customer.id, items: [{ price: price.id }] })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(refused).toMatchObject({ statusCode: 400 });
    const declinedAtAttach = await stripe.subscriptions
      .create({
        customer: customer.id,
        items: [{ price: price.id }],
        default_payment_method: 'pm_card_chargeDeclined',
      })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(declinedAtAttach).toMatchObject({
      statusCode: 402,
      type: 'StripeCardError',
      code: 'card_declined',
    });
    const declined = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: 'pm_card_chargeCustomerFail',
    });
    expect(declined.status).toBe('incomplete');
    const invoice = await stripe.invoices.retrieve(declined.latest_invoice as string);
    expect(invoice).toMatchObject({ status: 'open', attempt_count: 1, next_payment_attempt: null });
    const paid = await stripe.invoices.pay(invoice.id, { payment_method: 'pm_card_visa' });
    expect(paid.status).toBe('paid');
    expect((await stripe.subscriptions.retrieve(declined.id)).status).toBe('active');
  });

  it('filters the list by customer, price and status', async () => {
    const price = await recurringPrice(stripe, 700);
    const customer = await stripe.customers.create({ email: 'list@example.com' });
    const kept = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: 'pm_card_visa',
    });
    const ended = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: 'pm_card_visa',
    });
    await stripe.subscriptions.cancel(ended.id);
    const active = await stripe.subscriptions.list({ customer: customer.id });
    expect(active.data.map((row) => row.id)).toEqual([kept.id]);
    const all = await stripe.subscriptions.list({ price: price.id, status: 'all' });
    expect(all.data.map((row) => row.id)).toEqual([ended.id, kept.id]);
    const canceled = await stripe.subscriptions.list({ customer: customer.id, status: 'canceled' });
    expect(canceled.data.map((row) => row.id)).toEqual([ended.id]);
  });
});

describe('subscriptions on a test clock', () => {
  it('renews three times on calendar months from the anchor, each invoice paid in order', async () => {
    const start = utc('2026-01-31T09:00:00Z');
    const { clock, customer } = await customerOnTestClock(stripe, start);
    const price = await recurringPrice(stripe, 2000);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const marker = eventMarker(emulator);
    await advanceTestClock(stripe, clock.id, utc('2026-05-10T00:00:00Z'));
    const renewed = await stripe.subscriptions.retrieve(subscription.id);
    expect(renewed.status).toBe('active');
    expect(renewed.items.data[0]?.current_period_start).toBe(utc('2026-04-30T09:00:00Z'));
    expect(renewed.items.data[0]?.current_period_end).toBe(utc('2026-05-31T09:00:00Z'));
    const invoices = await stripe.invoices.list({ subscription: subscription.id });
    expect(
      invoices.data.map((invoice) => [
        invoice.billing_reason,
        invoice.status,
        invoice.period_start,
        invoice.period_end,
      ]),
    ).toEqual([
      ['subscription_cycle', 'paid', utc('2026-03-31T09:00:00Z'), utc('2026-04-30T09:00:00Z')],
      ['subscription_cycle', 'paid', utc('2026-02-28T09:00:00Z'), utc('2026-03-31T09:00:00Z')],
      ['subscription_cycle', 'paid', start, utc('2026-02-28T09:00:00Z')],
      ['subscription_create', 'paid', start, start],
    ]);
    const renewal = ['customer.subscription.updated', 'invoice.created', ...PAID_INVOICE_EVENTS];
    expect(eventTypesSince(emulator, marker)).toEqual([
      'test_helpers.test_clock.advancing',
      ...renewal,
      ...renewal,
      ...renewal,
      'test_helpers.test_clock.ready',
    ]);
    const firstRenewal = eventsSince(emulator, marker).find((event) => event.type === 'invoice.created');
    expect(firstRenewal?.created).toBe(utc('2026-02-28T09:00:00Z'));
    expect(firstRenewal?.request.id).toBeNull();
  });

  it('sends trial_will_end three days before the trial ends, then bills the first period', async () => {
    const start = utc('2026-03-01T00:00:00Z');
    const { clock, customer } = await customerOnTestClock(stripe, start);
    const price = await recurringPrice(stripe, 900);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 14,
    });
    expect(subscription).toMatchObject({
      status: 'trialing',
      trial_start: start,
      trial_end: start + 14 * 86_400,
    });
    const trialInvoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(trialInvoice).toMatchObject({
      status: 'paid',
      amount_due: 0,
      billing_reason: 'subscription_create',
    });
    const marker = eventMarker(emulator);
    await advanceTestClock(stripe, clock.id, start + 11 * 86_400 + 60);
    const notice = eventsSince(emulator, marker).find(
      (event) => event.type === 'customer.subscription.trial_will_end',
    );
    expect(notice?.created).toBe(start + 11 * 86_400);
    await advanceTestClock(stripe, clock.id, start + 15 * 86_400);
    const active = await stripe.subscriptions.retrieve(subscription.id);
    expect(active.status).toBe('active');
    expect(active.items.data[0]?.current_period_start).toBe(start + 14 * 86_400);
    const first = await stripe.invoices.retrieve(active.latest_invoice as string);
    expect(first).toMatchObject({ status: 'paid', amount_paid: 900, billing_reason: 'subscription_cycle' });
  });

  it('moves a failed renewal to past_due, retries on the schedule, then cancels', async () => {
    const start = utc('2026-01-01T00:00:00Z');
    const { clock, customer } = await customerOnTestClock(stripe, start);
    const price = await recurringPrice(stripe, 1500);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    expect(subscription.status).toBe('active');
    await switchToFailingCard(stripe, customer.id);
    const renewalAt = utc('2026-02-01T00:00:00Z');
    await advanceTestClock(stripe, clock.id, renewalAt + 2 * 3600);
    const pastDue = await stripe.subscriptions.retrieve(subscription.id);
    expect(pastDue.status).toBe('past_due');
    const invoice = await stripe.invoices.retrieve(pastDue.latest_invoice as string);
    expect(invoice).toMatchObject({
      status: 'open',
      attempt_count: 1,
      next_payment_attempt: renewalAt + 3600 + 3 * 86_400,
    });
    const marker = eventMarker(emulator);
    await advanceTestClock(stripe, clock.id, renewalAt + 20 * 86_400);
    const retried = await stripe.invoices.retrieve(invoice.id);
    expect(retried).toMatchObject({ status: 'open', attempt_count: 4, next_payment_attempt: null });
    const types = eventTypesSince(emulator, marker);
    expect(types.filter((type) => type === 'invoice.payment_failed')).toHaveLength(3);
    expect(types.at(-2)).toBe('customer.subscription.deleted');
    const canceled = await stripe.subscriptions.retrieve(subscription.id);
    expect(canceled).toMatchObject({ status: 'canceled', ended_at: renewalAt + 3600 + 15 * 86_400 });
    expect(canceled.cancellation_details?.reason).toBe('payment_failed');
  });

  it('makes the subscription unpaid after the last retry when the setting says so', async () => {
    await fetch(`${emulator.url}/_emulator/billing/settings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ after_final_failure: 'unpaid', retry_delays_days: [1, 1] }),
    });
    try {
      const start = utc('2026-01-01T00:00:00Z');
      const { clock, customer } = await customerOnTestClock(stripe, start);
      const price = await recurringPrice(stripe, 1500);
      const subscription = await stripe.subscriptions.create({
        customer: customer.id,
        items: [{ price: price.id }],
      });
      await switchToFailingCard(stripe, customer.id);
      await advanceTestClock(stripe, clock.id, utc('2026-02-05T00:00:00Z'));
      const unpaid = await stripe.subscriptions.retrieve(subscription.id);
      expect(unpaid.status).toBe('unpaid');
      expect((await stripe.invoices.retrieve(unpaid.latest_invoice as string)).attempt_count).toBe(3);
    } finally {
      await fetch(`${emulator.url}/_emulator/billing/settings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ after_final_failure: 'canceled', retry_delays_days: [3, 5, 7] }),
      });
    }
  });
});
