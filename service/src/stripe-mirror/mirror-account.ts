// The mirror belongs to one Stripe account: before a listing is copied, the configured key's account must be the
// one recorded (the first listing records it). Another account's listing would overwrite our objects with its
// own and, for the catalog, mark every one of ours deleted: a second instance pointed at another Stripe (or
// another emulator) on the same database is refused with both accounts named.
import { AppError } from '../errors.js';
import type { Queryable } from '../db/queryable.js';
import { recordMirrorAccount } from './mirror-account.repo.js';

/** Throws `conflict` unless the mirror is (now) recorded as `accountId`'s; returns the account id. */
export async function claimMirrorFor(
  db: Queryable,
  retrieveAccount: () => Promise<{ id: string }>,
): Promise<string> {
  const { id } = await retrieveAccount();
  const owner = await recordMirrorAccount(db, id);
  if (owner !== id) {
    throw new AppError(
      'conflict',
      `This database mirrors Stripe account ${owner}, but the configured Stripe (STRIPE_SECRET_KEY, ` +
        `STRIPE_API_BASE) is account ${id}: its listing is refused. Point this instance at ${owner}'s key, or ` +
        `give it its own database.`,
    );
  }
  return id;
}
