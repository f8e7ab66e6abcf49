// Discounts in Checkout: `discounts`, `allow_promotion_codes` and a code entered on the hosted page.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { completeCheckout } from '../test-support/checkout.js';
import { submitForm } from '../test-support/pages.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

const lineItems = [
  { price_data: { currency: 'usd', unit_amount: 1999, product_data: { name: 'Mug' } }, quantity: 2 },
  { price_data: { currency: 'usd', unit_amount: 500, product_data: { name: 'Sticker' } }, quantity: 1 },
];

describe('checkout discounts', () => {
  it('takes a coupon off the session, its line items and the payment', async () => {
    const coupon = await stripe.coupons.create({ percent_off: 10 });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: lineItems,
      discounts: [{ coupon: coupon.id }],
      success_url: 'https://shop.example/ok',
    });
    // 10 % of 44.98 is 4.498: 450 off, spread 400 / 50 over the two lines.
    expect(session).toMatchObject({
      amount_subtotal: 4498,
      amount_total: 4048,
      total_details: { amount_discount: 450 },
      discounts: [{ coupon: coupon.id, promotion_code: null }],
    });
    const items = await stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data.map((item) => [item.amount_subtotal, item.amount_discount, item.amount_total])).toEqual(
      [
        [3998, 400, 3598],
        [500, 50, 450],
      ],
    );
    const paid = await completeCheckout(emulator, session.id, {
      card: '4242424242424242',
      email: 'buyer@example.com',
    });
    expect(paid.status).toBe(200);
    const paymentIntent = await stripe.paymentIntents.retrieve(paid.body.payment_intent as string);
    expect(paymentIntent.amount).toBe(4048);
    expect((await stripe.coupons.retrieve(coupon.id)).times_redeemed).toBe(1);
  });

  it('refuses discounts with allow_promotion_codes, more than one discount and an unknown parameter', async () => {
    const coupon = await stripe.coupons.create({ amount_off: 100, currency: 'usd' });
    const both = await stripe.checkout.sessions
      .create({
        mode: 'payment',
        line_items: lineItems,
        allow_promotion_codes: true,
        discounts: [{ coupon: coupon.id }],
      })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(both).toMatchObject({ statusCode: 400, param: 'discounts' });
    const two = await stripe.checkout.sessions
      .create({
        mode: 'payment',
        line_items: lineItems,
        discounts: [{ coupon: coupon.id }, { coupon: coupon.id }],
      })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(two).toMatchObject({ statusCode: 400, param: 'discounts' });
    const unknown = await stripe.checkout.sessions
      .create({
        mode: 'payment',
        line_items: lineItems,
        discounts: [{ coupon: coupon.id, discount: 'di_x' }],
      } as unknown as Stripe.Checkout.SessionCreateParams)
      .catch((error: Stripe.errors.StripeError) => error);
    expect(unknown).toMatchObject({
      statusCode: 400,
      code: 'parameter_unknown',
      param: 'discounts[0][discount]',
    });
  });

  it('lets the customer enter a promotion code on the hosted page when allowed, and pays the reduced total', async () => {
    const coupon = await stripe.coupons.create({ amount_off: 1000, currency: 'usd', duration: 'once' });
    const code = await stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'WELCOME',
      max_redemptions: 1,
    });
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: lineItems,
      allow_promotion_codes: true,
      success_url: 'https://shop.example/ok',
    });
    const page = await (await fetch(session.url as string)).text();
    expect(page).toContain('<label for="promotion_code">Promotion code</label>');
    const wrong = await submitForm(`${emulator.url}/checkout/${session.id}/promotion_code`, {
      promotion_code: 'NOPE',
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('This code is invalid.');
    const applied = await submitForm(`${emulator.url}/checkout/${session.id}/promotion_code`, {
      promotion_code: 'welcome',
    });
    expect(applied.status).toBe(200);
    const html = await applied.text();
    expect(html).toContain('WELCOME');
    expect(html).toContain('−$10.00');
    expect(html).toContain('$34.98');
    const retrieved = await stripe.checkout.sessions.retrieve(session.id);
    expect(retrieved).toMatchObject({
      amount_total: 3498,
      total_details: { amount_discount: 1000 },
      discounts: [{ coupon: coupon.id, promotion_code: code.id }],
    });
    const paid = await submitForm(session.url as string, {
      email: 'page@example.com',
      card_number: '4242 4242 4242 4242',
      card_expiry: '12 / 34',
      card_cvc: '123',
    });
    expect(paid.status).toBe(303);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect((await stripe.paymentIntents.retrieve(done.payment_intent as string)).amount).toBe(3498);
    expect((await stripe.promotionCodes.retrieve(code.id)).times_redeemed).toBe(1);

    const another = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: lineItems,
      allow_promotion_codes: true,
    });
    const exhausted = await submitForm(`${emulator.url}/checkout/${another.id}/promotion_code`, {
      promotion_code: 'WELCOME',
    });
    expect(exhausted.status).toBe(400);
    expect(await exhausted.text()).toContain('maximum number of times');
  });

  it('gives a subscription checkout’s subscription the discount, and its first invoice the reduced total', async () => {
    const coupon = await stripe.coupons.create({
      percent_off: 50,
      duration: 'repeating',
      duration_in_months: 3,
    });
    const code = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id } });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [
        {
          price_data: {
            currency: 'usd',
            unit_amount: 1500,
            recurring: { interval: 'month' },
            product_data: { name: 'Pro' },
          },
          quantity: 1,
        },
      ],
      discounts: [{ promotion_code: code.id }],
      success_url: 'https://shop.example/ok',
    });
    expect(session).toMatchObject({ amount_total: 750, total_details: { amount_discount: 750 } });
    const done = await completeCheckout(emulator, session.id, {
      card: '4242424242424242',
      email: 'sub@example.com',
    });
    expect(done.status).toBe(200);
    const subscription = await stripe.subscriptions.retrieve(done.body.subscription as string, {
      expand: ['discounts'],
    });
    expect(subscription.discounts[0]).toMatchObject({
      object: 'discount',
      promotion_code: code.id,
      checkout_session: session.id,
      source: { coupon: coupon.id, type: 'coupon' },
    });
    const invoice = await stripe.invoices.retrieve(done.body.invoice as string);
    expect(invoice).toMatchObject({ subtotal: 1500, total: 750, amount_paid: 750 });
    expect((await stripe.promotionCodes.retrieve(code.id)).times_redeemed).toBe(1);
  });
});
