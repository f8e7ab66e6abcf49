// The stripe_mirror_account row: the Stripe account the mirror belongs to.
import type { Queryable } from '../db/queryable.js';

/** Records `accountId` as the mirror's owner when none is recorded; returns the owner recorded (this one or an earlier). */
export async function recordMirrorAccount(db: Queryable, accountId: string): Promise<string> {
  const result = await db.query<{ account_id: string }>(
    `WITH inserted AS (
       INSERT INTO stripe_mirror_account (account_id) VALUES ($1) ON CONFLICT (singleton) DO NOTHING
       RETURNING account_id)
     SELECT account_id FROM inserted UNION ALL SELECT account_id FROM stripe_mirror_account LIMIT 1`,
    [accountId],
  );
  return result.rows[0]?.account_id ?? accountId;
}
