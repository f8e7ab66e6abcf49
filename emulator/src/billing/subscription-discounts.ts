// A subscription's own discounts: replacing them (`discounts` on update) and removing them, with their events.
import type { EmulatorContext } from '../core/context.js';
import { discounts, redeemDiscounts, type Discount, type DiscountRequest } from './discounts.js';
import type { Subscription } from './subscriptions.js';
import { emitOn, nowOn, type ClockId } from './time.js';

/**
 * Gives the subscription exactly `requests` (in order): new coupons and promotion codes are redeemed
 * (`customer.discount.created`), discounts no longer listed end (`customer.discount.deleted`).
 */
export function replaceSubscriptionDiscounts(
  context: EmulatorContext,
  subscription: Subscription,
  requests: DiscountRequest[],
  clock: ClockId,
): void {
  const before = (subscription.discounts as string[] | undefined) ?? [];
  const redeemed = redeemDiscounts(
    context,
    requests,
    { customer: subscription.customer, subscription: subscription.id },
    nowOn(context, clock),
  );
  const kept = redeemed.discounts.map((discount) => discount.id);
  subscription.discounts = kept;
  for (const id of before) {
    const discount = discounts(context).find(id);
    if (discount && !kept.includes(id)) emitOn(context, clock, 'customer.discount.deleted', discount);
  }
  for (const discount of redeemed.created) emitOn(context, clock, 'customer.discount.created', discount);
}

/** `DELETE /v1/subscriptions/:id/discount`: the subscription's discounts end; answers the first, or null. */
export function removeSubscriptionDiscounts(
  context: EmulatorContext,
  subscription: Subscription,
  clock: ClockId,
): Discount | null {
  const ids = (subscription.discounts as string[] | undefined) ?? [];
  const removed = ids.map((id) => discounts(context).find(id)).filter((row) => row !== undefined);
  subscription.discounts = [];
  for (const discount of removed) emitOn(context, clock, 'customer.discount.deleted', discount);
  return removed[0] ?? null;
}
