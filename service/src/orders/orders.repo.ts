// SQL of one-time orders. Status ranks only ever rise (see migration 0202), so events applied in any order end
// in the same row.
import type { Queryable } from '../db/queryable.js';

export type OrderStatus = 'pending' | 'paid' | 'failed' | 'partially_refunded' | 'refunded';

export interface OrderRow {
  id: string;
  stripe_checkout_session_id: string;
  stripe_payment_intent_id: string | null;
  customer_id: string | null;
  stripe_customer_id: string | null;
  status: OrderStatus;
  currency: string;
  amount_total: string;
  amount_refunded: string;
  paid_at: Date | null;
  failed_at: Date | null;
  refunded_at: Date | null;
  stripe_created: Date | null;
  stripe_dispute_id: string | null;
  dispute_status: string | null;
  created_at: Date;
}

export interface OrderItemRow {
  stripe_line_item_id: string;
  stripe_price_id: string;
  stripe_product_id: string;
  description: string | null;
  quantity: number;
  currency: string;
  amount_total: number;
}

export interface OrderInput {
  stripeCheckoutSessionId: string;
  stripePaymentIntentId: string | null;
  customerId: string | null;
  stripeCustomerId: string | null;
  status: OrderStatus;
  currency: string;
  amountTotal: number;
  stripeCreated: Date;
}

// pending 0 < failed 1 = paid 1 < partially_refunded 2 < refunded 3: a row keeps the higher of the two.
const rank = (column: string) =>
  `CASE ${column} WHEN 'pending' THEN 0 WHEN 'failed' THEN 1 WHEN 'paid' THEN 1
     WHEN 'partially_refunded' THEN 2 ELSE 3 END`;

export async function upsertOrder(db: Queryable, input: OrderInput): Promise<OrderRow> {
  const result = await db.query<OrderRow>(
    `INSERT INTO orders (stripe_checkout_session_id, stripe_payment_intent_id, customer_id, stripe_customer_id,
                         status, currency, amount_total, stripe_created, paid_at, failed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
             CASE WHEN $5 = 'paid' THEN now() END, CASE WHEN $5 = 'failed' THEN now() END)
     ON CONFLICT (stripe_checkout_session_id) DO UPDATE SET
       stripe_payment_intent_id = coalesce(orders.stripe_payment_intent_id, excluded.stripe_payment_intent_id),
       customer_id = coalesce(orders.customer_id, excluded.customer_id),
       stripe_customer_id = coalesce(orders.stripe_customer_id, excluded.stripe_customer_id),
       status = CASE WHEN ${rank('excluded.status')} > ${rank('orders.status')}
                     THEN excluded.status ELSE orders.status END,
       stripe_created = coalesce(orders.stripe_created, excluded.stripe_created),
       paid_at = coalesce(orders.paid_at, excluded.paid_at),
       failed_at = coalesce(orders.failed_at, excluded.failed_at)
     RETURNING *`,
    [
      input.stripeCheckoutSessionId,
      input.stripePaymentIntentId,
      input.customerId,
      input.stripeCustomerId,
      input.status,
      input.currency,
      input.amountTotal,
      input.stripeCreated,
    ],
  );
  return result.rows[0] as OrderRow;
}

export async function replaceOrderItems(
  db: Queryable,
  orderId: string,
  items: OrderItemRow[],
): Promise<void> {
  await db.query('DELETE FROM order_items WHERE order_id = $1', [orderId]);
  for (const item of items) {
    await db.query(
      `INSERT INTO order_items (stripe_line_item_id, order_id, stripe_price_id, stripe_product_id, description,
                                quantity, currency, amount_total)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        item.stripe_line_item_id,
        orderId,
        item.stripe_price_id,
        item.stripe_product_id,
        item.description,
        item.quantity,
        item.currency,
        item.amount_total,
      ],
    );
  }
}

/** Serialises the events of one checkout session's order (so that its order.paid is announced once). */
export async function lockOrderOfSession(db: Queryable, stripeCheckoutSessionId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended('order:' || $1, 0))`, [
    stripeCheckoutSessionId,
  ]);
}

/**
 * Stripe's refunded amount is cumulative: keep the largest seen, and derive the status from it. Also returns
 * the amount refunded before (the row is locked first, so concurrent events see each other's result).
 */
export async function applyRefundedAmount(
  db: Queryable,
  stripePaymentIntentId: string,
  amountRefunded: number,
): Promise<(OrderRow & { previous_amount_refunded: string }) | undefined> {
  const result = await db.query<OrderRow & { previous_amount_refunded: string }>(
    `WITH previous AS (
       SELECT id, amount_refunded FROM orders WHERE stripe_payment_intent_id = $1 FOR UPDATE
     )
     UPDATE orders SET
       amount_refunded = greatest(orders.amount_refunded, $2),
       status = CASE WHEN greatest(orders.amount_refunded, $2) >= orders.amount_total THEN 'refunded'
                     WHEN greatest(orders.amount_refunded, $2) > 0 THEN 'partially_refunded'
                     ELSE orders.status END,
       refunded_at = CASE WHEN greatest(orders.amount_refunded, $2) > orders.amount_refunded THEN now()
                          ELSE orders.refunded_at END
     FROM previous WHERE orders.id = previous.id
     RETURNING orders.*, previous.amount_refunded AS previous_amount_refunded`,
    [stripePaymentIntentId, amountRefunded],
  );
  return result.rows[0];
}

export async function listItemsOfOrders(
  db: Queryable,
  orderIds: string[],
): Promise<Array<OrderItemRow & { order_id: string }>> {
  const result = await db.query<OrderItemRow & { order_id: string }>(
    `SELECT stripe_line_item_id, order_id, stripe_price_id, stripe_product_id, description, quantity, currency,
            amount_total::float8 AS amount_total
       FROM order_items WHERE order_id = ANY($1::uuid[]) ORDER BY stripe_line_item_id`,
    [orderIds],
  );
  return result.rows;
}

/** Dispute statuses after which Stripe's decision is final; an open one never overwrites them. */
const CLOSED_DISPUTE_STATUSES = ['won', 'lost', 'warning_closed'];

/** The dispute of the order paid by the payment intent; a closed dispute is never reopened by a late event. */
export async function applyDisputeStatus(
  db: Queryable,
  stripePaymentIntentId: string,
  dispute: { id: string; status: string },
): Promise<OrderRow | undefined> {
  const result = await db.query<OrderRow>(
    `UPDATE orders SET stripe_dispute_id = $2, dispute_status = $3
      WHERE stripe_payment_intent_id = $1
        AND NOT (stripe_dispute_id IS NOT DISTINCT FROM $2 AND coalesce(dispute_status = ANY($4::text[]), false)
                 AND NOT $3 = ANY($4::text[]))
     RETURNING *`,
    [stripePaymentIntentId, dispute.id, dispute.status, CLOSED_DISPUTE_STATUSES],
  );
  return result.rows[0];
}
