// Tests of checkout sessions: creation and validation, payment mode completion, expiry.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { eventMarker, eventsSince, eventTypesSince } from '../test-support/billing-events.js';
import { advanceGlobalClock, completeCheckout } from '../test-support/checkout.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

function tshirt(quantity = 2, unitAmount = 1500): Stripe.Checkout.SessionCreateParams.LineItem {
  return {
    price_data: { currency: 'eur', unit_amount: unitAmount, product_data: { name: 'T-shirt' } },
    quantity,
  };
}

async function paymentSession(extra: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
  return stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [tshirt()],
    success_url: 'https://shop.example/success?session={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://shop.example/cart',
    ...extra,
  });
}

describe('checkout sessions: creation and validation', () => {
  it('creates an open payment session with amounts, a hosted url and a 24 hour expiry', async () => {
    const session = await paymentSession({ client_reference_id: 'cart-1', metadata: { cart: '1' } });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.status).toBe('open');
    expect(session.payment_status).toBe('unpaid');
    expect(session.amount_subtotal).toBe(3000);
    expect(session.amount_total).toBe(3000);
    expect(session.currency).toBe('eur');
    expect(session.total_details).toEqual({ amount_discount: 0, amount_shipping: 0, amount_tax: 0 });
    expect(session.url).toBe(`${emulator.url}/checkout/${session.id}`);
    expect(session.expires_at - session.created).toBe(24 * 3600);
    expect(session.customer_creation).toBe('if_required');
    const lineItems = await stripe.checkout.sessions.listLineItems(session.id);
    expect(lineItems.data).toHaveLength(1);
    expect(lineItems.data[0]).toMatchObject({
      object: 'item',
      quantity: 2,
      amount_total: 3000,
      description: 'T-shirt',
    });
    const expanded = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    expect(expanded.line_items?.data[0]?.price?.unit_amount).toBe(1500);
  });

  it('rejects a recurring price in payment mode, mixed currencies, and subscription mode without a recurring price', async () => {
    const recurring = {
      price_data: {
        currency: 'eur',
        unit_amount: 900,
        product_data: { name: 'Pro' },
        recurring: { interval: 'month' as const },
      },
      quantity: 1,
    };
    const inPayment = await paymentSession({ line_items: [tshirt(), recurring] }).catch(
      (error: Stripe.errors.StripeError) => error,
    );
    expect(inPayment).toMatchObject({ statusCode: 400, param: 'line_items[1][price]' });
    const usd = {
      price_data: { currency: 'usd', unit_amount: 100, product_data: { name: 'Cap' } },
      quantity: 1,
    };
    const mixed = await paymentSession({ line_items: [tshirt(), usd] }).catch(
      (error: Stripe.errors.StripeError) => error,
    );
    expect(mixed).toMatchObject({ statusCode: 400, param: 'line_items' });
    const noRecurring = await stripe.checkout.sessions
      .create({ mode: 'subscription', line_items: [tshirt()], success_url: 'https://shop.example/ok' })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(noRecurring).toMatchObject({ statusCode: 400, param: 'line_items' });
    const badExpiry = await paymentSession({ expires_at: Math.floor(Date.now() / 1000) + 60 }).catch(
      (error: Stripe.errors.StripeError) => error,
    );
    expect(badExpiry).toMatchObject({ statusCode: 400, param: 'expires_at' });
  });

  it('accepts a 100-line cart and pages through its line items', async () => {
    const lines = Array.from({ length: 100 }, (_, index) => tshirt(1, 100 + index));
    const session = await paymentSession({ line_items: lines });
    expect(session.amount_total).toBe(100 * 100 + (99 * 100) / 2);
    const all: Stripe.LineItem[] = [];
    for await (const item of stripe.checkout.sessions.listLineItems(session.id, { limit: 30 }))
      all.push(item);
    expect(all).toHaveLength(100);
    const completed = await completeCheckout(emulator, session.id, {
      card: '4242424242424242',
      email: 'big@example.com',
    });
    expect(completed.body.payment_status).toBe('paid');
  });
});

