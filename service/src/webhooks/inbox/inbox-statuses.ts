// The inbox statuses, in one place: the closed list (the table's CHECK constraint holds the same, a test compares
// them), the groups the worker, retention, replay and the gauges select by, and their SQL literals.
//   pending     stored, waiting for its first attempt.
//   processing  claimed by a worker, under a lease.
//   processed   its effects committed.
//   failed      the last attempt failed; retried at run_at.
//   dead        failed on every attempt (WEBHOOK_MAX_ATTEMPTS): waits for a replay.
//   ignored     no handler for its type.
export const INBOX_STATUSES = ['pending', 'processing', 'processed', 'failed', 'dead', 'ignored'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

/** Not applied yet: claimable once due (a processing row when its lease ran out), counted as the backlog. */
export const WAITING_STATUSES = ['pending', 'processing', 'failed'] as const satisfies readonly InboxStatus[];
/** Done with: kept for WEBHOOK_RETENTION_DAYS, then pruned. */
export const APPLIED_STATUSES = ['processed', 'ignored'] as const satisfies readonly InboxStatus[];
/**
 * Not applied and not waiting for a first attempt: what a replay may requeue. A processed event's effects are in
 * the ledger, and applying it again would double them.
 */
export const REPLAYABLE_STATUSES = ['dead', 'failed', 'ignored'] as const satisfies readonly InboxStatus[];
export type ReplayableStatus = (typeof REPLAYABLE_STATUSES)[number];

export function isInboxStatus(value: string): value is InboxStatus {
  return (INBOX_STATUSES as readonly string[]).includes(value);
}

/** Statuses as SQL literals for an `IN (…)` or `=`, e.g. `'pending', 'failed'` (constants only, never input). */
export function inboxStatusSql(...statuses: readonly InboxStatus[]): string {
  return statuses.map((status) => `'${status}'`).join(', ');
}
