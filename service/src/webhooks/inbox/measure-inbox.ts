// The inbox's backlog for the gauges: events not yet applied, the age of the oldest, and the dead ones.
import type { Queryable } from '../../db/queryable.js';
import { inboxStatusSql, WAITING_STATUSES } from './inbox-statuses.js';

const waiting = inboxStatusSql(...WAITING_STATUSES);

export interface InboxMeasurement {
  pending: number;
  oldestPendingAgeSeconds: number;
  dead: number;
}

export async function measureInbox(db: Queryable): Promise<InboxMeasurement> {
  const result = await db.query<{ pending: string; oldest_age: number | null; dead: string }>(
    `SELECT
       (SELECT count(*) FROM stripe_events WHERE status IN (${waiting})) AS pending,
       (SELECT extract(epoch FROM now() - min(received_at))::float8
          FROM stripe_events WHERE status IN (${waiting})) AS oldest_age,
       (SELECT count(*) FROM stripe_events WHERE status = ${inboxStatusSql('dead')}) AS dead`,
  );
  const row = result.rows[0];
  return {
    pending: Number(row?.pending ?? 0),
    oldestPendingAgeSeconds: row?.oldest_age ?? 0,
    dead: Number(row?.dead ?? 0),
  };
}
