// Tests of payment intents, charges and payment methods.
import Stripe from 'stripe';
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

describe('payment intents and charges', () => {
  it('confirms with pm_card_visa: succeeded, one charge with card details and a balance transaction', async () => {
    const marker = eventMarker(emulator);
    const paymentIntent = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      metadata: { order: '42' },
    });
    expect(paymentIntent.status).toBe('succeeded');
    expect(paymentIntent.amount_received).toBe(2000);
    const charge = await stripe.charges.retrieve(paymentIntent.latest_charge as string);
    expect(charge.paid).toBe(true);
    expect(charge.outcome?.type).toBe('authorized');
    expect(charge.payment_method_details?.card?.last4).toBe('4242');
    expect(charge.balance_transaction).toMatch(/^txn_/);
    expect(eventTypesSince(emulator, marker)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
  });

  it('answers a declined card with 402 card_error, decline_code and the payment intent left requiring a payment method', async () => {
    const marker = eventMarker(emulator);
    const error = await stripe.paymentIntents
      .create({
        amount: 1500,
        currency: 'usd',
        payment_method: 'pm_card_chargeDeclinedInsufficientFunds',
        confirm: true,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    const cardError = error as Stripe.errors.StripeCardError;
    expect(cardError.statusCode).toBe(402);
    expect(cardError.code).toBe('card_declined');
    expect(cardError.decline_code).toBe('insufficient_funds');
    expect(cardError.message).toBe('Your card has insufficient funds.');
    const paymentIntent = await stripe.paymentIntents.retrieve(cardError.payment_intent?.id as string);
    expect(paymentIntent.status).toBe('requires_payment_method');
    expect(paymentIntent.last_payment_error?.decline_code).toBe('insufficient_funds');
    expect(eventTypesSince(emulator, marker)).toEqual([
      'payment_intent.created',
      'charge.failed',
      'payment_intent.payment_failed',
    ]);
  });

  it('refunds part and then the rest of a charge, marking it refunded', async () => {
    const paymentIntent = await stripe.paymentIntents.create({
      amount: 5000,
      currency: 'eur',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const marker = eventMarker(emulator);
    const partial = await stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 1200 });
    expect(partial.status).toBe('succeeded');
    let charge = await stripe.charges.retrieve(paymentIntent.latest_charge as string);
    expect(charge.amount_refunded).toBe(1200);
    expect(charge.refunded).toBe(false);
    const rest = await stripe.refunds.create({ charge: charge.id });
    expect(rest.amount).toBe(3800);
    charge = await stripe.charges.retrieve(charge.id);
    expect(charge.refunded).toBe(true);
    expect(eventTypesSince(emulator, marker)).toEqual([
      'refund.created',
      'charge.refunded',
      'refund.created',
      'charge.refunded',
    ]);
    const listed = await stripe.refunds.list({ payment_intent: paymentIntent.id });
    expect(listed.data.map((refund) => refund.amount)).toEqual([3800, 1200]);
    const tooMuch = await stripe.refunds
      .create({ charge: charge.id, amount: 1 })
      .catch((caught: unknown) => caught);
    expect((tooMuch as Stripe.errors.StripeError).code).toBe('charge_already_refunded');
  });

  it('cancels an unconfirmed payment intent', async () => {
    const customer = await stripe.customers.create({ email: 'ach@example.com' });
    const paymentIntent = await stripe.paymentIntents.create({
      amount: 900,
      currency: 'usd',
      customer: customer.id,
    });
    expect(paymentIntent.status).toBe('requires_payment_method');
    const canceled = await stripe.paymentIntents.cancel(paymentIntent.id);
    expect(canceled.status).toBe('canceled');
  });
});

describe('payment methods', () => {
  it('attaches test tokens to a customer, lists them, sets the default and detaches', async () => {
    const customer = await stripe.customers.create({ email: 'pm@example.com' });
    const visa = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    expect(visa.id).toMatch(/^pm_/);
    expect(visa.id).not.toBe('pm_card_visa');
    expect(visa.customer).toBe(customer.id);
    await stripe.paymentMethods.attach('pm_card_mastercard', { customer: customer.id });
    const listed = await stripe.customers.listPaymentMethods(customer.id);
    expect(listed.data.map((pm) => pm.card?.brand).sort()).toEqual(['mastercard', 'visa']);
    const updated = await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: visa.id },
    });
    expect(updated.invoice_settings.default_payment_method).toBe(visa.id);
    const detached = await stripe.paymentMethods.detach(visa.id);
    expect(detached.customer).toBeNull();
    const afterDetach = await stripe.customers.retrieve(customer.id);
    expect((afterDetach as Stripe.Customer).invoice_settings.default_payment_method).toBeNull();
  });

  it('rejects a card number that fails the Luhn check', async () => {
    const error = await stripe.paymentMethods
      .create({
        type: 'card',
        card: { number: '4242424242424241', exp_month: 1, exp_year: 2040, cvc: '123' },
      })
      .catch((caught: unknown) => caught);
    expect((error as Stripe.errors.StripeError).code).toBe('incorrect_number');
  });
});
