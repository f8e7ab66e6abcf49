// Coupons and discounts: redeeming a coupon (or promotion code) into a discount on a customer, subscription or invoice.
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { sideData, type StripeObject } from '../core/store.js';
import type { Customer } from '../resources/customer-object.js';
import { addIntervals } from './periods.js';
import type { PromotionCode } from './promotion-codes.js';
import { clockOfCustomer, emitOn, nowOn, type ClockId } from './time.js';

export interface Coupon extends StripeObject {
  object: 'coupon';
  amount_off: number | null;
  currency: string | null;
  duration: 'once' | 'repeating' | 'forever';
  duration_in_months: number | null;
  max_redemptions: number | null;
  metadata: Record<string, string>;
  name: string | null;
  percent_off: number | null;
  redeem_by: number | null;
  times_redeemed: number;
  valid: boolean;
  [key: string]: unknown;
}

export interface Discount extends StripeObject {
  object: 'discount';
  checkout_session: string | null;
  customer: string | null;
  end: number | null;
  invoice: string | null;
  promotion_code: string | null;
  start: number;
  subscription: string | null;
  source: { coupon: string; type: 'coupon' };
  [key: string]: unknown;
}

/** What a discount is made from: a coupon, redeemed directly or through one of its promotion codes. */
export interface DiscountSource {
  coupon: Coupon;
  promotionCode: PromotionCode | null;
}

/** One entry of a `discounts` param: a coupon or promotion code to redeem, or a discount the customer already has. */
export type DiscountRequest = { source: DiscountSource } | { existing: Discount };

/** Where a discount sits: a customer's or a subscription's discount applies to each of its invoices. */
export interface DiscountOwner {
  customer: string | null;
  subscription?: string | null;
  invoice?: string | null;
  checkoutSession?: string | null;
}

/** The coupon each discount was made from, as it was then: a coupon deleted since keeps its discounts running. */
const couponsOfDiscounts = sideData('discount_coupons', () => new Map<string, Coupon>());

export function coupons(context: EmulatorContext) {
  return context.state.table<Coupon>('coupon');
}

export function discounts(context: EmulatorContext) {
  return context.state.table<Discount>('discount');
}

export function couponOfDiscount(context: EmulatorContext, discount: Discount): Coupon | undefined {
  return couponsOfDiscounts(context).get(discount.id) ?? coupons(context).find(discount.source.coupon);
}

/** A coupon that can still be redeemed; Stripe answers a 400 on the param that names it otherwise. */
export function redeemableCoupon(context: EmulatorContext, id: string, param: string, now: number): Coupon {
  const coupon = coupons(context).find(id);
  if (!coupon) throw invalidRequest(`No such coupon: '${id}'`, param, 'resource_missing');
  assertCouponRedeemable(coupon, param, now);
  return coupon;
}

export function assertCouponRedeemable(coupon: Coupon, param: string, now: number): void {
  const expired = coupon.redeem_by !== null && coupon.redeem_by < now;
  const exhausted = coupon.max_redemptions !== null && coupon.times_redeemed >= coupon.max_redemptions;
  if (!coupon.valid || expired || exhausted) {
    throw invalidRequest(`Coupon expired: ${coupon.id}`, param, 'coupon_expired');
  }
}

/**
 * Redeems a coupon (and its promotion code): counts the redemption on both and stores the discount. A repeating
 * coupon's discount ends `duration_in_months` calendar months after it starts; once and forever have no end.
 */
export function createDiscount(
  context: EmulatorContext,
  source: DiscountSource,
  owner: DiscountOwner,
  now: number,
): Discount {
  const { coupon, promotionCode } = source;
  coupon.times_redeemed += 1;
  if (promotionCode) promotionCode.times_redeemed += 1;
  const discount: Discount = {
    id: newId('di'),
    object: 'discount',
    checkout_session: owner.checkoutSession ?? null,
    customer: owner.customer,
    customer_account: null,
    end:
      coupon.duration === 'repeating'
        ? addIntervals(now, { interval: 'month', interval_count: 1 }, coupon.duration_in_months ?? 0)
        : null,
    invoice: owner.invoice ?? null,
    invoice_item: null,
    promotion_code: promotionCode?.id ?? null,
    source: { coupon: coupon.id, type: 'coupon' },
    start: now,
    subscription: owner.subscription ?? null,
    subscription_item: null,
  };
  discounts(context).insert(discount);
  couponsOfDiscounts(context).set(discount.id, structuredClone(coupon));
  return discount;
}

/** Whether a discount still applies at `now` (a repeating one stops at its `end`). */
export function isDiscountRunning(discount: Discount, now: number): boolean {
  return discount.end === null || now < discount.end;
}

/**
 * Sets (a coupon id), replaces or removes (null) the customer's discount: `customer.discount.created`, `updated`
 * or `deleted`. The caller's `customer.updated` carries the new `discount` too.
 */
export function applyCustomerCoupon(
  context: EmulatorContext,
  customer: Customer,
  couponId: string | null,
): void {
  const clock = clockOfCustomer(context, customer.id);
  const now = nowOn(context, clock);
  if (couponId === null) {
    removeCustomerDiscount(context, customer, clock);
    return;
  }
  const current = customer.discount as Discount | null;
  if (current?.source.coupon === couponId) return;
  const coupon = redeemableCoupon(context, couponId, 'coupon', now);
  setCustomerDiscount(context, customer, { coupon, promotionCode: null }, clock);
}

/** Gives the customer a discount from `source`, replacing any it had. */
export function setCustomerDiscount(
  context: EmulatorContext,
  customer: Customer,
  source: DiscountSource,
  clock: ClockId,
): Discount {
  const current = customer.discount as Discount | null;
  const discount = createDiscount(context, source, { customer: customer.id }, nowOn(context, clock));
  customer.discount = discount;
  if (current) emitOn(context, clock, 'customer.discount.updated', discount, { source: current.source });
  else emitOn(context, clock, 'customer.discount.created', discount);
  return discount;
}

/** Removes the customer's discount (`DELETE /v1/customers/:id/discount`, or a once coupon used up). */
export function removeCustomerDiscount(
  context: EmulatorContext,
  customer: Customer,
  clock: ClockId,
): Discount | null {
  const current = customer.discount as Discount | null;
  if (!current) return null;
  customer.discount = null;
  emitOn(context, clock, 'customer.discount.deleted', current);
  return current;
}

/** Redeems each request for `owner` (existing discounts are reused): the discounts, in order, and which are new. */
export function redeemDiscounts(
  context: EmulatorContext,
  requests: DiscountRequest[],
  owner: DiscountOwner,
  now: number,
): { discounts: Discount[]; created: Discount[] } {
  const created: Discount[] = [];
  const all = requests.map((request) => {
    if ('existing' in request) return request.existing;
    const discount = createDiscount(context, request.source, owner, now);
    created.push(discount);
    return discount;
  });
  return { discounts: all, created };
}
