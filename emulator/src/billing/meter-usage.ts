// Usage-based lines: what a subscription's metered items bill for a period, from their meters' aggregation.
import type { EmulatorContext } from '../core/context.js';
import { formatMoney } from '../core/money.js';
import type { LineDraft } from './invoices.js';
import { productName } from './line-item-prices.js';
import { aggregateUsage, meters } from './meters.js';
import type { Subscription, SubscriptionItem } from './subscriptions.js';

export function isMetered(item: Pick<SubscriptionItem, 'price'>): boolean {
  return item.price.recurring?.usage_type === 'metered';
}

/**
 * One line per metered item billing the period that just ended, in arrears: its quantity is the item's meter
 * aggregated (sum, count or last) over the customer's events with `period.start ≤ timestamp < period.end`, its
 * amount that quantity at the price's unit amount (`unit_amount_decimal` too), rounded half up to the unit.
 */
export function usageLines(
  context: EmulatorContext,
  subscription: Subscription,
  period: { start: number; end: number },
): LineDraft[] {
  return subscription.items.data.filter(isMetered).map((item) => {
    const meterId = item.price.recurring?.meter;
    const meter = meterId ? meters(context).find(meterId) : undefined;
    const usage = meter ? aggregateUsage(context, meter, subscription.customer, period.start, period.end) : 0;
    const unit = Number(item.price.unit_amount_decimal ?? item.price.unit_amount ?? 0);
    const amount = Math.round(Number((unit * usage).toFixed(6)));
    const unitText = formatMoney(unit, item.price.currency);
    return {
      amount,
      description: `${usage} × ${productName(context, item.price.product)} (at ${unitText} / ${item.price.recurring?.interval ?? 'month'})`,
      price: item.price,
      quantity: Math.round(usage),
      quantityDecimal: String(usage),
      period,
      subscription: subscription.id,
      subscriptionItem: item.id,
    };
  });
}
