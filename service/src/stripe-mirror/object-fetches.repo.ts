// The stripe_object_fetches table: which fetch of a Stripe object our mirror holds, as numbers of one sequence
// taken before asking Stripe and after its answer (see migration 0410). Read and advanced under the object's row lock.
import type { Queryable } from '../db/queryable.js';

/** A number of the fetch sequence, as text (bigint). */
export async function takeFetchNumber(db: Queryable): Promise<string> {
  const result = await db.query<{ number: string }>(
    `SELECT nextval('stripe_object_fetch_sequence')::text AS number`,
  );
  return result.rows[0]?.number as string;
}

/**
 * newer: the fetch started after the stored one ended (or none is stored), and is recorded now;
 * older: it ended before the stored one started; overlapping: neither.
 */
export type FetchOrder = 'newer' | 'older' | 'overlapping';

/**
 * Records the fetch for its object when it is newer than the one stored, and says how the two compare. Call
 * inside the transaction that writes the object: the row stays locked until it commits.
 */
export async function recordObjectFetch(
  db: Queryable,
  objectId: string,
  fetch: { started: string; ended: string },
): Promise<FetchOrder> {
  const { rowCount } = await db.query(
    `INSERT INTO stripe_object_fetches (object_id, fetch_started, fetch_ended) VALUES ($1, $2, $3)
     ON CONFLICT (object_id) DO UPDATE SET fetch_started = EXCLUDED.fetch_started,
       fetch_ended = EXCLUDED.fetch_ended, updated_at = now()
       WHERE stripe_object_fetches.fetch_ended < EXCLUDED.fetch_started
     RETURNING object_id`,
    [objectId, fetch.started, fetch.ended],
  );
  if (rowCount === 1) return 'newer';
  // Not advanced: ON CONFLICT locked the row anyway, so this reads the fetch that stays until we commit.
  const stored = await db.query<{ older: boolean }>(
    'SELECT $2::bigint < fetch_started AS older FROM stripe_object_fetches WHERE object_id = $1',
    [objectId, fetch.ended],
  );
  return stored.rows[0]?.older === true ? 'older' : 'overlapping';
}

/** Records the fetch as the newest whatever is stored (two overlapping fetches, settled by the later start). */
export async function recordObjectFetchByStart(
  db: Queryable,
  objectId: string,
  fetch: { started: string; ended: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO stripe_object_fetches (object_id, fetch_started, fetch_ended) VALUES ($1, $2, $3)
     ON CONFLICT (object_id) DO UPDATE SET fetch_started = EXCLUDED.fetch_started,
       fetch_ended = greatest(stripe_object_fetches.fetch_ended, EXCLUDED.fetch_ended), updated_at = now()
       WHERE stripe_object_fetches.fetch_started < EXCLUDED.fetch_started
     RETURNING object_id`,
    [objectId, fetch.started, fetch.ended],
  );
  return rowCount === 1;
}
