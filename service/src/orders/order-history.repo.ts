// SQL of the order history reads: one order, a customer's orders a page at a time (newest first), their refunds.
import type { Queryable } from '../db/queryable.js';
import type { OrderRow } from './orders.repo.js';

export type OrderWithCustomer = OrderRow & { customer_external_id: string | null };

export interface RefundRow {
  id: string;
  order_id: string;
  amount: string;
  reason: string | null;
  status: 'creating' | 'pending' | 'succeeded' | 'failed' | 'canceled';
  request_key: string | null;
  stripe_refund_id: string | null;
  failure_reason: string | null;
  created_at: Date;
}

const SELECT_ORDER = `SELECT o.*, c.external_id AS customer_external_id
  FROM orders o LEFT JOIN customers c ON c.id = o.customer_id`;

export async function findOrder(db: Queryable, orderId: string): Promise<OrderWithCustomer | undefined> {
  const result = await db.query<OrderWithCustomer>(`${SELECT_ORDER} WHERE o.id = $1`, [orderId]);
  return result.rows[0];
}

export async function findOrderOfCheckoutSession(
  db: Queryable,
  stripeSessionId: string,
): Promise<OrderWithCustomer | undefined> {
  const result = await db.query<OrderWithCustomer>(
    `${SELECT_ORDER} WHERE o.stripe_checkout_session_id = $1`,
    [stripeSessionId],
  );
  return result.rows[0];
}

/** Whether `orderId` is an order of the customer (a cursor must be one). */
export async function isOrderOfCustomer(
  db: Queryable,
  customerId: string,
  orderId: string,
): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM orders WHERE id = $1 AND customer_id = $2', [
    orderId,
    customerId,
  ]);
  return result.rowCount === 1;
}

/** Newest first (by the checkout session's creation at Stripe); after `startingAfter` when given; `limit` rows (the caller asks for one more than it shows). */
export async function listOrdersOfCustomer(
  db: Queryable,
  customerId: string,
  page: { startingAfter: string | undefined; limit: number },
): Promise<OrderWithCustomer[]> {
  const result = await db.query<OrderWithCustomer>(
    `${SELECT_ORDER}
      WHERE o.customer_id = $1
        AND ($2::uuid IS NULL OR (coalesce(o.stripe_created, o.created_at), o.id) <
             (SELECT coalesce(stripe_created, created_at), id FROM orders WHERE id = $2))
      ORDER BY coalesce(o.stripe_created, o.created_at) DESC, o.id DESC
      LIMIT $3`,
    [customerId, page.startingAfter ?? null, page.limit],
  );
  return result.rows;
}

export async function listRefundsOfOrders(db: Queryable, orderIds: string[]): Promise<RefundRow[]> {
  const result = await db.query<RefundRow>(
    'SELECT * FROM order_refunds WHERE order_id = ANY($1::uuid[]) ORDER BY created_at, id',
    [orderIds],
  );
  return result.rows;
}
