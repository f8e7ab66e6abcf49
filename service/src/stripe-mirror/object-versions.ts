// Applying a Stripe object that is taken as given — an event's payload, a page of a Stripe listing — rather than
// refetched, only when it is the newest version our mirror has seen (object-versions.repo.ts). Used by the webhook
// handlers of products, prices and customers, by the sync backfill and by the catalog sync.
import type { Pool, PoolClient } from '../db/pool.js';
import { withTransaction } from '../db/transaction.js';
import { recordObjectVersion } from './object-versions.repo.js';

/**
 * How far this machine's clock may run ahead of Stripe's. A listing is recorded this much earlier than our clock
 * reads: too early only lets an event of those seconds be applied again (later events repair that); too late
 * would skip a real change made at Stripe just after the listing.
 */
const CLOCK_SKEW_ALLOWANCE_SECONDS = 60;

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
