// SQL of the outbox: append an event in the caller's transaction (with the customer's next sequence number),
// number committed events for the change feed, read the feed after a position.
import type { Queryable } from '../db/queryable.js';

export interface OutboxEventRow {
  id: string;
  type: string;
  customer_id: string;
  customer_external_id: string;
  customer_sequence: string;
  data: Record<string, unknown>;
  created_at: Date;
  feed_position: string | null;
}

/** The advisory lock key of the sequencer (one numbering transaction at a time). */
const SEQUENCER_LOCK = "hashtextextended('outbox-sequencer', 0)";

export async function appendEvent(
  db: Queryable,
  event: { customerId: string; type: string; data: Record<string, unknown> },
): Promise<OutboxEventRow> {
  const result = await db.query<OutboxEventRow>(
    `WITH counter AS (
       INSERT INTO customer_event_counters (customer_id, last_sequence) VALUES ($1, 1)
       ON CONFLICT (customer_id) DO UPDATE SET last_sequence = customer_event_counters.last_sequence + 1
       RETURNING last_sequence
     )
     INSERT INTO outbox_events (type, customer_id, customer_sequence, data)
     SELECT $2, $1, last_sequence, $3 FROM counter
     RETURNING *`,
    [event.customerId, event.type, event.data],
  );
  return result.rows[0] as OutboxEventRow;
}

/**
 * Locks the customer's event counter (creating it at 0) until the caller commits, without taking a number. A
 * transaction that changes a customer's state calls it first, before it locks any of the customer's rows (its
 * entitlements, a subscription or invoice being stored): appending later in the same transaction then never
 * waits on a writer that holds those rows and waits for the counter (a lock-order deadlock). Writers of one
 * customer take their turns here.
 */
export async function lockCustomerCounter(db: Queryable, customerId: string): Promise<void> {
  await db.query(
    `INSERT INTO customer_event_counters (customer_id, last_sequence) VALUES ($1, 0)
     ON CONFLICT (customer_id) DO UPDATE SET last_sequence = customer_event_counters.last_sequence`,
    [customerId],
  );
}

/**
 * Numbers the committed events that have no feed position yet (a customer's in their sequence order: event k+1
 * commits only after event k, whose counter lock it waited for, so k is never numbered after k+1), in one transaction under the sequencer's
 * advisory lock (held until commit): every numbering commits before the next one starts, so positions become
 * visible in increasing order. Returns the ids numbered, or undefined when another sequencer holds the lock.
 */
export async function sequenceEvents(db: Queryable, limit: number): Promise<string[] | undefined> {
  const locked = await db.query<{ locked: boolean }>(
    `SELECT pg_try_advisory_xact_lock(${SEQUENCER_LOCK}) AS locked`,
  );
  if (locked.rows[0]?.locked !== true) return undefined;
  const result = await db.query<{ id: string }>(
    `WITH batch AS (
       SELECT id FROM outbox_events WHERE feed_position IS NULL
        ORDER BY customer_sequence, customer_id LIMIT $1
     ), numbered AS (
       SELECT b.id, nextval('outbox_feed_position') AS position
         FROM (SELECT e.id FROM outbox_events e JOIN batch USING (id)
                ORDER BY e.customer_sequence, e.customer_id) AS b
     )
     UPDATE outbox_events e SET feed_position = numbered.position FROM numbered WHERE e.id = numbered.id
     RETURNING e.id`,
    [limit],
  );
  return result.rows.map((row) => row.id);
}

const SELECT_EVENT = `SELECT e.*, c.external_id AS customer_external_id
  FROM outbox_events e JOIN customers c ON c.id = e.customer_id`;

export async function listFeedAfter(db: Queryable, after: number, limit: number): Promise<OutboxEventRow[]> {
  const result = await db.query<OutboxEventRow>(
    `${SELECT_EVENT} WHERE e.feed_position > $1 ORDER BY e.feed_position LIMIT $2`,
    [after, limit],
  );
  return result.rows;
}

export async function findEventsByIds(db: Queryable, ids: string[]): Promise<OutboxEventRow[]> {
  const result = await db.query<OutboxEventRow>(`${SELECT_EVENT} WHERE e.id = ANY($1::uuid[])`, [ids]);
  return result.rows;
}
