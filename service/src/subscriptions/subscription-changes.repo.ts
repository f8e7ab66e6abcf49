// SQL of subscription change intents: our row before the Stripe call, Stripe's idempotency key derived from it.
import type { Queryable } from '../db/queryable.js';

export type ChangeKind = 'change' | 'cancel' | 'resume';

export interface SubscriptionChangeRow {
  id: string;
  subscription_id: string;
  kind: ChangeKind;
  request: Record<string, unknown>;
  status: 'pending' | 'succeeded' | 'failed';
  result: Record<string, unknown> | null;
}

/** The pending intent for this exact request (a retry), or a new one. */
export async function claimSubscriptionChange(
  db: Queryable,
  input: { subscriptionId: string; kind: ChangeKind; request: Record<string, unknown>; fingerprint: string },
): Promise<SubscriptionChangeRow> {
  const inserted = await db.query<SubscriptionChangeRow>(
    `INSERT INTO subscription_changes (subscription_id, kind, request, request_fingerprint, status)
     VALUES ($1, $2, $3, $4, 'pending')
     ON CONFLICT (subscription_id, request_fingerprint) WHERE status = 'pending' DO NOTHING RETURNING *`,
    [input.subscriptionId, input.kind, input.request, input.fingerprint],
  );
  if (inserted.rows[0] !== undefined) return inserted.rows[0];
  const existing = await db.query<SubscriptionChangeRow>(
    `SELECT * FROM subscription_changes WHERE subscription_id = $1 AND request_fingerprint = $2 AND status = 'pending'`,
    [input.subscriptionId, input.fingerprint],
  );
  if (existing.rows[0] !== undefined) return existing.rows[0];
  return claimSubscriptionChange(db, input);
}

export async function completeSubscriptionChange(
  db: Queryable,
  id: string,
  outcome: { status: 'succeeded'; result: Record<string, unknown> } | { status: 'failed'; reason: string },
): Promise<void> {
  await db.query(
    `UPDATE subscription_changes SET status = $2, result = $3, failure_reason = $4, completed_at = now()
     WHERE id = $1 AND status = 'pending'`,
    [
      id,
      outcome.status,
      outcome.status === 'succeeded' ? outcome.result : null,
      outcome.status === 'failed' ? outcome.reason : null,
    ],
  );
}

export async function countSubscriptionChanges(db: Queryable, subscriptionId: string): Promise<number> {
  const result = await db.query<{ count: string }>(
    'SELECT count(*) FROM subscription_changes WHERE subscription_id = $1',
    [subscriptionId],
  );
  return Number(result.rows[0]?.count ?? 0);
}
