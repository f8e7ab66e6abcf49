// Our own Stripe budget held back a call the event needed (stripe/rate-budget.ts): the event goes back to due
// after the budget's Retry-After (with jitter, so postponed events do not all come back in one instant), the
// claim's attempt undone — the event never reached Stripe's verdict, so this never brings it closer to dead.
import type { Queryable } from '../../db/queryable.js';
import { inboxStatusSql, type InboxStatus } from './inbox-statuses.js';

export async function postponeEvent(
  db: Queryable,
  options: { eventId: string; workerId: string; retryAfterSeconds: number },
): Promise<InboxStatus | undefined> {
  const result = await db.query<{ status: InboxStatus }>(
    `UPDATE stripe_events
        SET status = CASE WHEN last_error IS NULL THEN ${inboxStatusSql('pending')} ELSE ${inboxStatusSql('failed')} END,
            attempts = greatest(attempts - 1, 0),
            run_at = now() + make_interval(secs => $3::double precision * (1 + random())),
            locked_by = NULL, locked_until = NULL, updated_at = now()
      WHERE id = $1 AND status = ${inboxStatusSql('processing')} AND locked_by = $2
      RETURNING status`,
    [options.eventId, options.workerId, options.retryAfterSeconds],
  );
  return result.rows[0]?.status;
}
