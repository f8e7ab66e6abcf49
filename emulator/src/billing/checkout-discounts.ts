// A checkout session's discount: pricing the session with it, the code entered on the page, redeeming it at completion.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { lineItemsOf, settingsOf, type CheckoutSession } from './checkout-sessions.js';
import { coupons, redeemableCoupon, type DiscountRequest, type DiscountSource } from './discounts.js';
import { allocate, couponAmount } from './invoice-discounts.js';
import { findActivePromotionCode, redeemablePromotionCode } from './promotion-codes.js';
import { nowOn } from './time.js';

interface SessionDiscount {
  coupon: string | null;
  promotion_code: string | null;
}

function discountsOf(session: CheckoutSession): SessionDiscount[] {
  return (session.discounts as SessionDiscount[] | undefined) ?? [];
}

/**
 * Sets the session's one discount (or none) and reprices it: the coupon's amount on what is due now (one-time lines
 * only during a trial) is spread over those line items (`amount_discount`), and comes off `amount_total`
 * (`total_details.amount_discount`).
 */
export function applySessionDiscount(
  context: EmulatorContext,
  session: CheckoutSession,
  source: DiscountSource | null,
): void {
  session.discounts = source
    ? [{ coupon: source.coupon.id, promotion_code: source.promotionCode?.id ?? null }]
    : [];
  if (session.mode === 'setup') return;
  const settings = settingsOf(context, session.id);
  const trialing = settings.trialPeriodDays !== null || settings.trialEnd !== null;
  const lines = lineItemsOf(context, session.id);
  const due = lines.map((line) => (trialing && line.price.recurring ? 0 : line.amount_subtotal));
  const dueTotal = due.reduce((sum, amount) => sum + amount, 0);
  const amount = source ? couponAmount(source.coupon, dueTotal, session.currency ?? 'usd') : 0;
  const parts = allocate(amount, due);
  lines.forEach((line, index) => {
    line.amount_discount = parts[index] ?? 0;
    line.amount_total = line.amount_subtotal - (parts[index] ?? 0);
  });
  session.amount_total = dueTotal - amount;
  session.total_details = {
    ...(session.total_details ?? { amount_shipping: 0, amount_tax: 0 }),
    amount_discount: amount,
  };
}

/**
 * A code the customer typed on the hosted page (`allow_promotion_codes`): the active promotion code of that code,
 * checked against the session's customer and amount; Stripe's message otherwise.
 */
export function enterPromotionCode(context: EmulatorContext, session: CheckoutSession, code: string): void {
  if (session.allow_promotion_codes !== true) {
    throw invalidRequest('This Checkout Session does not accept promotion codes.', 'promotion_code');
  }
  const promotionCode = findActivePromotionCode(context, code);
  if (!promotionCode) throw invalidRequest('This code is invalid.', 'promotion_code');
  const source = redeemablePromotionCode(context, promotionCode.id, 'promotion_code', {
    customer: session.customer,
    amount: session.amount_subtotal ?? 0,
    currency: session.currency,
    now: nowOn(context, settingsOf(context, session.id).clock),
  });
  applySessionDiscount(context, session, source);
}

/** The session's discount checked again at completion (another checkout may have used the last redemption). */
export function sessionDiscountRequests(
  context: EmulatorContext,
  session: CheckoutSession,
  now: number,
): DiscountRequest[] {
  return discountsOf(session).map((entry): DiscountRequest => {
    if (entry.promotion_code) {
      return {
        source: redeemablePromotionCode(context, entry.promotion_code, 'discounts[0][promotion_code]', {
          customer: session.customer,
          amount: session.amount_subtotal ?? 0,
          currency: session.currency,
          now,
        }),
      };
    }
    const coupon = coupons(context).find(entry.coupon ?? '');
    if (!coupon) throw invalidRequest(`No such coupon: '${entry.coupon}'`, 'discounts[0][coupon]');
    return {
      source: {
        coupon: redeemableCoupon(context, coupon.id, 'discounts[0][coupon]', now),
        promotionCode: null,
      },
    };
  });
}

/** A payment-mode checkout redeems its discount when it is paid: the coupon and the code count one more use. */
export function countRedemptions(requests: DiscountRequest[]): void {
  for (const request of requests) {
    if (!('source' in request)) continue;
    request.source.coupon.times_redeemed += 1;
    if (request.source.promotionCode) request.source.promotionCode.times_redeemed += 1;
  }
}
