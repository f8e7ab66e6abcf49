// The stripe_object_versions table: which version of a Stripe object our mirror holds, as the `created` second of
// the newest event applied or the second of a listing. Read and advanced together, under the object's row lock.
import type { Queryable } from '../db/queryable.js';

/**
 * newest: no later event of this object was applied, apply this one's payload;
 * same_second: one of the same second was, and the two cannot be ordered, so refetch the object;
 * stale: a later one was, skip this one.
 */
export type EventFreshness = 'newest' | 'same_second' | 'stale';

/**
 * Records the event's `created` second for its object when it is later than the one stored, and says how the
 * event compares. Call inside the event's transaction: the row stays locked until it commits.
 */
export async function recordObjectVersion(
  db: Queryable,
  objectId: string,
  eventCreated: number,
): Promise<EventFreshness> {
  const { rowCount } = await db.query(
    `INSERT INTO stripe_object_versions (object_id, event_created) VALUES ($1, to_timestamp($2))
     ON CONFLICT (object_id) DO UPDATE SET event_created = EXCLUDED.event_created, updated_at = now()
       WHERE stripe_object_versions.event_created < EXCLUDED.event_created
     RETURNING object_id`,
    [objectId, eventCreated],
  );
  if (rowCount === 1) return 'newest';
  // Not advanced: ON CONFLICT locked the row anyway, so this reads the version that stays until we commit.
  const stored = await db.query<{ event_created: Date }>(
    'SELECT event_created FROM stripe_object_versions WHERE object_id = $1',
    [objectId],
  );
  const storedSeconds = Math.floor((stored.rows[0]?.event_created.getTime() ?? 0) / 1000);
  return storedSeconds === eventCreated ? 'same_second' : 'stale';
}
