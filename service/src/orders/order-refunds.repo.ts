// SQL of order refunds: the intent row written under the order's row lock, what it reserves of the order, and
// refunds as Stripe reports them on the charge (ours, matched by their billing_refund_id, or made elsewhere).
import type { Queryable } from '../db/queryable.js';
import type { RefundRow } from './order-history.repo.js';
import type { OrderRow } from './orders.repo.js';

export type RefundStatus = RefundRow['status'];

/** A "creating" refund older than this is abandoned: Stripe forgets idempotency keys after 24 hours. */
export const RESUMABLE_HOURS = 20;

/** Locks the order row until the transaction ends: refunds of one order are decided one at a time. */
export async function lockOrder(db: Queryable, orderId: string): Promise<OrderRow | undefined> {
  const result = await db.query<OrderRow>('SELECT * FROM orders WHERE id = $1 FOR UPDATE', [orderId]);
  return result.rows[0];
}

export async function findRefundOfRequest(
  db: Queryable,
  orderId: string,
  requestKey: string,
): Promise<RefundRow | undefined> {
  const result = await db.query<RefundRow>(
    'SELECT * FROM order_refunds WHERE order_id = $1 AND request_key = $2',
    [orderId, requestKey],
  );
  return result.rows[0];
}

/** What the order's refunds hold already: succeeded, pending, and intents still being created. */
export async function sumReservedRefunds(db: Queryable, orderId: string): Promise<number> {
  const result = await db.query<{ reserved: string }>(
    `SELECT coalesce(sum(amount), 0) AS reserved FROM order_refunds
      WHERE order_id = $1
        AND (status IN ('pending', 'succeeded')
             OR (status = 'creating' AND created_at > now() - make_interval(hours => $2::int)))`,
    [orderId, RESUMABLE_HOURS],
  );
  return Number(result.rows[0]?.reserved ?? 0);
}

export async function insertRefund(
  db: Queryable,
  refund: { orderId: string; amount: number; reason: string | null; requestKey: string | null },
): Promise<RefundRow> {
  const result = await db.query<RefundRow>(
    `INSERT INTO order_refunds (order_id, amount, reason, status, request_key)
     VALUES ($1, $2, $3, 'creating', $4) RETURNING *`,
    [refund.orderId, refund.amount, refund.reason, refund.requestKey],
  );
  return result.rows[0] as RefundRow;
}

export async function markRefundFailed(db: Queryable, refundId: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE order_refunds SET status = 'failed', failure_reason = $2 WHERE id = $1 AND status = 'creating'`,
    [refundId, reason],
  );
}

export interface StripeRefundState {
  stripeRefundId: string;
  amount: number;
  reason: string | null;
  status: RefundStatus;
  failureReason: string | null;
}

/** Our intent `refundId` became Stripe's refund: link it and take Stripe's status. */
export async function linkStripeRefund(
  db: Queryable,
  refund: { id: string; orderId: string },
  state: StripeRefundState,
): Promise<RefundRow | undefined> {
  const result = await db.query<RefundRow>(
    `UPDATE order_refunds SET stripe_refund_id = $3, status = $4, failure_reason = $5
      WHERE id = $1 AND order_id = $2 RETURNING *`,
    [refund.id, refund.orderId, state.stripeRefundId, state.status, state.failureReason],
  );
  return result.rows[0];
}

/** A refund Stripe reports on the order's charge that is not one of our intents (made in the dashboard). */
export async function upsertStripeRefund(
  db: Queryable,
  orderId: string,
  state: StripeRefundState,
): Promise<void> {
  await db.query(
    `INSERT INTO order_refunds (order_id, amount, reason, status, stripe_refund_id, failure_reason)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (stripe_refund_id) DO UPDATE SET status = excluded.status, failure_reason = excluded.failure_reason`,
    [orderId, state.amount, state.reason, state.status, state.stripeRefundId, state.failureReason],
  );
}
