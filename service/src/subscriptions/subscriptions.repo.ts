// SQL of the subscriptions mirror and of subscription change intents.
import type { Queryable } from '../db/queryable.js';

export interface SubscriptionItemRow {
  stripe_subscription_item_id: string;
  stripe_price_id: string;
  stripe_product_id: string;
  quantity: number;
  current_period_start: Date | null;
  current_period_end: Date | null;
}

export interface SubscriptionRow {
  id: string;
  stripe_subscription_id: string;
  customer_id: string | null;
  stripe_customer_id: string;
  status: string;
  cancel_at_period_end: boolean;
  cancel_at: Date | null;
  canceled_at: Date | null;
  ended_at: Date | null;
  trial_start: Date | null;
  trial_end: Date | null;
  current_period_start: Date | null;
  current_period_end: Date | null;
  metadata: Record<string, string>;
  stripe_created: Date;
  synced_at: Date;
}

export type SubscriptionInput = Omit<SubscriptionRow, 'id' | 'synced_at'>;

/** Statuses in which a customer holds (and pays for, or trials) the subscription's products. */
export const HELD_STATUSES = ['active', 'trialing', 'past_due'];

export async function upsertSubscription(db: Queryable, input: SubscriptionInput): Promise<SubscriptionRow> {
  const result = await db.query<SubscriptionRow>(
    `INSERT INTO subscriptions (stripe_subscription_id, customer_id, stripe_customer_id, status, cancel_at_period_end,
       cancel_at, canceled_at, ended_at, trial_start, trial_end, current_period_start, current_period_end, metadata,
       stripe_created)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (stripe_subscription_id) DO UPDATE SET customer_id = coalesce(EXCLUDED.customer_id, subscriptions.customer_id),
       status = EXCLUDED.status, cancel_at_period_end = EXCLUDED.cancel_at_period_end, cancel_at = EXCLUDED.cancel_at,
       canceled_at = EXCLUDED.canceled_at, ended_at = EXCLUDED.ended_at, trial_start = EXCLUDED.trial_start,
       trial_end = EXCLUDED.trial_end, current_period_start = EXCLUDED.current_period_start,
       current_period_end = EXCLUDED.current_period_end, metadata = EXCLUDED.metadata, synced_at = now()
     RETURNING *`,
    [
      input.stripe_subscription_id,
      input.customer_id,
      input.stripe_customer_id,
      input.status,
      input.cancel_at_period_end,
      input.cancel_at,
      input.canceled_at,
      input.ended_at,
      input.trial_start,
      input.trial_end,
      input.current_period_start,
      input.current_period_end,
      input.metadata,
      input.stripe_created,
    ],
  );
  return result.rows[0]!;
}

export async function replaceSubscriptionItems(
  db: Queryable,
  subscriptionId: string,
  items: SubscriptionItemRow[],
): Promise<void> {
  await db.query('DELETE FROM subscription_items WHERE subscription_id = $1', [subscriptionId]);
  if (items.length === 0) return;
  await db.query(
    `INSERT INTO subscription_items (stripe_subscription_item_id, subscription_id, stripe_price_id, stripe_product_id,
       quantity, current_period_start, current_period_end)
     SELECT item.id, $1, item.price, item.product, item.quantity, item.period_start, item.period_end
     FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[], $7::timestamptz[])
       AS item(id, price, product, quantity, period_start, period_end)
     ON CONFLICT (stripe_subscription_item_id) DO UPDATE SET subscription_id = EXCLUDED.subscription_id,
       stripe_price_id = EXCLUDED.stripe_price_id, stripe_product_id = EXCLUDED.stripe_product_id,
       quantity = EXCLUDED.quantity, current_period_start = EXCLUDED.current_period_start,
       current_period_end = EXCLUDED.current_period_end`,
    [
      subscriptionId,
      items.map((item) => item.stripe_subscription_item_id),
      items.map((item) => item.stripe_price_id),
      items.map((item) => item.stripe_product_id),
      items.map((item) => item.quantity),
      items.map((item) => item.current_period_start),
      items.map((item) => item.current_period_end),
    ],
  );
}

export async function findSubscriptionByStripeId(
  db: Queryable,
  stripeSubscriptionId: string,
): Promise<SubscriptionRow | undefined> {
  const result = await db.query<SubscriptionRow>(
    'SELECT * FROM subscriptions WHERE stripe_subscription_id = $1',
    [stripeSubscriptionId],
  );
  return result.rows[0];
}

export async function findCustomerExternalIdOfSubscription(
  db: Queryable,
  stripeSubscriptionId: string,
): Promise<string | undefined> {
  const result = await db.query<{ external_id: string }>(
    `SELECT c.external_id FROM subscriptions s JOIN customers c ON c.id = s.customer_id
      WHERE s.stripe_subscription_id = $1`,
    [stripeSubscriptionId],
  );
  return result.rows[0]?.external_id;
}

export async function listSubscriptionsOfCustomer(
  db: Queryable,
  customerId: string,
): Promise<SubscriptionRow[]> {
  const result = await db.query<SubscriptionRow>(
    'SELECT * FROM subscriptions WHERE customer_id = $1 ORDER BY stripe_created DESC, id',
    [customerId],
  );
  return result.rows;
}

export async function listItemsOfSubscriptions(
  db: Queryable,
  subscriptionIds: string[],
): Promise<Array<SubscriptionItemRow & { subscription_id: string }>> {
  const result = await db.query<SubscriptionItemRow & { subscription_id: string }>(
    'SELECT * FROM subscription_items WHERE subscription_id = ANY($1) ORDER BY stripe_subscription_item_id',
    [subscriptionIds],
  );
  return result.rows;
}

/** Products the customer holds a live subscription to, with the subscription holding each. */
export async function findHeldProducts(
  db: Queryable,
  customerId: string,
  productIds: string[],
): Promise<Array<{ stripe_product_id: string; stripe_subscription_id: string }>> {
  const result = await db.query<{ stripe_product_id: string; stripe_subscription_id: string }>(
    `SELECT items.stripe_product_id, subscriptions.stripe_subscription_id
     FROM subscriptions JOIN subscription_items items ON items.subscription_id = subscriptions.id
     WHERE subscriptions.customer_id = $1 AND subscriptions.status = ANY($2) AND items.stripe_product_id = ANY($3)`,
    [customerId, HELD_STATUSES, productIds],
  );
  return result.rows;
}
