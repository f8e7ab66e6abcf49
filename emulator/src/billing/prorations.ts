// Prorations: pending invoice items that credit unused time and charge the new plan for the rest of a period.
import type { EmulatorContext } from '../core/context.js';
import { newId } from '../core/ids.js';
import type { StripeObject } from '../core/store.js';
import { findPrice, productName } from './line-item-prices.js';
import type { Price } from '../resources/price-object.js';
import type { LineDraft } from './invoices.js';
import { remainingShare } from './periods.js';
import type { Subscription } from './subscriptions.js';
import { emitOn, nowOn, type ClockId } from './time.js';

export interface InvoiceItem extends StripeObject {
  object: 'invoiceitem';
  amount: number;
  customer: string;
  invoice: string | null;
  proration: boolean;
  period: { start: number; end: number };
  /** Null for a standalone item (`POST /v1/invoiceitems` without a subscription). */
  parent: {
    type: 'subscription_details';
    subscription_details: { subscription: string; subscription_item: string | null };
  } | null;
  pricing: {
    type: 'price_details';
    price_details: { price: string; product: string };
    unit_amount_decimal: string | null;
  };
  quantity: number;
  description: string;
  [key: string]: unknown;
}

export function invoiceItems(context: EmulatorContext) {
  return context.state.table<InvoiceItem>('invoiceitem');
}

/** One side of a plan change on one item: what is credited (old) or charged (new) for the rest of the period. */
export interface ProrationSide {
  price: Price;
  quantity: number;
  subscriptionItem: string;
  /** -1 credits unused time on the old plan, +1 charges remaining time on the new one. */
  sign: -1 | 1;
}

/**
 * Stripe's proration for the rest of the current period, to the second: amount × (period end − proration date) /
 * (period end − period start), rounded to the smallest currency unit, once per side of the change.
 */
export function prorationLine(
  context: EmulatorContext,
  subscription: Subscription,
  side: ProrationSide,
  period: { start: number; end: number },
  moment: number,
): LineDraft {
  const share = remainingShare(period.start, period.end, moment);
  const amount = side.sign * Math.round((side.price.unit_amount ?? 0) * side.quantity * share);
  const name = productName(context, side.price.product);
  const label = side.quantity === 1 ? name : `${side.quantity} × ${name}`;
  const date = new Date(moment * 1000).toUTCString().slice(5, 16);
  return {
    amount,
    description: `${side.sign < 0 ? 'Unused' : 'Remaining'} time on ${label} after ${date}`,
    price: side.price,
    quantity: side.quantity,
    period: { start: moment, end: period.end },
    subscription: subscription.id,
    subscriptionItem: side.subscriptionItem,
    proration: true,
  };
}

/**
 * Credits the unused rest of each item's current period as pending invoice items (billed by the next invoice), as a
 * prorated cancellation does. A trial was never paid for, so it credits nothing.
 */
export function creditUnusedTime(context: EmulatorContext, subscription: Subscription, clock: ClockId): void {
  if (subscription.status === 'trialing') return;
  const now = nowOn(context, clock);
  const credits = subscription.items.data.map((item) =>
    prorationLine(
      context,
      subscription,
      { price: item.price, quantity: item.quantity, subscriptionItem: item.id, sign: -1 },
      { start: item.current_period_start, end: item.current_period_end },
      now,
    ),
  );
  createPendingInvoiceItems(
    context,
    subscription,
    credits.filter((line) => line.amount !== 0),
    clock,
    now,
  );
}

/** Stores proration lines as pending invoice items, billed with the subscription's next invoice. */
export function createPendingInvoiceItems(
  context: EmulatorContext,
  subscription: Subscription,
  lines: LineDraft[],
  clock: ClockId,
  now: number,
): LineDraft[] {
  return lines.map((line) => {
    const item: InvoiceItem = {
      id: newId('ii'),
      object: 'invoiceitem',
      amount: line.amount,
      currency: subscription.currency,
      customer: subscription.customer,
      customer_account: null,
      date: now,
      description: line.description,
      discountable: false,
      discounts: [],
      invoice: null,
      livemode: false,
      metadata: {},
      net_amount: line.amount,
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: subscription.id, subscription_item: line.subscriptionItem },
      },
      period: line.period,
      pricing: {
        type: 'price_details',
        price_details: { price: line.price.id, product: line.price.product },
        unit_amount_decimal: String(line.price.unit_amount ?? 0),
      },
      proration: true,
      proration_details: { credited_items: null },
      quantity: line.quantity,
      quantity_decimal: String(line.quantity),
      tax_rates: [],
      test_clock: clock,
    };
    invoiceItems(context).insert(item);
    emitOn(context, clock, 'invoiceitem.created', item);
    return { ...line, invoiceItem: item.id };
  });
}

/** The subscription's pending invoice items as lines of its next invoice (the invoice links them back). */
export function takePendingInvoiceItems(context: EmulatorContext, subscription: Subscription): LineDraft[] {
  return pendingInvoiceItemsOf(context, subscription.id).map((item) => ({
    amount: item.amount,
    description: item.description,
    // A price deleted since (the Dashboard's deletion) leaves the line only its id and product to show.
    price:
      findPrice(context, item.pricing.price_details.price) ??
      ({
        id: item.pricing.price_details.price,
        product: item.pricing.price_details.product,
      } as Price),
    quantity: item.quantity,
    period: item.period,
    subscription: subscription.id,
    subscriptionItem: item.parent?.subscription_details.subscription_item ?? null,
    invoiceItem: item.id,
    proration: item.proration,
  }));
}

export function pendingInvoiceItemsOf(context: EmulatorContext, subscriptionId: string): InvoiceItem[] {
  return invoiceItems(context)
    .list(
      (item) => item.invoice === null && item.parent?.subscription_details.subscription === subscriptionId,
    )
    .reverse();
}
