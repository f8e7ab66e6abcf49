// Discounts on invoices: which discounts a new invoice inherits, the amounts they take off, and ending used ones.
import type { EmulatorContext } from '../core/context.js';
import { sideData, type StripeObject } from '../core/store.js';
import { couponOfDiscount, discounts, isDiscountRunning, type Coupon, type Discount } from './discounts.js';
import { emitOn, type ClockId } from './time.js';
import type { Invoice } from './invoices.js';

/** `once` discounts that already reduced an invoice: the next invoice goes without them, and they end then. */
const usedOnce = sideData('used_once_discounts', () => new Set<string>());

export interface DiscountAmount {
  amount: number;
  discount: string;
}

/**
 * What a coupon takes off `base` (the discountable amount left), in the smallest currency unit: `percent_off` of it
 * rounded half up, or `amount_off` (in the coupon's currency only) up to all of it.
 */
export function couponAmount(coupon: Coupon, base: number, currency: string): number {
  if (base <= 0) return 0;
  if (coupon.percent_off !== null) {
    // toFixed first: 1999 × 15 / 100 is 299.84999… in floating point, and Stripe rounds the exact 299.85.
    return Math.min(base, Math.round(Number(((base * coupon.percent_off) / 100).toFixed(6))));
  }
  if (coupon.amount_off !== null && coupon.currency === currency) return Math.min(base, coupon.amount_off);
  return 0;
}

/**
 * Splits `total` over `weights` in proportion to them, so the parts add up to `total` exactly: each gets the floor
 * of its share, and the units left over go to the largest remainders (the first line on a tie).
 */
export function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((acc, weight) => acc + weight, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const exact = weights.map((weight) => (total * weight) / sum);
  const parts = exact.map((share) => Math.floor(share));
  let left = total - parts.reduce((acc, part) => acc + part, 0);
  const order = exact
    .map((share, index) => ({ index, remainder: share - Math.floor(share) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    parts[index] = (parts[index] ?? 0) + 1;
    left -= 1;
  }
  return parts;
}

/**
 * Prices an invoice from its lines and `discounts` (ids, applied in order, each to what the earlier ones left):
 * every discount's amount is computed on the invoice's discountable subtotal and spread over the discountable lines
 * in proportion (`line.discount_amounts`), so lines and `total_discount_amounts` agree to the unit. Sets subtotal,
 * total, amount_due and amount_remaining.
 */
export function priceInvoice(context: EmulatorContext, invoice: Invoice): void {
  const lines = invoice.lines.data;
  const left = lines.map((line) => (line.discountable === true && line.amount > 0 ? line.amount : 0));
  for (const line of lines) line.discount_amounts = [];
  const totals: DiscountAmount[] = [];
  for (const id of invoice.discounts as string[]) {
    const discount = discounts(context).find(id);
    const coupon = discount ? couponOfDiscount(context, discount) : undefined;
    const base = left.reduce((acc, amount) => acc + amount, 0);
    const amount = coupon ? couponAmount(coupon, base, invoice.currency) : 0;
    const parts = allocate(amount, left);
    lines.forEach((line, index) => {
      if (line.discountable !== true) return;
      const part = parts[index] ?? 0;
      (line.discount_amounts as DiscountAmount[]).push({ amount: part, discount: id });
      left[index] = (left[index] ?? 0) - part;
    });
    totals.push({ amount, discount: id });
  }
  const subtotal = lines.reduce((acc, line) => acc + line.amount, 0);
  const total = subtotal - totals.reduce((acc, entry) => acc + entry.amount, 0);
  invoice.subtotal = subtotal;
  invoice.subtotal_excluding_tax = subtotal;
  invoice.total_discount_amounts = totals;
  invoice.total = total;
  invoice.total_excluding_tax = total;
  invoice.amount_due = Math.max(0, total);
  invoice.amount_remaining = Math.max(0, total - invoice.amount_paid);
  invoice.lines.total_count = lines.length;
}

/**
 * The discounts a new invoice inherits, as at Stripe: its subscription's when the subscription has any, else the
 * customer's; a discount whose `end` has passed no longer applies.
 */
export function inheritedDiscounts(
  context: EmulatorContext,
  customerId: string,
  subscriptionId: string | null,
  now: number,
): string[] {
  const running = (ids: string[]) =>
    ids.filter((id) => {
      const discount = discounts(context).find(id);
      return discount !== undefined && isDiscountRunning(discount, now) && !usedOnce(context).has(id);
    });
  if (subscriptionId) {
    const subscription = context.state.table('subscription').find(subscriptionId);
    const own = running((subscription?.discounts as string[] | undefined) ?? []);
    if (own.length > 0) return own;
  }
  const customer = context.state.table('customer').find(customerId);
  const customerDiscount = customer?.discount as Discount | null | undefined;
  return customerDiscount ? running([customerDiscount.id]) : [];
}

/**
 * After an invoice is created: a `once` discount that took something off it is marked used (it stays on its owner
 * until the next invoice, which it no longer reduces, ends it), a `once` discount used before and a repeating one
 * past its `end` are over. Either leaves its customer or subscription, with `customer.discount.deleted` and the owner's
 * `customer.subscription.updated` or `customer.updated`.
 */
export function retireUsedDiscounts(
  context: EmulatorContext,
  invoice: Invoice,
  now: number,
  clock: ClockId,
): void {
  const taken = new Map(
    (invoice.total_discount_amounts as DiscountAmount[]).map((entry) => [entry.discount, entry.amount]),
  );
  const owners = ownersOf(context, invoice);
  for (const owner of owners) {
    const field = owner.object === 'subscription' ? 'discounts' : 'discount';
    const before = structuredClone(owner[field]);
    for (const id of discountIdsOf(owner)) {
      const discount = discounts(context).find(id);
      if (!discount) continue;
      const once = couponOfDiscount(context, discount)?.duration === 'once';
      if (usedOnce(context).has(id) || !isDiscountRunning(discount, now)) {
        removeDiscountFrom(owner, id);
        usedOnce(context).delete(id);
        emitOn(context, clock, 'customer.discount.deleted', discount);
      } else if (once && (taken.get(id) ?? 0) > 0) {
        usedOnce(context).add(id);
      }
    }
    if (JSON.stringify(before) !== JSON.stringify(owner[field])) {
      const type = owner.object === 'subscription' ? 'customer.subscription.updated' : 'customer.updated';
      emitOn(context, clock, type, owner, { [field]: before });
    }
  }
}

function ownersOf(context: EmulatorContext, invoice: Invoice): StripeObject[] {
  const owners: StripeObject[] = [];
  const subscriptionId = invoice.parent?.subscription_details.subscription;
  const subscription = subscriptionId ? context.state.table('subscription').find(subscriptionId) : undefined;
  if (subscription) owners.push(subscription);
  const customer = context.state.table('customer').find(invoice.customer);
  if (customer) owners.push(customer);
  return owners;
}

function discountIdsOf(owner: StripeObject): string[] {
  if (owner.object === 'subscription') return [...((owner.discounts as string[] | undefined) ?? [])];
  const discount = owner.discount as Discount | null | undefined;
  return discount ? [discount.id] : [];
}

function removeDiscountFrom(owner: StripeObject, id: string): void {
  if (owner.object === 'subscription') {
    owner.discounts = ((owner.discounts as string[] | undefined) ?? []).filter((entry) => entry !== id);
  } else if ((owner.discount as Discount | null | undefined)?.id === id) {
    owner.discount = null;
  }
}
