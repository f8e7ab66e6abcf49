// Stores a failed attempt on the row and schedules the next one: delay = base · 2^(attempts−1), capped, with
// ±50 % jitter (so events that failed together do not retry together), all computed in SQL; once attempts reach
// the maximum the event is dead. Only the worker that holds the claim can fail it.
import type { Queryable } from '../../db/queryable.js';
import { inboxStatusSql, type InboxStatus } from './inbox-statuses.js';

const MAX_ERROR_LENGTH = 4000;
const MAX_HISTORY_ENTRIES = 50;

export async function failEvent(
  db: Queryable,
  options: {
    eventId: string;
    workerId: string;
    error: string;
    maxAttempts: number;
    retryBaseMs: number;
    retryMaxMs: number;
  },
): Promise<InboxStatus | undefined> {
  const result = await db.query<{ status: InboxStatus }>(
    `UPDATE stripe_events
        SET status = CASE WHEN attempts >= $3 THEN ${inboxStatusSql('dead')} ELSE ${inboxStatusSql('failed')} END,
            run_at = now() + make_interval(secs =>
              least($5::double precision,
                    $4::double precision * power(2, greatest(attempts - 1, 0)) * (0.5 + random())) / 1000),
            last_error = $6,
            -- Oldest entry dropped past the cap, so a long-failing event cannot grow its row without bound.
            error_history = CASE WHEN jsonb_array_length(error_history) >= $7
                                 THEN error_history - 0 ELSE error_history END
              || jsonb_build_array(jsonb_build_object(
                   'attempt', attempts, 'at', now(), 'error', $6::text, 'worker', $2::text)),
            locked_by = NULL, locked_until = NULL, updated_at = now()
      WHERE id = $1 AND status = ${inboxStatusSql('processing')} AND locked_by = $2
      RETURNING status`,
    [
      options.eventId,
      options.workerId,
      options.maxAttempts,
      options.retryBaseMs,
      options.retryMaxMs,
      options.error.slice(0, MAX_ERROR_LENGTH),
      MAX_HISTORY_ENTRIES,
    ],
  );
  return result.rows[0]?.status;
}
