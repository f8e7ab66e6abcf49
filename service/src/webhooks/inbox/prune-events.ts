// Retention: deletes applied (processed or ignored) events older than the retention, with their ledger rows, a
// bounded batch at a time. Dead, failed and pending events are never pruned.
import type { Queryable } from '../../db/queryable.js';
import { APPLIED_STATUSES, inboxStatusSql } from './inbox-statuses.js';

export async function pruneEvents(
  db: Queryable,
  options: { retentionDays: number; limit: number },
): Promise<number> {
  const result = await db.query(
    `WITH old AS (
       SELECT id FROM stripe_events
        WHERE status IN (${inboxStatusSql(...APPLIED_STATUSES)})
          AND processed_at < now() - make_interval(days => $1::int)
        LIMIT $2
     ), ledger AS (
       DELETE FROM applied_effects WHERE event_id IN (SELECT id FROM old)
     )
     DELETE FROM stripe_events WHERE id IN (SELECT id FROM old)`,
    [options.retentionDays, options.limit],
  );
  return result.rowCount ?? 0;
}
