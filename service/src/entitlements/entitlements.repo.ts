// SQL of derived entitlements. The recompute reads the subscriptions mirror, orders and the catalog's features
// in one statement inside the caller's transaction (read-only, so that it sees the event's own uncommitted
// writes), and announces the change with NOTIFY, delivered to readers only if the transaction commits.
import type { Queryable } from '../db/queryable.js';

export const ENTITLEMENTS_CHANNEL = 'entitlements_changed';

export interface EntitlementRow {
  feature: string;
  source_kind: 'subscription' | 'order';
  source_id: string;
  expires_at: Date | null;
}

export async function recomputeEntitlements(
  db: Queryable,
  customerId: string,
  pastDueGraceHours: number,
): Promise<void> {
  await db.query('DELETE FROM entitlements WHERE customer_id = $1', [customerId]);
  await db.query(
    `INSERT INTO entitlements (customer_id, feature, source_kind, source_id, expires_at)
     SELECT DISTINCT $1::uuid, feature, source_kind, source_id, expires_at FROM (
       SELECT feature, 'subscription' AS source_kind, s.stripe_subscription_id AS source_id,
              CASE WHEN s.status = 'past_due'
                     THEN s.current_period_end + make_interval(hours => $2::int)
                   WHEN s.cancel_at_period_end OR s.cancel_at IS NOT NULL
                     THEN coalesce(s.cancel_at, s.current_period_end)
              END AS expires_at
         FROM subscriptions s
         JOIN subscription_items i ON i.subscription_id = s.id
         JOIN products p ON p.id = i.stripe_product_id
         CROSS JOIN LATERAL unnest(p.features) AS f (feature)
        WHERE s.customer_id = $1
          AND (s.status IN ('active', 'trialing')
               OR (s.status = 'past_due' AND s.current_period_end + make_interval(hours => $2::int) > now()))
       UNION ALL
       SELECT feature, 'order', o.id::text, NULL
         FROM orders o
         JOIN order_items oi ON oi.order_id = o.id
         JOIN products p ON p.id = oi.stripe_product_id
         CROSS JOIN LATERAL unnest(p.features) AS f (feature)
        WHERE o.customer_id = $1 AND o.status IN ('paid', 'partially_refunded')
          -- A dispute suspends what the order granted until it is won (lost: never again).
          AND (o.dispute_status IS NULL OR o.dispute_status IN ('won', 'warning_closed'))
     ) AS sources`,
    [customerId, pastDueGraceHours],
  );
  await db.query(`SELECT pg_notify('${ENTITLEMENTS_CHANNEL}', external_id) FROM customers WHERE id = $1`, [
    customerId,
  ]);
}

/**
 * Customers who hold a product through a subscription or a paid order (for a product's feature change), in id
 * order: a transaction that recomputes several customers locks them in this one order, so two of them (two
 * products' events with holders in common) never wait on each other in a cycle.
 */
export async function listCustomersHoldingProduct(db: Queryable, productId: string): Promise<string[]> {
  const result = await db.query<{ customer_id: string }>(
    `SELECT customer_id FROM (
       SELECT s.customer_id FROM subscriptions s JOIN subscription_items i ON i.subscription_id = s.id
        WHERE i.stripe_product_id = $1 AND s.customer_id IS NOT NULL
       UNION
       SELECT o.customer_id FROM orders o JOIN order_items oi ON oi.order_id = o.id
        WHERE oi.stripe_product_id = $1 AND o.customer_id IS NOT NULL
     ) AS holders ORDER BY customer_id`,
    [productId],
  );
  return result.rows.map((row) => row.customer_id);
}

/** undefined: no such (live) customer; otherwise their entitlement rows (possibly none). */
export async function findEntitlementsOfExternalId(
  db: Queryable,
  externalId: string,
): Promise<EntitlementRow[] | undefined> {
  const result = await db.query<EntitlementRow & { feature: string | null }>(
    `SELECT e.feature, e.source_kind, e.source_id, e.expires_at
       FROM customers c LEFT JOIN entitlements e ON e.customer_id = c.id
      WHERE c.external_id = $1 AND c.deleted_at IS NULL
      ORDER BY e.feature, e.expires_at DESC NULLS FIRST`,
    [externalId],
  );
  if (result.rowCount === 0) return undefined;
  return result.rows.filter((row) => row.feature !== null);
}

/** A customer's stored entitlement rows in a stable order (to tell whether a recompute changed them). */
export async function listEntitlementsOfCustomer(
  db: Queryable,
  customerId: string,
): Promise<EntitlementRow[]> {
  const result = await db.query<EntitlementRow>(
    `SELECT feature, source_kind, source_id, expires_at FROM entitlements WHERE customer_id = $1
      ORDER BY feature, expires_at DESC NULLS FIRST, source_kind, source_id`,
    [customerId],
  );
  return result.rows;
}
