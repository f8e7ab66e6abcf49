// What every event handler is: a function of the event and the transaction it runs in. A handler applies its
// effects with `context.client` and records each effect with `context.recordEffect(name)` in that same
// transaction: the ledger's primary key makes a second application of the same event fail loudly.
import type { PoolClient } from '../../db/pool.js';

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

export type EventHandler = (event: StripeEvent, context: HandlerContext) => Promise<void>;

/** Handlers by exact event type; types without one are stored as ignored. */
export type HandlerRegistry = ReadonlyMap<string, EventHandler>;
