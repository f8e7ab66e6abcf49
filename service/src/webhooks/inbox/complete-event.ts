// Marks claimed events done — processed (a handler applied it, in the same transaction as its effects) or ignored
// (no handler for its type) — but only while this worker still holds the claim. A worker whose lease ran out
// and whose event was claimed again changes nothing: it gets false, and its transaction rolls back.
import type { Queryable } from '../../db/queryable.js';
import { inboxStatusSql, type InboxStatus } from './inbox-statuses.js';

export async function completeEvent(
  db: Queryable,
  eventId: string,
  workerId: string,
  outcome: Extract<InboxStatus, 'processed' | 'ignored'>,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE stripe_events
        SET status = $3, processed_at = now(), locked_by = NULL, locked_until = NULL, updated_at = now()
      WHERE id = $1 AND status = ${inboxStatusSql('processing')} AND locked_by = $2`,
    [eventId, workerId, outcome],
  );
  return result.rowCount === 1;
}

/** Ignored events have no effects to commit with: a whole batch of them is completed in one statement. */
export async function completeIgnoredEvents(
  db: Queryable,
  eventIds: readonly string[],
  workerId: string,
): Promise<string[]> {
  if (eventIds.length === 0) return [];
  const result = await db.query<{ id: string }>(
    `UPDATE stripe_events
        SET status = ${inboxStatusSql('ignored')}, processed_at = now(), locked_by = NULL, locked_until = NULL, updated_at = now()
      WHERE id = ANY($1::text[]) AND status = ${inboxStatusSql('processing')} AND locked_by = $2
      RETURNING id`,
    [eventIds, workerId],
  );
  return result.rows.map((row) => row.id);
}
