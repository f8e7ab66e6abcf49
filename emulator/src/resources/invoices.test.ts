// Tests of invoices and invoice payments.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { eventMarker, eventTypesSince } from '../test-support/billing-events.js';
import { advanceTestClock, customerOnTestClock, recurringPrice, utc } from '../test-support/billing.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

async function incompleteSubscription() {
  const customer = await stripe.customers.create({ email: 'inv@example.com' });
  const price = await recurringPrice(stripe, 2500);
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
    payment_behavior: 'default_incomplete',
  });
  const invoice = await stripe.invoices.retrieve(subscription.latest_invoice as string);
  return { customer, subscription, invoice };
}

describe('invoices and invoice payments', () => {
  it('leaves a default_incomplete subscription waiting; confirming its payment intent pays the invoice', async () => {
    const { subscription, invoice } = await incompleteSubscription();
    expect(subscription.status).toBe('incomplete');
    expect(invoice).toMatchObject({ status: 'open', amount_remaining: 2500, attempt_count: 0 });
    const [payment] = (await stripe.invoicePayments.list({ invoice: invoice.id })).data;
    expect(payment).toMatchObject({ status: 'open', amount_requested: 2500, amount_paid: null });
    const marker = eventMarker(emulator);
    await stripe.paymentIntents.confirm(payment?.payment.payment_intent as string, {
      payment_method: 'pm_card_visa',
    });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: 'paid', amount_paid: 2500 });
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('active');
    expect(eventTypesSince(emulator, marker)).toEqual([
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice.paid',
      'invoice.payment_succeeded',
      'invoice_payment.paid',
      'customer.subscription.updated',
    ]);
    const byPaymentIntent = await stripe.invoicePayments.list({
      invoice: invoice.id,
      payment: { type: 'payment_intent', payment_intent: payment?.payment.payment_intent as string },
    });
    expect(byPaymentIntent.data.map((row) => row.id)).toEqual([payment?.id]);
    expect((await stripe.invoicePayments.retrieve(payment?.id as string)).status).toBe('paid');
  });

  it('answers a declined pay with a card error and voids or marks uncollectible', async () => {
    const { invoice, customer } = await incompleteSubscription();
    const declined = await stripe.invoices
      .pay(invoice.id, { payment_method: 'pm_card_chargeDeclined' })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(declined).toMatchObject({
      statusCode: 402,
      type: 'StripeCardError',
      decline_code: 'generic_decline',
    });
    // The card is declined when it is attached to the customer, before any payment attempt.
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: 'open', attempt_count: 0 });
    const failed = await stripe.invoices
      .pay(invoice.id, { payment_method: 'pm_card_chargeCustomerFail' })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(failed).toMatchObject({
      statusCode: 402,
      type: 'StripeCardError',
      decline_code: 'generic_decline',
    });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: 'open', attempt_count: 1 });
    const voided = await stripe.invoices.voidInvoice(invoice.id);
    expect(voided.status).toBe('void');
    const again = await stripe.invoices.pay(invoice.id).catch((error: Stripe.errors.StripeError) => error);
    expect(again).toMatchObject({ statusCode: 400 });
    const second = await incompleteSubscription();
    const uncollectible = await stripe.invoices.markUncollectible(second.invoice.id);
    expect(uncollectible.status).toBe('uncollectible');
    const open = await stripe.invoices.list({ customer: customer.id, status: 'void' });
    expect(open.data.map((row) => row.id)).toEqual([invoice.id]);
  });

  it('finalizes a renewal draft before its hour is up, then collects it', async () => {
    const start = utc('2026-03-10T08:00:00Z');
    const renewal = utc('2026-04-10T08:00:00Z');
    const { clock, customer } = await customerOnTestClock(stripe, start);
    const price = await recurringPrice(stripe, 1200);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    await advanceTestClock(stripe, clock.id, renewal + 60);
    const draft = (await stripe.invoices.list({ subscription: subscription.id, status: 'draft' })).data[0]!;
    expect(draft).toMatchObject({
      billing_reason: 'subscription_cycle',
      automatically_finalizes_at: renewal + 3600,
    });
    const marker = eventMarker(emulator);
    const finalized = await stripe.invoices.finalizeInvoice(draft.id);
    expect(finalized).toMatchObject({
      status: 'open',
      automatically_finalizes_at: null,
      next_payment_attempt: renewal + 60,
    });
    expect(finalized.status_transitions.finalized_at).toBe(renewal + 60);
    expect(finalized.number).toMatch(/^[A-Z0-9]+-\d{4}$/);
    expect(eventTypesSince(emulator, marker)[0]).toBe('invoice.finalized');
    const again = await stripe.invoices
      .finalizeInvoice(draft.id)
      .catch((error: Stripe.errors.StripeError) => error);
    expect(again).toMatchObject({ statusCode: 400, code: 'invoice_not_editable' });
    await advanceTestClock(stripe, clock.id, renewal + 2 * 3600);
    expect((await stripe.invoices.retrieve(draft.id)).status).toBe('paid');
  });

  it('lists lines with pagination and updates metadata with invoice.updated', async () => {
    const { invoice } = await incompleteSubscription();
    const lines = await stripe.invoices.listLineItems(invoice.id, { limit: 1 });
    expect(lines.data).toHaveLength(1);
    expect(lines.has_more).toBe(false);
    const marker = eventMarker(emulator);
    const updated = await stripe.invoices.update(invoice.id, { metadata: { ref: 'x' } });
    expect(updated.metadata).toEqual({ ref: 'x' });
    expect(eventTypesSince(emulator, marker)).toEqual(['invoice.updated']);
  });
});
