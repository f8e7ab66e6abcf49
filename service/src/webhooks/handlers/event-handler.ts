// What every event handler is: what it needs from Stripe, fetched before the event's transaction opens (no
// transaction or lock is ever held while we wait on Stripe), and the effects it applies in that transaction with
// `context.client`, recording each with `context.recordEffect(name)`: the ledger's primary key makes a second
// application of the same event fail loudly.
import type { PoolClient } from '../../db/pool.js';
import type { Queryable } from '../../db/queryable.js';

/** The envelope of a Stripe event as it is stored (any API version). */
export interface StripeEvent {
  id: string;
  type: string;
  created: number;
  api_version: string | null;
  livemode: boolean;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
}

export interface HandlerContext {
  client: PoolClient;
  recordEffect: (effect: string) => Promise<void>;
}

/** What a handler's fetch may use and must know. */
export interface FetchContext {
  /** For reads before the transaction (never a transaction's client). */
  db: Queryable;
  /** The transaction asked for Stripe's current object (RefetchRequiredError): fetch it whatever a read said. */
  refetch: boolean;
  /** The last attempt: an overlap with a stored fetch is settled by the later start, not by a refetch. */
  final: boolean;
}

export interface EventHandler<Fetched = unknown> {
  /** What `apply` needs from Stripe; runs before the event's transaction opens. Absent: nothing. */
  fetch?: (event: StripeEvent, context: FetchContext) => Promise<Fetched>;
  /** The event's effects, in its transaction (never calls Stripe: the gateway refuses inside a transaction). */
  apply: (event: StripeEvent, context: HandlerContext, fetched: Fetched) => Promise<void>;
}

/** Handlers by exact event type; types without one are stored as ignored. */
export type HandlerRegistry = ReadonlyMap<string, EventHandler>;
