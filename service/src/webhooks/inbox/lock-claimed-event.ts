// Inside the transaction that applies an event: locks its row and confirms this worker still holds the claim.
// If the lease ran out and another worker claimed the event, this answers false and the caller applies nothing,
// so an event is never applied by two workers.
import type { Queryable } from './inbox-event.js';

export async function lockClaimedEvent(db: Queryable, eventId: string, workerId: string): Promise<boolean> {
  const result = await db.query(
    `SELECT 1 FROM stripe_events
      WHERE id = $1 AND status = 'processing' AND locked_by = $2
      FOR UPDATE`,
    [eventId, workerId],
  );
  return result.rowCount === 1;
}
