// SEPA Direct Debit, the payment page confirm the Stripe CLI uses, and customer balance bank transfers.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { eventMarker, eventTypesSince } from '../test-support/billing-events.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;
// SDK 23 no longer types `payment_method_types` on create; the API (and the CLI's recipes) still take it: casts.

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

async function settled(paymentIntentId: string): Promise<Stripe.PaymentIntent> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const paymentIntent = await stripe.paymentIntents.retrieve(paymentIntentId);
    if (paymentIntent.status !== 'processing') return paymentIntent;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${paymentIntentId} still processing`);
}

async function sepaIntent(iban: string): Promise<Stripe.PaymentIntent> {
  const paymentMethod = await stripe.paymentMethods.create({
    type: 'sepa_debit',
    sepa_debit: { iban },
    billing_details: { name: 'Jenny Rosen', email: 'jenny@example.com' },
  });
  expect(paymentMethod.sepa_debit?.last4).toBe(iban.slice(-4));
  return stripe.paymentIntents.create({
    amount: 1000,
    currency: 'eur',
    payment_method: paymentMethod.id,
    payment_method_types: ['sepa_debit'],
    confirm: true,
  } as Stripe.PaymentIntentCreateParams);
}

describe('SEPA Direct Debit', () => {
  it('stays processing, then settles as the test IBAN says', async () => {
    const succeeding = await sepaIntent('AT611904300234573201');
    expect(succeeding.status).toBe('processing');
    expect((await settled(succeeding.id)).status).toBe('succeeded');
    const failing = await sepaIntent('AT861904300235473202');
    expect((await settled(failing.id)).status).toBe('requires_payment_method');
    const invalid = await stripe.paymentMethods
      .create({ type: 'sepa_debit', sepa_debit: { iban: 'AT611904300234573202' } })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(invalid).toMatchObject({ statusCode: 400, code: 'invalid_bank_account_iban' });
  });

  it('completes a checkout session through the payment page confirm; async_payment_succeeded follows', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      payment_method_types: ['sepa_debit'],
      line_items: [
        { price_data: { currency: 'eur', unit_amount: 1500, product_data: { name: 'A' } }, quantity: 2 },
      ],
      success_url: 'https://shop.example/ok',
    } as Stripe.Checkout.SessionCreateParams);
    const paymentMethod = await stripe.paymentMethods.create({
      type: 'sepa_debit',
      sepa_debit: { iban: 'AT611904300234573201' },
      billing_details: { email: 'page@example.com', name: 'Page' },
    });
    const confirm = (expected: number) =>
      fetch(`${emulator.url}/v1/payment_pages/${session.id}/confirm`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk_test_x', 'content-type': 'application/x-www-form-urlencoded' },
        body: `payment_method=${paymentMethod.id}&expected_amount=${expected}`,
      });
    expect((await confirm(2999)).status).toBe(400);
    const marker = eventMarker(emulator);
    const completed = (await (await confirm(3000)).json()) as Stripe.Checkout.Session;
    expect(completed).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    await settled(completed.payment_intent as string);
    expect(eventTypesSince(emulator, marker)).toContain('checkout.session.async_payment_succeeded');
  });
});

describe('customer balance bank transfers', () => {
  it('waits for funds, is partially funded, then paid by fund_cash_balance', async () => {
    const customer = await stripe.customers.create({ email: 'transfer@example.com' });
    const paymentIntent = await stripe.paymentIntents.create({
      amount: 20000,
      currency: 'jpy',
      customer: customer.id,
      payment_method_types: ['customer_balance'],
      payment_method_data: { type: 'customer_balance' },
      payment_method_options: {
        customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'jp_bank_transfer' } },
      },
      confirm: true,
    } as Stripe.PaymentIntentCreateParams);
    expect(paymentIntent.status).toBe('requires_action');
    expect(paymentIntent.next_action?.display_bank_transfer_instructions?.amount_remaining).toBe(20000);
    const marker = eventMarker(emulator);
    await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 10000, currency: 'jpy' });
    const half = await stripe.paymentIntents.retrieve(paymentIntent.id);
    expect(half.next_action?.display_bank_transfer_instructions?.amount_remaining).toBe(10000);
    await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 10000, currency: 'jpy' });
    expect((await stripe.paymentIntents.retrieve(paymentIntent.id)).status).toBe('succeeded');
    const types = eventTypesSince(emulator, marker);
    expect(types).toContain('payment_intent.partially_funded');
    expect(types.at(-1)).toBe('payment_intent.succeeded');
  });
});
