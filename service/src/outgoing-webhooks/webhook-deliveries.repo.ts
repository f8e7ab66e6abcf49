// SQL of deliveries: fan-out of numbered events, the claim of due deliveries (a customer's next one per
// endpoint only), their outcome with backoff, the log, and a retry.
import type { Queryable } from '../db/queryable.js';

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  customer_sequence: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  first_failed_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
}

/** One delivery per event and endpoint that takes its type (disabled endpoints too: they resume when enabled). */
export async function enqueueDeliveries(db: Queryable, eventIds: string[]): Promise<number> {
  const result = await db.query(
    `INSERT INTO webhook_deliveries (endpoint_id, event_id, customer_id, customer_sequence)
     SELECT ep.id, e.id, e.customer_id, e.customer_sequence
       FROM outbox_events e JOIN webhook_endpoints ep
         ON ep.deleted_at IS NULL AND (e.type = ANY(ep.event_types) OR '*' = ANY(ep.event_types))
      WHERE e.id = ANY($1::uuid[])
     ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
    [eventIds],
  );
  return result.rowCount ?? 0;
}

/**
 * Claims due deliveries of enabled endpoints whose customer has no earlier undelivered one at that endpoint,
 * leasing them for `leaseSeconds` (a crashed worker's claim comes due again) and counting the attempt.
 */
export async function claimDueDeliveries(
  db: Queryable,
  limit: number,
  leaseSeconds: number,
): Promise<DeliveryRow[]> {
  const result = await db.query<DeliveryRow>(
    `WITH due AS (
       SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints ep ON ep.id = d.endpoint_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now()
          AND ep.status = 'enabled' AND ep.deleted_at IS NULL
          AND NOT EXISTS (
            SELECT 1 FROM webhook_deliveries earlier
             WHERE earlier.endpoint_id = d.endpoint_id AND earlier.customer_id = d.customer_id
               AND earlier.customer_sequence < d.customer_sequence AND earlier.status <> 'delivered')
        ORDER BY d.next_attempt_at
        LIMIT $1
        FOR UPDATE OF d SKIP LOCKED
     )
     UPDATE webhook_deliveries d SET attempts = d.attempts + 1,
       next_attempt_at = now() + make_interval(secs => $2::int)
       FROM due WHERE d.id = due.id
     RETURNING d.*`,
    [limit, leaseSeconds],
  );
  return result.rows;
}

export async function markDelivered(db: Queryable, id: string, statusCode: number): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), last_status_code = $2,
       last_error = NULL WHERE id = $1`,
    [id, statusCode],
  );
}

/**
 * A failed attempt: retried after `delaySeconds`, or — once it has failed for `giveUpSeconds` — failed for good
 * (returns true: the caller disables the endpoint).
 */
export async function recordFailedAttempt(
  db: Queryable,
  id: string,
  failure: { statusCode: number | null; error: string; delaySeconds: number; giveUpSeconds: number },
): Promise<boolean> {
  const result = await db.query<{ status: string }>(
    `UPDATE webhook_deliveries SET last_status_code = $2, last_error = $3,
       first_failed_at = coalesce(first_failed_at, now()),
       status = CASE WHEN coalesce(first_failed_at, now()) + make_interval(secs => $5::float8) <= now()
                     THEN 'failed' ELSE 'pending' END,
       next_attempt_at = now() + make_interval(secs => $4::float8)
     WHERE id = $1 RETURNING status`,
    [id, failure.statusCode, failure.error.slice(0, 1000), failure.delaySeconds, failure.giveUpSeconds],
  );
  return result.rows[0]?.status === 'failed';
}

/** Due now again (a replay of a delivered one, or a failed one retried by hand). */
export async function requeueDelivery(db: Queryable, endpointId: string, id: string): Promise<boolean> {
  const result = await db.query(
    `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), first_failed_at = NULL
      WHERE id = $1 AND endpoint_id = $2`,
    [id, endpointId],
  );
  return result.rowCount === 1;
}

/** Every failed delivery of the endpoint due again (when it is enabled again). */
export async function requeueFailedDeliveries(db: Queryable, endpointId: string): Promise<number> {
  const result = await db.query(
    `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), first_failed_at = NULL
      WHERE endpoint_id = $1 AND status = 'failed'`,
    [endpointId],
  );
  return result.rowCount ?? 0;
}

export async function isDeliveryOfEndpoint(db: Queryable, endpointId: string, id: string): Promise<boolean> {
  const result = await db.query('SELECT 1 FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2', [
    id,
    endpointId,
  ]);
  return result.rowCount === 1;
}

/** The delivery log of an endpoint, newest first. */
export async function listDeliveries(
  db: Queryable,
  endpointId: string,
  page: { startingAfter: string | undefined; limit: number },
): Promise<Array<DeliveryRow & { event_type: string }>> {
  const result = await db.query<DeliveryRow & { event_type: string }>(
    `SELECT d.*, e.type AS event_type FROM webhook_deliveries d JOIN outbox_events e ON e.id = d.event_id
      WHERE d.endpoint_id = $1
        AND ($2::uuid IS NULL OR (d.created_at, d.id) < (SELECT created_at, id FROM webhook_deliveries WHERE id = $2))
      ORDER BY d.created_at DESC, d.id DESC LIMIT $3`,
    [endpointId, page.startingAfter ?? null, page.limit],
  );
  return result.rows;
}
