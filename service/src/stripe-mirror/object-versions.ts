// Applying a Stripe object that is taken as given — an event's payload, a page of a Stripe listing — rather than
// refetched, only when it is the newest version our mirror has seen (object-versions.repo.ts). When an event or
// listing of the same second was applied, the two cannot be ordered and Stripe's current object is written
// instead: fetched before the transaction opens (object-fetches.ts), never inside it. Used by the webhook
// handlers of products, prices and customers, by the sync backfill and by the catalog sync.
import type { Pool, PoolClient } from '../db/pool.js';
import { withTransaction } from '../db/transaction.js';
import {
  claimNewestFetch,
  fetchStripeObject,
  MAX_FETCH_ATTEMPTS,
  RefetchRequiredError,
  type FetchedObject,
} from './object-fetches.js';
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
 * current object (`current`, fetched before the transaction) when one of the same second was applied, nothing
 * when a later one was. False when nothing was written. Call inside a transaction: the object's rows stay locked
 * until it commits. Throws RefetchRequiredError when the current object is needed and not given (or is older
 * than one written meanwhile cannot tell): roll back, fetch it, call again.
 */
export async function applyNewestVersion<StripeObject>(
  client: PoolClient,
  objectId: string,
  version: number,
  write: {
    given: () => Promise<unknown>;
    current: FetchedObject<StripeObject> | undefined;
    writeCurrent: (object: StripeObject) => Promise<unknown>;
  },
): Promise<boolean> {
  const freshness = await recordObjectVersion(client, objectId, version);
  if (freshness === 'stale') return false;
  if (freshness === 'newest') {
    await write.given();
    return true;
  }
  if (write.current === undefined) throw new RefetchRequiredError(objectId);
  // A later fetch written meanwhile holds at least this one's state; one Stripe no longer has is left as is.
  if ((await claimNewestFetch(client, write.current)) && write.current.object !== undefined) {
    await write.writeCurrent(write.current.object);
  }
  return true;
}

/** A listed object, as of the listing's version, in a transaction of its own (see applyNewestVersion). */
export async function applyListedObject<StripeObject>(
  pool: Pool,
  objectId: string,
  listedAt: number,
  write: {
    listed: (client: PoolClient) => Promise<unknown>;
    fetchCurrent: () => Promise<StripeObject | undefined>;
    writeCurrent: (client: PoolClient, object: StripeObject) => Promise<unknown>;
  },
): Promise<void> {
  let current: FetchedObject<StripeObject> | undefined;
  for (let fetches = 0; ; fetches += 1) {
    try {
      await withTransaction(pool, (client) =>
        applyNewestVersion(client, objectId, listedAt, {
          given: () => write.listed(client),
          current,
          writeCurrent: (object) => write.writeCurrent(client, object),
        }),
      );
      return;
    } catch (error) {
      if (!(error instanceof RefetchRequiredError) || current?.final === true) throw error;
      current = await fetchStripeObject(pool, objectId, write.fetchCurrent, {
        final: fetches + 1 >= MAX_FETCH_ATTEMPTS,
      });
    }
  }
}