describe('checkout sessions: payment mode completion', () => {
  it('pays with 4242: complete, paid, a succeeded payment intent, events in order, request.id null', async () => {
    const session = await paymentSession({
      customer_creation: 'always',
      payment_intent_data: { metadata: { order: '7' } },
    });
    const marker = eventMarker(emulator);
    const result = await completeCheckout(emulator, session.id, {
      card: '4242424242424242',
      email: 'buyer@example.com',
    });
    expect(result.status).toBe(200);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done.status).toBe('complete');
    expect(done.payment_status).toBe('paid');
    expect(done.customer).toMatch(/^cus_/);
    expect(done.customer_details?.email).toBe('buyer@example.com');
    const paymentIntent = await stripe.paymentIntents.retrieve(done.payment_intent as string);
    expect(paymentIntent).toMatchObject({
      status: 'succeeded',
      amount: 3000,
      currency: 'eur',
      metadata: { order: '7' },
    });
    const events = eventsSince(emulator, marker);
    expect(events.map((event) => event.type)).toEqual([
      'customer.created',
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.completed',
    ]);
    expect(events.every((event) => event.request.id === null)).toBe(true);
    const listed = await stripe.checkout.sessions.list({ payment_intent: paymentIntent.id });
    expect(listed.data.map((row) => row.id)).toEqual([session.id]);
  });

  it('keeps the session open after a declined card and lets another card pay', async () => {
    const session = await paymentSession();
    const declined = await completeCheckout(emulator, session.id, {
      card: '4000000000000002',
      email: 'x@example.com',
    });
    expect(declined.status).toBe(402);
    expect(declined.body.error).toMatchObject({
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'generic_decline',
      message: 'Your card was declined.',
    });
    const stillOpen = await stripe.checkout.sessions.retrieve(session.id);
    expect(stillOpen.status).toBe('open');
    expect(stillOpen.customer).toBeNull();
    const marker = eventMarker(emulator);
    const paid = await completeCheckout(emulator, session.id, {
      card: '4242424242424242',
      email: 'x@example.com',
    });
    expect(paid.body.payment_status).toBe('paid');
    expect(paid.body.customer).toBeNull();
    // One payment intent for the session: the declined attempt's intent is the one that succeeds.
    expect(paid.body.payment_intent).toBe(stillOpen.payment_intent);
    const paymentIntent = await stripe.paymentIntents.retrieve(paid.body.payment_intent as string);
    expect(paymentIntent).toMatchObject({ status: 'succeeded', last_payment_error: null });
    expect(eventTypesSince(emulator, marker)).toEqual([
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.completed',
    ]);
  });

  it('settles a bank debit later: completed unpaid, then async_payment_succeeded', async () => {
    const session = await paymentSession();
    const marker = eventMarker(emulator);
    const result = await completeCheckout(emulator, session.id, {
      bank_account: '000123456789',
      email: 'ach@example.com',
    });
    expect(result.body).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    await advanceGlobalClock(emulator, 120);
    const settled = await stripe.checkout.sessions.retrieve(session.id);
    expect(settled.payment_status).toBe('paid');
    expect(eventTypesSince(emulator, marker)).toEqual([
      'payment_intent.created',
      'payment_intent.processing',
      'charge.pending',
      'checkout.session.completed',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.async_payment_succeeded',
    ]);
  });

  it('reports a failed bank debit with async_payment_failed', async () => {
    const session = await paymentSession();
    await completeCheckout(emulator, session.id, { bank_account: '000111111113', email: 'ach@example.com' });
    const marker = eventMarker(emulator);
    await advanceGlobalClock(emulator, 120);
    expect(eventTypesSince(emulator, marker)).toEqual([
      'charge.failed',
      'payment_intent.payment_failed',
      'checkout.session.async_payment_failed',
    ]);
    expect((await stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe('unpaid');
  });
});

describe('checkout sessions: expiry', () => {
  it('expires on request with checkout.session.expired and refuses completion afterwards', async () => {
    const session = await paymentSession();
    const expired = await stripe.checkout.sessions.expire(session.id);
    expect(expired.status).toBe('expired');
    expect(expired.url).toBeNull();
    const again = await stripe.checkout.sessions
      .expire(session.id)
      .catch((error: Stripe.errors.StripeError) => error);
    expect(again).toMatchObject({ statusCode: 400 });
    const late = await completeCheckout(emulator, session.id, {
      card: '4242424242424242',
      email: 'l@example.com',
    });
    expect(late.status).toBe(400);
  });

  it('expires at expires_at when the clock passes it', async () => {
    const session = await paymentSession({ expires_at: Math.floor(Date.now() / 1000) + 3600 });
    const marker = eventMarker(emulator);
    await advanceGlobalClock(emulator, 3700);
    expect(
      eventsSince(emulator, marker)
        .filter((event) => event.type === 'checkout.session.expired')
        .map((event) => (event.data.object as { id: string }).id),
    ).toContain(session.id);
    const open = await stripe.checkout.sessions.list({ status: 'open' });
    expect(open.data.map((row) => row.id)).not.toContain(session.id);
  });
});
