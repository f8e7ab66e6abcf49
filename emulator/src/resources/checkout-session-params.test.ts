// Tests of checkout session parameters and the events around `checkout.session.completed`.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { eventMarker, eventsSince } from '../test-support/billing-events.js';
import { recurringPrice } from '../test-support/billing.js';
import { completeCheckout } from '../test-support/checkout.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;
let oneTime: Stripe.Price;
let monthly: Stripe.Price;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
  oneTime = await stripe.prices.create({ currency: 'eur', unit_amount: 1200, product_data: { name: 'Mug' } });
  monthly = await recurringPrice(stripe, 1900, { name: 'Pro' });
});
afterAll(() => close());

const SUCCESS_URL = 'https://shop.example/ok?session={CHECKOUT_SESSION_ID}';

/** The payload of the newest event of `type` emitted since `marker`. */
function payloadOf(type: string, marker: string | undefined): Record<string, unknown> {
  const event = eventsSince(emulator, marker)
    .filter((entry) => entry.type === type)
    .at(-1);
  if (!event) throw new Error(`no ${type} event`);
  return event.data.object;
}

describe('checkout session parameters', () => {
  it('keeps customer_email, client_reference_id, metadata, allow_promotion_codes and expires_at', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 2 * 3600;
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: oneTime.id, quantity: 3 }],
      customer_email: 'buyer@example.com',
      client_reference_id: 'order-77',
      metadata: { order: '77' },
      allow_promotion_codes: true,
      expires_at: expiresAt,
      success_url: SUCCESS_URL,
    });
    expect(session).toMatchObject({
      customer_email: 'buyer@example.com',
      client_reference_id: 'order-77',
      metadata: { order: '77' },
      allow_promotion_codes: true,
      expires_at: expiresAt,
      amount_total: 3600,
      customer: null,
    });
    const updated = await stripe.checkout.sessions.update(session.id, { metadata: { note: 'gift' } });
    expect(updated.metadata).toEqual({ order: '77', note: 'gift' });
    const both = await stripe.checkout.sessions
      .create({
        mode: 'payment',
        line_items: [{ price: oneTime.id, quantity: 1 }],
        customer: (await stripe.customers.create({})).id,
        customer_email: 'x@example.com',
        success_url: SUCCESS_URL,
      })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(both).toMatchObject({ statusCode: 400, param: 'customer_email' });
  });

  it('expands line items and nested paths inside them (line_items.data.price.product)', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: oneTime.id, quantity: 2 }],
      success_url: SUCCESS_URL,
    });
    const plain = await stripe.checkout.sessions.retrieve(session.id);
    expect(plain.line_items).toBeUndefined();
    const expanded = await stripe.checkout.sessions.retrieve(session.id, {
      expand: ['line_items.data.price.product', 'customer'],
    });
    const [line] = expanded.line_items?.data ?? [];
    expect(line).toMatchObject({ quantity: 2, amount_total: 2400 });
    expect(line?.price?.product).toMatchObject({ object: 'product', name: 'Mug' });
    // The stored price is untouched by the expansion.
    expect((await stripe.prices.retrieve(oneTime.id)).product).toBe(oneTime.product);
  });

  it('charges an existing customer and creates no other', async () => {
    const customer = await stripe.customers.create({ email: 'known@example.com' });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      customer: customer.id,
      line_items: [{ price: oneTime.id, quantity: 1 }],
      success_url: SUCCESS_URL,
    });
    expect(session.customer_creation).toBeNull();
    const before = emulator.summary().counts.customer;
    const done = await completeCheckout(emulator, session.id, { card: '4242424242424242' });
    expect(done.body).toMatchObject({ status: 'complete', customer: customer.id });
    expect(emulator.summary().counts.customer).toBe(before);
    const paymentIntent = await stripe.paymentIntents.retrieve(done.body.payment_intent as string);
    expect(paymentIntent).toMatchObject({ customer: customer.id, status: 'succeeded', amount: 1200 });
  });

  it('lists sessions by customer, status and payment_intent', async () => {
    const customer = await stripe.customers.create({ email: 'lister@example.com' });
    const create = (reference: string) =>
      stripe.checkout.sessions.create({
        mode: 'payment',
        customer: customer.id,
        client_reference_id: reference,
        line_items: [{ price: oneTime.id, quantity: 1 }],
        success_url: SUCCESS_URL,
      });
    const paid = await create('paid');
    const open = await create('open');
    const done = await completeCheckout(emulator, paid.id, { card: '4242424242424242' });
    const ids = (list: Stripe.ApiList<Stripe.Checkout.Session>) => list.data.map((row) => row.id);
    expect(ids(await stripe.checkout.sessions.list({ customer: customer.id }))).toEqual([open.id, paid.id]);
    expect(ids(await stripe.checkout.sessions.list({ customer: customer.id, status: 'complete' }))).toEqual([
      paid.id,
    ]);
    expect(
      ids(await stripe.checkout.sessions.list({ payment_intent: done.body.payment_intent as string })),
    ).toEqual([paid.id]);
  });
});

describe('checkout.session.completed and the events around it', () => {
  it('carries customer, payment_intent, amount_total and metadata in payment mode', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      customer_creation: 'always',
      line_items: [{ price: oneTime.id, quantity: 2 }],
      metadata: { order: 'A-1' },
      payment_intent_data: { metadata: { order: 'A-1' } },
      success_url: SUCCESS_URL,
    });
    const marker = eventMarker(emulator);
    await completeCheckout(emulator, session.id, { card: '4242424242424242', email: 'a1@example.com' });
    const completed = payloadOf('checkout.session.completed', marker);
    expect(completed).toMatchObject({
      id: session.id,
      status: 'complete',
      payment_status: 'paid',
      amount_total: 2400,
      metadata: { order: 'A-1' },
      customer: expect.stringMatching(/^cus_/) as unknown,
      payment_intent: expect.stringMatching(/^pi_/) as unknown,
    });
    const succeeded = payloadOf('payment_intent.succeeded', marker);
    expect(succeeded).toMatchObject({ id: completed.payment_intent, metadata: { order: 'A-1' } });
  });

  it('carries subscription, customer, invoice and metadata in subscription mode, with periods on items', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: monthly.id, quantity: 1 }],
      metadata: { plan: 'pro' },
      subscription_data: { metadata: { plan: 'pro' }, trial_period_days: 14 },
      success_url: SUCCESS_URL,
    });
    const marker = eventMarker(emulator);
    await completeCheckout(emulator, session.id, { card: '4242424242424242', email: 'sub@example.com' });
    const completed = payloadOf('checkout.session.completed', marker);
    expect(completed).toMatchObject({
      mode: 'subscription',
      payment_status: 'no_payment_required',
      amount_total: 0,
      metadata: { plan: 'pro' },
      subscription: expect.stringMatching(/^sub_/) as unknown,
      customer: expect.stringMatching(/^cus_/) as unknown,
      invoice: expect.stringMatching(/^in_/) as unknown,
    });
    const created = payloadOf('customer.subscription.created', marker) as unknown as Stripe.Subscription;
    expect(created).toMatchObject({
      id: completed.subscription,
      status: 'trialing',
      metadata: { plan: 'pro' },
    });
    const [item] = created.items.data;
    expect(item?.current_period_end).toBe(created.trial_end);
    expect(item?.current_period_start).toBe(created.trial_start);
    const invoice = payloadOf('invoice.paid', marker) as unknown as Stripe.Invoice;
    expect(invoice.parent?.subscription_details?.subscription).toBe(completed.subscription);
    expect(invoice.parent?.subscription_details?.metadata).toEqual({ plan: 'pro' });
  });
});
