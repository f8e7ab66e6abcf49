// Which version of a Stripe object our mirror holds (stripe_object_versions), for the writers that take the object
// as given — an event's payload, a page of a Stripe listing — rather than refetching it: the `created` second of
// the newest event applied, or the second of the listing. Used by the webhook handlers of products, prices and
// customers, by the sync backfill and by the catalog sync.
import type { Pool, PoolClient } from '../db/pool.js';
import type { Queryable } from '../db/queryable.js';
import { withTransaction } from '../db/transaction.js';

/**
 * How far this machine's clock may run ahead of Stripe's. A listing is recorded this much earlier than our clock
 * reads: too early only lets an event of those seconds be applied again (later events repair that); too late
 * would skip a real change made at Stripe just after the listing.
 */
const CLOCK_SKEW_ALLOWANCE_SECONDS = 60;

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

/** The version a listing of Stripe objects read now stands for. */
export function listingVersion(): number {
  return Math.floor(Date.now() / 1000) - CLOCK_SKEW_ALLOWANCE_SECONDS;
}

/**
 * Writes the object as given (an event's payload, a listed object) when that version is the newest, Stripe's
 * current object when one of the same second was applied, nothing when a later one was. False when nothing was
 * written. Call inside a transaction: the object's row stays locked until it commits.
 */
export async function applyNewestVersion(
  client: PoolClient,
  objectId: string,
  version: number,
  write: { given: () => Promise<unknown>; current: () => Promise<unknown> },
): Promise<boolean> {
  const freshness = await recordObjectVersion(client, objectId, version);
  if (freshness === 'stale') return false;
  await (freshness === 'newest' ? write.given() : write.current());
  return true;
}

/** A listed object, as of the listing's version, in a transaction of its own (see applyNewestVersion). */
export async function applyListedObject(
  pool: Pool,
  objectId: string,
  listedAt: number,
  write: {
    listed: (client: PoolClient) => Promise<unknown>;
    current: (client: PoolClient) => Promise<unknown>;
  },
): Promise<void> {
  await withTransaction(pool, (client) =>
    applyNewestVersion(client, objectId, listedAt, {
      given: () => write.listed(client),
      current: () => write.current(client),
    }),
  );
}
