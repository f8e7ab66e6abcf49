// The subscription and subscription item objects, their tables, items built from prices, current period lines.
import type { EmulatorContext } from '../core/context.js';
import { newId } from '../core/ids.js';
import type { StripeObject } from '../core/store.js';
import type { Price } from '../resources/price-object.js';
import { subscriptionLine, type LineDraft } from './invoices.js';
import { addIntervals } from './periods.js';

export type SubscriptionStatus =
  'incomplete' | 'incomplete_expired' | 'trialing' | 'active' | 'past_due' | 'canceled' | 'unpaid' | 'paused';

export interface SubscriptionItem extends StripeObject {
  object: 'subscription_item';
  created: number;
  current_period_start: number;
  current_period_end: number;
  metadata: Record<string, string>;
  price: Price;
  quantity: number;
  subscription: string;
  [key: string]: unknown;
}

export interface Subscription extends StripeObject {
  object: 'subscription';
  billing_cycle_anchor: number;
  cancel_at: number | null;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  cancellation_details: { comment: string | null; feedback: string | null; reason: string | null };
  created: number;
  currency: string;
  customer: string;
  default_payment_method: string | null;
  ended_at: number | null;
  items: { object: 'list'; data: SubscriptionItem[]; has_more: boolean; url: string; total_count?: number };
  latest_invoice: string | null;
  metadata: Record<string, string>;
  start_date: number;
  status: SubscriptionStatus;
  test_clock: string | null;
  trial_end: number | null;
  trial_start: number | null;
  trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' | 'pause' | 'cancel' } };
  [key: string]: unknown;
}

export function subscriptions(context: EmulatorContext) {
  return context.state.table<Subscription>('subscription');
}

export function subscriptionItemsTable(context: EmulatorContext) {
  return context.state.table<SubscriptionItem>('subscription_item');
}

/** The legacy `plan` view of a recurring price that subscription items still carry. */
export function planOf(price: Price): Record<string, unknown> {
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: String(price.unit_amount ?? 0),
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? 'month',
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata ?? {},
    meter: null,
    nickname: price.nickname ?? null,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}

export function buildSubscriptionItem(
  subscriptionId: string,
  price: Price,
  quantity: number,
  period: { start: number; end: number },
  now: number,
  metadata: Record<string, string> = {},
): SubscriptionItem {
  return {
    id: newId('si', 14),
    object: 'subscription_item',
    billing_thresholds: null,
    created: now,
    current_period_end: period.end,
    current_period_start: period.start,
    discounts: [],
    metadata,
    plan: planOf(price),
    price: structuredClone(price),
    quantity,
    subscription: subscriptionId,
    tax_rates: [],
  };
}

/** Moves the billing cycle anchor to `now`: every item starts a new period of the plan's interval now. */
export function restartBillingCycle(subscription: Subscription, now: number): void {
  const recurring = subscription.items.data[0]?.price.recurring;
  if (!recurring) return;
  subscription.billing_cycle_anchor = now;
  const end = addIntervals(now, recurring, 1);
  for (const item of subscription.items.data) {
    item.current_period_start = now;
    item.current_period_end = end;
  }
}

/**
 * One invoice line per licensed item, billing it in advance for its current period (metered items bill their usage
 * in arrears: billing/meter-usage.ts).
 */
export function currentPeriodLines(context: EmulatorContext, subscription: Subscription): LineDraft[] {
  const licensed = subscription.items.data.filter((item) => item.price.recurring?.usage_type !== 'metered');
  return licensed.map((item) =>
    subscriptionLine(
      context,
      item.price,
      item.quantity,
      { start: item.current_period_start, end: item.current_period_end },
      subscription.id,
      item.id,
    ),
  );
}
