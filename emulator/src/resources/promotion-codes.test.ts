// Promotion codes and their restrictions, through the official SDK.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { eventMarker, eventTypesSince } from '../test-support/billing-events.js';
import { recurringPrice } from '../test-support/billing.js';
import { advanceGlobalClock } from '../test-support/checkout.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;
let price: Stripe.Price;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
  price = await recurringPrice(stripe, 2000, { currency: 'usd' });
});
afterAll(() => close());

async function payingCustomer(): Promise<Stripe.Customer> {
  return stripe.customers.create({
    email: 'promo@example.com',
    payment_method: 'pm_card_visa',
    invoice_settings: { default_payment_method: 'pm_card_visa' },
  });
}

function subscribeWith(customer: string, promotionCode: string) {
  return stripe.subscriptions.create({
    customer,
    items: [{ price: price.id }],
    discounts: [{ promotion_code: promotionCode }],
  });
}

const refusal = (error: Stripe.errors.StripeError) => error;

describe('promotion codes', () => {
  it('creates, retrieves, lists and updates a code, with its events; refuses an unknown parameter', async () => {
    const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'forever' });
    const marker = eventMarker(emulator);
    const created = await stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'Spring-10',
      metadata: { campaign: 'spring' },
    });
    expect(created).toMatchObject({
      object: 'promotion_code',
      active: true,
      code: 'Spring-10',
      promotion: { type: 'coupon', coupon: coupon.id },
      restrictions: { first_time_transaction: false, minimum_amount: null, minimum_amount_currency: null },
      times_redeemed: 0,
      max_redemptions: null,
    });
    expect(created.id).toMatch(/^promo_/);
    expect((await stripe.promotionCodes.retrieve(created.id)).code).toBe('Spring-10');
    const clash = await stripe.promotionCodes
      .create({ promotion: { type: 'coupon', coupon: coupon.id }, code: 'SPRING-10' })
      .catch(refusal);
    expect(clash).toMatchObject({ statusCode: 400, param: 'code' });
    const byCode = await stripe.promotionCodes.list({ code: 'spring-10' });
    expect(byCode.data.map((row) => row.id)).toEqual([created.id]);
    const inactive = await stripe.promotionCodes.update(created.id, { active: false });
    expect(inactive.active).toBe(false);
    expect((await stripe.promotionCodes.list({ active: true, coupon: coupon.id })).data).toEqual([]);
    expect(eventTypesSince(emulator, marker)).toEqual(['promotion_code.created', 'promotion_code.updated']);
    const unknown = await stripe.promotionCodes
      .create({
        promotion: { type: 'coupon', coupon: coupon.id },
        restrictions: { first_time: true },
      } as unknown as Stripe.PromotionCodeCreateParams)
      .catch(refusal);
    expect(unknown).toMatchObject({
      statusCode: 400,
      code: 'parameter_unknown',
      param: 'restrictions[first_time]',
    });
    // The Stripe CLI's promotion_code.created recipe names the coupon the way older API versions do.
    const legacy = await stripe.promotionCodes.create({
      coupon: coupon.id,
    } as unknown as Stripe.PromotionCodeCreateParams);
    expect(legacy.promotion).toEqual({ type: 'coupon', coupon: coupon.id });
    const customer = await payingCustomer();
    const refused = await subscribeWith(customer.id, created.id).catch(refusal);
    expect(refused).toMatchObject({ statusCode: 400, param: 'discounts[0][promotion_code]' });
  });

  it('refuses a code redeemed max_redemptions times, and counts redemptions', async () => {
    const coupon = await stripe.coupons.create({ percent_off: 50, duration: 'once' });
    const code = await stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      max_redemptions: 2,
    });
    expect(code.code).toMatch(/^[A-Z0-9]{8}$/);
    const first = await subscribeWith((await payingCustomer()).id, code.id);
    await subscribeWith((await payingCustomer()).id, code.id);
    expect((await stripe.promotionCodes.retrieve(code.id)).times_redeemed).toBe(2);
    expect((await stripe.coupons.retrieve(coupon.id)).times_redeemed).toBe(2);
    const third = await subscribeWith((await payingCustomer()).id, code.id).catch(refusal);
    expect(third).toMatchObject({ statusCode: 400, param: 'discounts[0][promotion_code]' });
    expect((third as Stripe.errors.StripeError).message).toContain('maximum number of times');
    expect((await stripe.promotionCodes.retrieve(code.id)).times_redeemed).toBe(2);
    const invoice = await stripe.invoices.retrieve(first.latest_invoice as string);
    expect(invoice).toMatchObject({ subtotal: 2000, total: 1000, amount_paid: 1000 });
    const tooMany = await stripe.promotionCodes
      .create({
        promotion: {
          type: 'coupon',
          coupon: (await stripe.coupons.create({ percent_off: 5, max_redemptions: 1 })).id,
        },
        max_redemptions: 2,
      })
      .catch(refusal);
    expect(tooMany).toMatchObject({ statusCode: 400, param: 'max_redemptions' });
  });

  it('checks expires_at, the customer, first_time_transaction and minimum_amount', async () => {
    const coupon = await stripe.coupons.create({ amount_off: 500, currency: 'usd', duration: 'forever' });
    const promotion = { type: 'coupon' as const, coupon: coupon.id };
    const expired = await stripe.promotionCodes.create({
      promotion,
      expires_at: emulator.context.clock.now() + 60,
    });
    const someone = await payingCustomer();
    const mine = await stripe.promotionCodes.create({ promotion, customer: someone.id });
    const firstTime = await stripe.promotionCodes.create({
      promotion,
      restrictions: { first_time_transaction: true },
    });
    const minimum = await stripe.promotionCodes.create({
      promotion,
      restrictions: { minimum_amount: 2500, minimum_amount_currency: 'usd' },
    });
    const other = await payingCustomer();
    await expect(subscribeWith(other.id, mine.id)).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('another customer'),
    });
    const owned = await subscribeWith(someone.id, mine.id);
    expect((await stripe.invoices.retrieve(owned.latest_invoice as string)).total).toBe(1500);
    // `someone` has paid an invoice now: no longer a first-time customer.
    await expect(subscribeWith(someone.id, firstTime.id)).rejects.toMatchObject({
      message: expect.stringContaining('first-time customers'),
    });
    await subscribeWith(other.id, firstTime.id);
    await expect(subscribeWith(other.id, minimum.id)).rejects.toMatchObject({
      message: expect.stringContaining('at least $25.00'),
    });
    await advanceGlobalClock(emulator, 120);
    await expect(subscribeWith(other.id, expired.id)).rejects.toMatchObject({
      message: expect.stringContaining('expired'),
    });
    const beforeRedeemBy = await stripe.promotionCodes
      .create({
        promotion: {
          type: 'coupon',
          coupon: (
            await stripe.coupons.create({ percent_off: 5, redeem_by: emulator.context.clock.now() + 60 })
          ).id,
        },
        expires_at: emulator.context.clock.now() + 3600,
      })
      .catch(refusal);
    expect(beforeRedeemBy).toMatchObject({ statusCode: 400, param: 'expires_at' });
  });
});
