// Marks a claimed event done — processed (a handler applied it) or ignored (no handler for its type) — in the
// same transaction as its effects.
import type { Queryable } from './inbox-event.js';

export async function completeEvent(
  db: Queryable,
  eventId: string,
  outcome: 'processed' | 'ignored',
): Promise<void> {
  await db.query(
    `UPDATE stripe_events
        SET status = $2, processed_at = now(), locked_by = NULL, locked_until = NULL, updated_at = now()
      WHERE id = $1`,
    [eventId, outcome],
  );
}
