// A stopping worker hands back the claimed events it has not started: due at once, the claim's attempt undone.
import type { Queryable } from '../../db/queryable.js';
import { inboxStatusSql } from './inbox-statuses.js';

export async function releaseEvents(
  db: Queryable,
  eventIds: readonly string[],
  workerId: string,
): Promise<number> {
  if (eventIds.length === 0) return 0;
  const result = await db.query(
    `UPDATE stripe_events
        SET status = CASE WHEN last_error IS NULL THEN ${inboxStatusSql('pending')} ELSE ${inboxStatusSql('failed')} END,
            attempts = greatest(attempts - 1, 0),
            run_at = now(), locked_by = NULL, locked_until = NULL, updated_at = now()
      WHERE id = ANY($1::text[]) AND status = ${inboxStatusSql('processing')} AND locked_by = $2`,
    [eventIds, workerId],
  );
  return result.rowCount ?? 0;
}
