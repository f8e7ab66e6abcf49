// Stripe subscription object → our mirror's columns. The pinned API version keeps the current period on each
// item; older versions had it on the subscription, so both are read.
import type { StripeSubscription } from '../stripe/stripe-objects.js';
import type { SubscriptionInput, SubscriptionItemRow } from './subscriptions.repo.js';

const toDate = (seconds: number | null | undefined) =>
  seconds === null || seconds === undefined ? null : new Date(seconds * 1000);

export function subscriptionItemsOf(subscription: StripeSubscription): SubscriptionItemRow[] {
  return subscription.items.data.map((item) => ({
    stripe_subscription_item_id: item.id,
    stripe_price_id: item.price.id,
    stripe_product_id: typeof item.price.product === 'string' ? item.price.product : item.price.product.id,
    quantity: item.quantity ?? 1,
    current_period_start: toDate(item.current_period_start ?? subscription.current_period_start),
    current_period_end: toDate(item.current_period_end ?? subscription.current_period_end),
  }));
}

export function subscriptionInputOf(
  subscription: StripeSubscription,
  customerId: string | null,
): SubscriptionInput {
  const items = subscriptionItemsOf(subscription);
  const starts = items.map((item) => item.current_period_start?.getTime() ?? Infinity);
  const ends = items.map((item) => item.current_period_end?.getTime() ?? -Infinity);
  const start = Math.min(...starts);
  const end = Math.max(...ends);
  return {
    stripe_subscription_id: subscription.id,
    customer_id: customerId,
    stripe_customer_id:
      typeof subscription.customer === 'string' ? subscription.customer : subscription.customer.id,
    status: subscription.status,
    cancel_at_period_end: subscription.cancel_at_period_end,
    cancel_at: toDate(subscription.cancel_at),
    canceled_at: toDate(subscription.canceled_at),
    ended_at: toDate(subscription.ended_at),
    trial_start: toDate(subscription.trial_start),
    trial_end: toDate(subscription.trial_end),
    current_period_start: Number.isFinite(start)
      ? new Date(start)
      : toDate(subscription.current_period_start),
    current_period_end: Number.isFinite(end) ? new Date(end) : toDate(subscription.current_period_end),
    metadata: subscription.metadata ?? {},
    stripe_created: new Date(subscription.created * 1000),
  };
}
