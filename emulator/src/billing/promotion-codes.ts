// Promotion codes: customer-facing codes for a coupon, and the checks Stripe makes before one is redeemed.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { formatMoney } from '../core/money.js';
import type { StripeObject } from '../core/store.js';
import { assertCouponRedeemable, coupons, type DiscountSource } from './discounts.js';

export interface PromotionCode extends StripeObject {
  object: 'promotion_code';
  active: boolean;
  code: string;
  created: number;
  customer: string | null;
  expires_at: number | null;
  max_redemptions: number | null;
  metadata: Record<string, string>;
  promotion: { coupon: string; type: 'coupon' };
  restrictions: {
    currency_options: Record<string, { minimum_amount: number }>;
    first_time_transaction: boolean;
    minimum_amount: number | null;
    minimum_amount_currency: string | null;
  };
  times_redeemed: number;
  [key: string]: unknown;
}

export function promotionCodes(context: EmulatorContext) {
  return context.state.table<PromotionCode>('promotion_code');
}

/** The active promotion code with this code (codes compare case-insensitively, as at Stripe). */
export function findActivePromotionCode(context: EmulatorContext, code: string): PromotionCode | undefined {
  const wanted = code.trim().toLowerCase();
  return promotionCodes(context).list((row) => row.active && row.code.toLowerCase() === wanted)[0];
}

/** Who redeems a code and for how much: the restrictions are checked against these. */
export interface Redemption {
  customer: string | null;
  /** The amount before discounts, in `currency`; undefined where it is not known yet (a subscription update). */
  amount?: number;
  currency?: string | null;
  now: number;
}

/**
 * A promotion code (by id) that `redemption` may redeem, with its coupon; Stripe's 400 on `param` otherwise: inactive,
 * expired, redeemed `max_redemptions` times, for another customer, for first-time customers only, or under the
 * minimum amount. The coupon must be redeemable too.
 */
export function redeemablePromotionCode(
  context: EmulatorContext,
  id: string,
  param: string,
  redemption: Redemption,
): DiscountSource {
  const promotionCode = promotionCodes(context).find(id);
  if (!promotionCode) throw invalidRequest(`No such promotion code: '${id}'`, param, 'resource_missing');
  const refuse = (reason: string) =>
    invalidRequest(`This promotion code cannot be redeemed: ${reason}.`, param);
  if (!promotionCode.active) throw refuse('it is inactive');
  if (promotionCode.expires_at !== null && promotionCode.expires_at <= redemption.now)
    throw refuse('it has expired');
  if (promotionCode.max_redemptions !== null && promotionCode.times_redeemed >= promotionCode.max_redemptions)
    throw refuse(`it has been redeemed the maximum number of times (${promotionCode.max_redemptions})`);
  if (promotionCode.customer !== null && promotionCode.customer !== redemption.customer)
    throw refuse('it is restricted to another customer');
  const restrictions = promotionCode.restrictions;
  if (restrictions.first_time_transaction && hasPaidBefore(context, redemption.customer))
    throw refuse('it is for first-time customers only');
  const minimum = minimumAmountIn(promotionCode, redemption.currency ?? null);
  if (minimum && redemption.amount !== undefined && redemption.amount < minimum.amount) {
    throw refuse(`the order must be at least ${formatMoney(minimum.amount, minimum.currency)}`);
  }
  const coupon = coupons(context).find(promotionCode.promotion.coupon);
  if (!coupon) throw refuse('its coupon was deleted');
  assertCouponRedeemable(coupon, param, redemption.now);
  return { coupon, promotionCode };
}

function minimumAmountIn(
  promotionCode: PromotionCode,
  currency: string | null,
): { amount: number; currency: string } | undefined {
  const restrictions = promotionCode.restrictions;
  if (currency && restrictions.currency_options[currency])
    return { amount: restrictions.currency_options[currency].minimum_amount, currency };
  if (restrictions.minimum_amount !== null && restrictions.minimum_amount_currency)
    return { amount: restrictions.minimum_amount, currency: restrictions.minimum_amount_currency };
  return undefined;
}

/** "Customers without any successful payments or invoices", in Stripe's words. */
function hasPaidBefore(context: EmulatorContext, customerId: string | null): boolean {
  if (!customerId) return false;
  const paidInvoice = context.state
    .table('invoice')
    .list((row) => row.customer === customerId && row.status === 'paid' && (row.amount_paid as number) > 0);
  if (paidInvoice.length > 0) return true;
  return (
    context.state.table('charge').list((row) => row.customer === customerId && row.status === 'succeeded')
      .length > 0
  );
}
