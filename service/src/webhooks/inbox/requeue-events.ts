// Replay: makes events due again at once with a fresh attempt count (their error history is kept). Only events
// that were not applied — dead, failed (waiting for a retry) or ignored (a handler may exist now) — can be
// requeued: a processed event's effects are in the ledger, and applying it again would double them.
import type { Queryable } from '../../db/queryable.js';
import { inboxStatusSql, REPLAYABLE_STATUSES, type ReplayableStatus } from './inbox-statuses.js';

export async function requeueEvents(
  db: Queryable,
  filter: { ids?: readonly string[]; status?: ReplayableStatus; type?: string },
): Promise<string[]> {
  const result = await db.query<{ id: string }>(
    `UPDATE stripe_events
        SET status = ${inboxStatusSql('pending')}, attempts = 0, run_at = now(), locked_by = NULL, locked_until = NULL,
            processed_at = NULL, updated_at = now()
      WHERE status = ANY($1::text[])
        AND ($2::text[] IS NULL OR id = ANY($2::text[]))
        AND ($3::text IS NULL OR type = $3)
      RETURNING id`,
    [
      filter.status === undefined ? [...REPLAYABLE_STATUSES] : [filter.status],
      filter.ids ?? null,
      filter.type ?? null,
    ],
  );
  return result.rows.map((row) => row.id);
}
