// Tests of checkout in subscription mode.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { eventMarker, eventTypesSince } from '../test-support/billing-events.js';
import { recurringPrice, switchToFailingCard } from '../test-support/billing.js';
import { advanceGlobalClock, completeCheckout } from '../test-support/checkout.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;
let monthly: Stripe.Price;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
  monthly = await recurringPrice(stripe, 1900, { name: 'Pro' });
});
afterAll(() => close());

function subscriptionSession(extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
  return stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: monthly.id, quantity: 1 }],
    success_url: 'https://app.example/welcome?session={CHECKOUT_SESSION_ID}',
    ...extra,
  });
}

describe('checkout in subscription mode', () => {
  it('creates the customer, default payment method, active subscription and paid first invoice, events in order', async () => {
    const session = await subscriptionSession({
      subscription_data: { metadata: { tier: 'pro' } },
      client_reference_id: 'user-9',
    });
    const marker = eventMarker(emulator);
    const result = await completeCheckout(emulator, session.id, {
      card: '4242424242424242',
      email: 'pro@example.com',
    });
    expect(result.status).toBe(200);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] });
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid', client_reference_id: 'user-9' });
    const subscription = done.subscription as Stripe.Subscription;
    expect(subscription).toMatchObject({
      status: 'active',
      metadata: { tier: 'pro' },
      customer: done.customer,
    });
    const customer = (await stripe.customers.retrieve(done.customer as string)) as Stripe.Customer;
    expect(customer.email).toBe('pro@example.com');
    expect(customer.invoice_settings.default_payment_method).toBe(subscription.default_payment_method);
    expect(done.invoice).toBe(subscription.latest_invoice);
    expect(eventTypesSince(emulator, marker)).toEqual([
      'customer.created',
      'payment_method.attached',
      'customer.updated',
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
      'invoice_payment.paid',
      'customer.subscription.updated',
      'checkout.session.completed',
    ]);
    const bySubscription = await stripe.checkout.sessions.list({ subscription: subscription.id });
    expect(bySubscription.data.map((row) => row.id)).toEqual([session.id]);
  });

  it('starts a trial with no payment required and a zero invoice', async () => {
    const session = await subscriptionSession({ subscription_data: { trial_period_days: 7 } });
    expect(session.amount_total).toBe(0);
    const result = await completeCheckout(emulator, session.id, {
      card: '4242424242424242',
      email: 'trial@example.com',
    });
    expect(result.body).toMatchObject({ status: 'complete', payment_status: 'no_payment_required' });
    const subscription = await stripe.subscriptions.retrieve(result.body.subscription as string);
    expect(subscription.status).toBe('trialing');
    expect((subscription.trial_end ?? 0) - (subscription.trial_start ?? 0)).toBe(7 * 86_400);
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(invoice).toMatchObject({ amount_due: 0, status: 'paid' });
  });

  it('bills a one-time price once on the first invoice next to the recurring one', async () => {
    const setupFee = await stripe.prices.create({
      currency: 'eur',
      unit_amount: 5000,
      product_data: { name: 'Setup' },
    });
    const session = await subscriptionSession({
      line_items: [
        { price: monthly.id, quantity: 2 },
        { price: setupFee.id, quantity: 1 },
      ],
    });
    expect(session.amount_total).toBe(2 * 1900 + 5000);
    const result = await completeCheckout(emulator, session.id, {
      card: '4242424242424242',
      email: 'fee@example.com',
    });
    const subscription = await stripe.subscriptions.retrieve(result.body.subscription as string);
    expect(subscription.items.data).toHaveLength(1);
    const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(invoice.amount_paid).toBe(8800);
    expect(invoice.lines.data.map((line) => line.amount)).toEqual([3800, 5000]);
  });

  it('keeps the session open and creates nothing when the card is declined', async () => {
    const session = await subscriptionSession();
    const declined = await completeCheckout(emulator, session.id, {
      card: '4000000000009995',
      email: 'poor@example.com',
    });
    expect(declined.status).toBe(402);
    expect(declined.body.error).toMatchObject({
      decline_code: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    });
    const open = await stripe.checkout.sessions.retrieve(session.id);
    expect(open).toMatchObject({ status: 'open', subscription: null, customer: null });
  });

  it('saves a card in setup mode', async () => {
    const customer = await stripe.customers.create({ email: 'setup@example.com' });
    const session = await stripe.checkout.sessions.create({
      mode: 'setup',
      customer: customer.id,
      currency: 'eur',
      success_url: 'https://app.example/ok',
    });
    expect(session.payment_status).toBe('no_payment_required');
    const result = await completeCheckout(emulator, session.id, { card: '5555555555554444' });
    expect(result.body.setup_intent).toMatch(/^seti_/);
    const methods = await stripe.customers.listPaymentMethods(customer.id);
    expect(methods.data[0]?.card?.brand).toBe('mastercard');
  });

  it('declines the 0341 card at checkout: it attaches, but every charge fails', async () => {
    const session = await subscriptionSession();
    const declined = await completeCheckout(emulator, session.id, {
      card: '4000000000000341',
      email: 'fail@example.com',
    });
    expect(declined.status).toBe(402);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
  });

  it('fails the renewal once the customer pays with the 0341 card: past_due', async () => {
    const session = await subscriptionSession();
    const result = await completeCheckout(emulator, session.id, {
      card: '4242424242424242',
      email: 'fail@example.com',
    });
    expect(result.body.payment_status).toBe('paid');
    const subscriptionId = result.body.subscription as string;
    const failing = await switchToFailingCard(stripe, result.body.customer as string);
    await stripe.subscriptions.update(subscriptionId, { default_payment_method: failing });
    const periodEnd =
      (await stripe.subscriptions.retrieve(subscriptionId)).items.data[0]?.current_period_end ?? 0;
    await advanceGlobalClock(emulator, periodEnd - Math.floor(Date.now() / 1000) + 2 * 3600);
    const pastDue = await stripe.subscriptions.retrieve(subscriptionId);
    expect(pastDue.status).toBe('past_due');
    const invoice = await stripe.invoices.retrieve(pastDue.latest_invoice as string);
    expect(invoice).toMatchObject({ status: 'open', billing_reason: 'subscription_cycle', attempt_count: 1 });
  });
});
