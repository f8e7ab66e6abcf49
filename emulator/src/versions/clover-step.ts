// API version 2025-09-30.clover undone: a promotion code's `coupon` and a discount's `coupon`, both auto-expanded.
import type { VersionStep } from './version-step.js';

/**
 * Clover moved a promotion code's `coupon` to `promotion.coupon` (an id, no longer expanded) and replaced a
 * discount's expanded `coupon` with `source: { type, coupon }`. Versions before it carry the coupon object itself.
 */
export const cloverStep: VersionStep = {
  version: '2025-09-30.clover',
  downgrade(object, lookup) {
    if (object.object === 'promotion_code') {
      const { promotion, ...rest } = object as { promotion?: { coupon?: unknown } };
      return { ...rest, coupon: expandedCoupon(promotion?.coupon, lookup) };
    }
    if (object.object === 'discount') {
      const { source, ...rest } = object as { source?: { coupon?: unknown } };
      return { ...rest, coupon: expandedCoupon(source?.coupon, lookup) };
    }
    return object;
  },
};

function expandedCoupon(coupon: unknown, lookup: Parameters<VersionStep['downgrade']>[1]): unknown {
  if (typeof coupon !== 'string') return coupon ?? null;
  const found = lookup('coupon', coupon);
  return found ? structuredClone(found) : { id: coupon, object: 'coupon' };
}
