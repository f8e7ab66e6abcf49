// Lists inbox events newest first, by status and type, a page at a time (cursor: the last event id seen).
import type { Queryable } from '../../db/queryable.js';
import type { InboxEventRecord } from './inbox-event.js';
import type { InboxStatus } from './inbox-statuses.js';

const SUMMARY_COLUMNS = `id, type, api_version, stripe_created, livemode, source, status, attempts, run_at, locked_by,
  locked_until, last_error, error_history, received_at, processed_at`;

export async function listEvents(
  db: Queryable,
  filter: { status?: InboxStatus; type?: string; startingAfter?: string; limit: number },
): Promise<{ data: InboxEventRecord[]; hasMore: boolean }> {
  const result = await db.query<InboxEventRecord>(
    `SELECT ${SUMMARY_COLUMNS} FROM stripe_events
      WHERE ($1::text IS NULL OR status = $1)
        AND ($2::text IS NULL OR type = $2)
        AND ($3::text IS NULL OR (received_at, id) < (SELECT received_at, id FROM stripe_events WHERE id = $3))
      ORDER BY received_at DESC, id DESC
      LIMIT $4`,
    [filter.status ?? null, filter.type ?? null, filter.startingAfter ?? null, filter.limit + 1],
  );
  return { data: result.rows.slice(0, filter.limit), hasMore: result.rows.length > filter.limit };
}

export async function findEvent(
  db: Queryable,
  eventId: string,
): Promise<(InboxEventRecord & { payload: string }) | undefined> {
  const result = await db.query<InboxEventRecord & { payload: string }>(
    `SELECT ${SUMMARY_COLUMNS}, payload FROM stripe_events WHERE id = $1`,
    [eventId],
  );
  return result.rows[0];
}
