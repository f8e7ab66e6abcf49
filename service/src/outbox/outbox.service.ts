// Events for the calling application. Services that change orders, subscriptions, invoices and entitlements
// append them in their own transaction (`append`); the sequencer numbers committed ones in commit order and
// fans them out to the webhook endpoints that take their type (`sequence`, run by the delivery worker and by
// every feed read); the change feed reads them by position.
import type { Pool, PoolClient } from '../db/pool.js';
import type { Queryable } from '../db/queryable.js';
import { withTransaction } from '../db/transaction.js';
import * as repo from './outbox.repo.js';
import type { OutboxEventRow } from './outbox.repo.js';

export const OUTBOX_EVENT_TYPES = [
  'order.paid',
  'order.refunded',
  'subscription.created',
  'subscription.updated',
  'subscription.canceled',
  'invoice.paid',
  'invoice.payment_failed',
  'entitlements.changed',
] as const;
export type OutboxEventType = (typeof OUTBOX_EVENT_TYPES)[number];

/** An event as receivers get it, in a webhook body and in the change feed. */
export interface OutgoingEvent {
  id: string;
  type: string;
  created: string;
  /** The customer's external_id. */
  customer: string;
  /** 1, 2, 3 … per customer, in the order the changes committed. */
  sequence: number;
  data: Record<string, unknown>;
}

export interface OutboxService {
  /** Appends an event in the caller's transaction: it exists exactly when the change commits. */
  append: (
    db: Queryable,
    event: { customerId: string; type: OutboxEventType; data: Record<string, unknown> },
  ) => Promise<OutboxEventRow>;
  /** Locks the customer's event counter until the caller commits (before changing derived state). */
  lockCustomer: (db: Queryable, customerId: string) => Promise<void>;
  /** Numbers every committed event without a feed position; returns how many it numbered. */
  sequence(): Promise<number>;
  /** Events by id, as receivers get them. */
  findEvents(ids: string[]): Promise<OutgoingEvent[]>;
  /** The feed after a position, in commit order; `nextCursor` continues after the last event returned. */
  readFeed(
    after: number,
    limit: number,
  ): Promise<{ data: OutgoingEvent[]; nextCursor: string; hasMore: boolean }>;
}

const SEQUENCE_BATCH = 500;

export function outgoingEventOf(row: OutboxEventRow): OutgoingEvent {
  return {
    id: row.id,
    type: row.type,
    created: row.created_at.toISOString(),
    customer: row.customer_external_id,
    sequence: Number(row.customer_sequence),
    data: row.data,
  };
}

export function createOutboxService(options: {
  pool: Pool;
  /** Runs in the sequencer's transaction for the events it just numbered (the webhook fan-out). */
  onSequenced?: (client: PoolClient, ids: string[]) => Promise<unknown>;
}): OutboxService {
  const { pool } = options;
  return {
    /** Appends an event in the caller's transaction: it exists exactly when the change commits. */
    append: (
      db: Queryable,
      event: { customerId: string; type: OutboxEventType; data: Record<string, unknown> },
    ) => repo.appendEvent(db, event),

    /** Locks the customer's event counter until the caller commits (before changing derived state). */
    lockCustomer: (db: Queryable, customerId: string) => repo.lockCustomerCounter(db, customerId),

    /** Numbers every committed event without a feed position; returns how many it numbered. */
    async sequence(): Promise<number> {
      let total = 0;
      for (;;) {
        const ids = await withTransaction(pool, async (client) => {
          const numbered = await repo.sequenceEvents(client, SEQUENCE_BATCH);
          if (numbered !== undefined && numbered.length > 0) await options.onSequenced?.(client, numbered);
          return numbered;
        });
        // Another sequencer is numbering right now: what it commits is visible to the next read.
        if (ids === undefined) return total;
        total += ids.length;
        if (ids.length < SEQUENCE_BATCH) return total;
      }
    },

    /** Events by id, as receivers get them. */
    async findEvents(ids: string[]): Promise<OutgoingEvent[]> {
      return (await repo.findEventsByIds(pool, ids)).map(outgoingEventOf);
    },

    /** The feed after a position, in commit order; `nextCursor` continues after the last event returned. */
    async readFeed(
      after: number,
      limit: number,
    ): Promise<{ data: OutgoingEvent[]; nextCursor: string; hasMore: boolean }> {
      await this.sequence();
      const rows = await repo.listFeedAfter(pool, after, limit + 1);
      const page = rows.slice(0, limit);
      return {
        data: page.map(outgoingEventOf),
        nextCursor: page.at(-1)?.feed_position ?? String(after),
        hasMore: rows.length > limit,
      };
    },
  };
}
