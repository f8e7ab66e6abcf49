// Which outgoing event a subscription sync is (created, canceled, updated, or none), and what it carries.
import type { OutboxEventType } from '../outbox/outbox.service.js';
import type { SubscriptionItemRow, SubscriptionRow } from './subscriptions.repo.js';

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** The fields a receiver acts on; a sync that changes none of them (a refetch of the same state) is no event. */
function visibleState(row: SubscriptionRow) {
  return [
    row.status,
    row.cancel_at_period_end,
    iso(row.cancel_at),
    iso(row.canceled_at),
    iso(row.trial_end),
    iso(row.current_period_end),
  ];
}

export function subscriptionEventType(
  previous: SubscriptionRow | undefined,
  current: SubscriptionRow,
  itemsChanged: boolean,
): OutboxEventType | undefined {
  if (previous === undefined) return 'subscription.created';
  if (current.status === 'canceled' && previous.status !== 'canceled') return 'subscription.canceled';
  if (itemsChanged || JSON.stringify(visibleState(previous)) !== JSON.stringify(visibleState(current))) {
    return 'subscription.updated';
  }
  return undefined;
}

export function subscriptionEventData(row: SubscriptionRow, items: SubscriptionItemRow[]) {
  return {
    subscription: {
      id: row.stripe_subscription_id,
      status: row.status,
      cancel_at_period_end: row.cancel_at_period_end,
      cancel_at: iso(row.cancel_at),
      canceled_at: iso(row.canceled_at),
      trial_end: iso(row.trial_end),
      current_period_end: iso(row.current_period_end),
      items: items.map((item) => ({
        price: item.stripe_price_id,
        product: item.stripe_product_id,
        quantity: item.quantity,
      })),
    },
  };
}
