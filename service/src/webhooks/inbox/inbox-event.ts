// The inbox (`stripe_events`) — glossary:
//   event     a Stripe event, stored once under its id with the body exactly as received (`payload`).
//   source    how it arrived: webhook (the route), sweep (listed from Stripe's Events API), replay (requeued by an admin).
//   due       status pending/failed with run_at ≤ now, or processing whose lease (run_at) has run out.
//   claim     a worker takes due rows (FOR UPDATE SKIP LOCKED), marks them processing, sets the lease.
//   lease     how long a claim lasts: a crashed worker's rows become due again when it ends.
//   complete  the event's effects committed together with status processed (or ignored: no handler for its type).
//   fail      the error is stored on the row; retried after an exponential, jittered delay; dead after max attempts.
//   release   a stopping worker hands back claimed rows it has not started, as if never claimed.
//   postpone  our Stripe budget refused a call the event needed: due again after its Retry-After, attempt undone.
import type { InboxStatus } from './inbox-statuses.js';

export type InboxSource = 'webhook' | 'sweep' | 'replay';

export interface NewInboxEvent {
  id: string;
  type: string;
  apiVersion: string | null;
  /** Stripe's `created`, unix seconds. */
  created: number;
  livemode: boolean;
  payload: string;
  source: InboxSource;
}

export interface ClaimedEvent {
  id: string;
  type: string;
  apiVersion: string | null;
  created: Date;
  payload: string;
  attempts: number;
}

export interface ErrorHistoryEntry {
  attempt: number;
  at: string;
  error: string;
  worker: string | null;
}

export interface InboxEventRecord {
  id: string;
  type: string;
  api_version: string | null;
  stripe_created: Date;
  livemode: boolean;
  source: InboxSource;
  status: InboxStatus;
  attempts: number;
  run_at: Date;
  locked_by: string | null;
  locked_until: Date | null;
  last_error: string | null;
  error_history: ErrorHistoryEntry[];
  received_at: Date;
  processed_at: Date | null;
}
