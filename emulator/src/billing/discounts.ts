// Coupons and the discount a coupon gives a customer (customer.discount.* events).
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { StripeObject } from '../core/store.js';
import type { Customer } from '../resources/customer-object.js';
import { clockOfCustomer, emitOn, nowOn } from './time.js';

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
  customer: string | null;
  end: number | null;
  start: number;
  source: { coupon: string; type: 'coupon' };
  [key: string]: unknown;
}

export function coupons(context: EmulatorContext) {
  return context.state.table<Coupon>('coupon');
}

/** A coupon that can still be redeemed; Stripe answers a 400 on the param that names it otherwise. */
export function redeemableCoupon(context: EmulatorContext, id: string, param: string, now: number): Coupon {
  const coupon = coupons(context).find(id);
  if (!coupon) throw invalidRequest(`No such coupon: '${id}'`, param, 'resource_missing');
  const expired = coupon.redeem_by !== null && coupon.redeem_by < now;
  const exhausted = coupon.max_redemptions !== null && coupon.times_redeemed >= coupon.max_redemptions;
  if (!coupon.valid || expired || exhausted) {
    throw invalidRequest(`Coupon expired: ${id}`, param, 'coupon_expired');
  }
  return coupon;
}

function discountFor(coupon: Coupon, customerId: string, now: number): Discount {
  const months = coupon.duration === 'repeating' ? (coupon.duration_in_months ?? 0) : 0;
  return {
    id: newId('di'),
    object: 'discount',
    checkout_session: null,
    customer: customerId,
    customer_account: null,
    end: coupon.duration === 'repeating' ? now + months * 30 * 86_400 : null,
    invoice: null,
    invoice_item: null,
    promotion_code: null,
    source: { coupon: coupon.id, type: 'coupon' },
    start: now,
    subscription: null,
    subscription_item: null,
  };
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
  const current = customer.discount as Discount | null;
  if (couponId === null) {
    if (!current) return;
    customer.discount = null;
    emitOn(context, clock, 'customer.discount.deleted', current);
    return;
  }
  if (current?.source.coupon === couponId) return;
  const coupon = redeemableCoupon(context, couponId, 'coupon', now);
  coupon.times_redeemed += 1;
  const discount = discountFor(coupon, customer.id, now);
  customer.discount = discount;
  if (current) emitOn(context, clock, 'customer.discount.updated', discount, { source: current.source });
  else emitOn(context, clock, 'customer.discount.created', discount);
}
