// Fetch first, then write: a Stripe object we store as Stripe returns it is fetched with no transaction open
// (no lock is ever held while we wait on Stripe), stamped with the fetch sequence (object-fetches.repo.ts); the
// transaction that writes it locks the object's fetch row and keeps the newest fetch. Used by the subscription and
// invoice mirrors and, when two events of an object share a second, by the catalog and customers.
import type { Pool, PoolClient } from '../db/pool.js';
import type { Queryable } from '../db/queryable.js';
import { withTransaction } from '../db/transaction.js';
import { recordObjectFetch, recordObjectFetchByStart, takeFetchNumber } from './object-fetches.repo.js';

/** A Stripe object as fetched (undefined: Stripe does not know it), with the number taken before asking. */
export interface FetchedObject<StripeObject> {
  objectId: string;
  object: StripeObject | undefined;
  started: string;
  /** The last attempt: an overlap with the stored fetch is settled by the later start instead of a refetch. */
  final: boolean;
}

/**
 * The fetch overlapped the one our mirror holds, so the two cannot be ordered: roll back, fetch again (that fetch
 * starts after the stored one ended, so it is newer) and write again.
 */
export class RefetchRequiredError extends Error {
  constructor(readonly objectId: string) {
    super(`${objectId} was fetched while another fetch of it was written; fetching it again`);
    this.name = 'RefetchRequiredError';
  }
}

/** How many times one write fetches before it settles an overlap by the later start. */
export const MAX_FETCH_ATTEMPTS = 3;

/** Fetches the object, outside any transaction, stamped with a number of the fetch sequence taken first. */
export async function fetchStripeObject<StripeObject>(
  db: Queryable,
  objectId: string,
  fetch: () => Promise<StripeObject | undefined>,
  options: { final?: boolean } = {},
): Promise<FetchedObject<StripeObject>> {
  const started = await takeFetchNumber(db);
  const object = await fetch();
  return { objectId, object, started, final: options.final ?? false };
}

/**
 * In the writing transaction: locks the object's fetch row until commit; true when this fetch is the newest (write
 * it), false when a newer one is stored (write nothing). Throws RefetchRequiredError when the two overlapped.
 */
export async function claimNewestFetch(
  client: PoolClient,
  fetched: FetchedObject<unknown>,
): Promise<boolean> {
  const stamp = { started: fetched.started, ended: await takeFetchNumber(client) };
  if (fetched.final) return recordObjectFetchByStart(client, fetched.objectId, stamp);
  const order = await recordObjectFetch(client, fetched.objectId, stamp);
  if (order === 'overlapping') throw new RefetchRequiredError(fetched.objectId);
  return order === 'newer';
}

/**
 * Fetches the object, then runs `store` with it in a transaction of its own; fetches again when the store found
 * an overlapping fetch (RefetchRequiredError), at most MAX_FETCH_ATTEMPTS times.
 */
export async function fetchThenStore<StripeObject, Result>(
  pool: Pool,
  objectId: string,
  fetch: () => Promise<StripeObject | undefined>,
  store: (client: PoolClient, fetched: FetchedObject<StripeObject>) => Promise<Result>,
): Promise<Result> {
  for (let attempt = 1; ; attempt += 1) {
    const final = attempt >= MAX_FETCH_ATTEMPTS;
    const fetched = await fetchStripeObject(pool, objectId, fetch, { final });
    try {
      return await withTransaction(pool, (client) => store(client, fetched));
    } catch (error) {
      if (!(error instanceof RefetchRequiredError) || final) throw error;
    }
  }
}
