// Claims up to `limit` due events for one worker: pending or failed rows whose run_at has come, and processing
// rows whose lease ran out (their worker died). SKIP LOCKED lets many workers claim at once without waiting on
// or double-claiming each other's rows. Each claim counts as an attempt, so an event that crashes its worker
// every time still reaches the dead letters.
import type { Queryable } from '../../db/queryable.js';
import type { ClaimedEvent } from './inbox-event.js';
import { inboxStatusSql, WAITING_STATUSES } from './inbox-statuses.js';

export async function claimDueEvents(
  db: Queryable,
  options: { workerId: string; limit: number; leaseMs: number },
): Promise<ClaimedEvent[]> {
  const result = await db.query<{
    id: string;
    type: string;
    api_version: string | null;
    stripe_created: Date;
    payload: string;
    attempts: number;
  }>(
    `WITH due AS (
       SELECT id FROM stripe_events
        WHERE status IN (${inboxStatusSql(...WAITING_STATUSES)}) AND run_at <= now()
        ORDER BY run_at
        LIMIT $2
        FOR UPDATE SKIP LOCKED
     )
     UPDATE stripe_events AS event
        SET status = ${inboxStatusSql('processing')},
            attempts = event.attempts + 1,
            locked_by = $1,
            locked_until = now() + make_interval(secs => $3::double precision / 1000),
            run_at = now() + make_interval(secs => $3::double precision / 1000),
            updated_at = now()
       FROM due
      WHERE event.id = due.id
      RETURNING event.id, event.type, event.api_version, event.stripe_created, event.payload, event.attempts`,
    [options.workerId, options.limit, options.leaseMs],
  );
  return result.rows
    .map((row) => ({
      id: row.id,
      type: row.type,
      apiVersion: row.api_version,
      created: row.stripe_created,
      payload: row.payload,
      attempts: row.attempts,
    }))
    .sort((first, second) => first.created.getTime() - second.created.getTime());
}
