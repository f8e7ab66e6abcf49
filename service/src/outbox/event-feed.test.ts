import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '../db/transaction.js';
import { checkout, createCustomer } from '../test-support/billing-flows.js';
import { startBillingWorld, type BillingWorld } from '../test-support/billing-world.js';
import type { OutgoingEvent } from './outbox.service.js';

interface Feed {
  data: OutgoingEvent[];
  next_cursor: string;
  has_more: boolean;
}

describe('the change feed', () => {
  let world: BillingWorld;

  beforeAll(async () => {
    world = await startBillingWorld();
  });
  afterAll(async () => {
    await world.closeAll();
  });

  async function readAll(after = '0', limit = 7): Promise<{ events: OutgoingEvent[]; cursor: string }> {
    const events: OutgoingEvent[] = [];
    let cursor = after;
    for (;;) {
      const response = await world.call('GET', `/v1/events?after=${cursor}&limit=${limit}`);
      expect(response.statusCode).toBe(200);
      const page = response.json<Feed>();
      events.push(...page.data);
      cursor = page.next_cursor;
      if (!page.has_more) return { events, cursor };
    }
  }

  it('carries what a purchase, a subscription and a refund changed, numbered per customer', async () => {
    await createCustomer(world, 'feed_buyer');
    const session = await checkout(world, {
      customer: 'feed_buyer',
      mode: 'payment',
      items: [{ lookup_key: 'guide_pdf', quantity: 1 }],
    });
    await checkout(world, {
      customer: 'feed_buyer',
      mode: 'subscription',
      items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
    });
    await world.settle();
    const order = (await world.call('GET', '/v1/customers/feed_buyer/orders'))
      .json<{
        data: Array<{ id: string; checkout_session: string }>;
      }>()
      .data.find((candidate) => candidate.checkout_session === session)!;
    expect((await world.call('POST', `/v1/orders/${order.id}/refunds`, {})).statusCode).toBe(201);
    await world.settle();

    const { events } = await readAll();
    const mine = events.filter((event) => event.customer === 'feed_buyer');
    expect(mine.map((event) => event.sequence)).toEqual(mine.map((_, index) => index + 1));
    const types = mine.map((event) => event.type);
    for (const type of [
      'order.paid',
      'order.refunded',
      'subscription.created',
      'invoice.paid',
      'entitlements.changed',
    ]) {
      expect(types, type).toContain(type);
    }
    expect(types.indexOf('order.paid')).toBeLessThan(types.indexOf('order.refunded'));
    const paid = mine.find((event) => event.type === 'order.paid')!;
    expect(paid.data).toMatchObject({ order: { id: order.id, status: 'paid', amount_total: 1900 } });
    // The last entitlements.changed is the whole state now: the subscription's features, no more guide.
    const last = mine.filter((event) => event.type === 'entitlements.changed').at(-1)!;
    const features = (last.data.entitlements as Array<{ feature: string }>).map((entry) => entry.feature);
    expect(features.sort()).toEqual(['audit_log', 'sso']);
    // The feed repeats nothing and, read again from the end, returns nothing new.
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
  });

  it('refuses malformed cursors and limits', async () => {
    for (const query of ['after=abc', 'after=-1', 'after=1.5', 'limit=0', 'limit=501']) {
      const response = await world.call('GET', `/v1/events?${query}`);
      expect(response.statusCode, query).toBe(400);
    }
  });

  it('never skips an event committed late, under concurrent writers', async () => {
    const { pool, outbox } = world.dependencies;
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const inserted = await pool.query<{ id: string }>(
        `INSERT INTO customers (external_id, email) VALUES ($1, $1 || '@example.com') RETURNING id`,
        [`feed_writer_${index}`],
      );
      ids.push(inserted.rows[0]!.id);
    }
    const start = await readAll();

    // A transaction that appends first and commits last (for a customer of its own: appends of one customer
    // wait for each other): its event must still be read, after the others.
    let releaseHeld = () => {};
    const held = new Promise<void>((resolve) => (releaseHeld = resolve));
    let appended = () => {};
    const heldAppended = new Promise<void>((resolve) => (appended = resolve));
    const heldWriter = withTransaction(pool, async (client) => {
      await outbox.append(client, { customerId: ids[4]!, type: 'order.paid', data: { held: true } });
      appended();
      await held;
    });
    await heldAppended;

    const writers = Array.from({ length: 24 }, (_, index) =>
      withTransaction(pool, async (client) => {
        await new Promise((resolve) => setTimeout(resolve, (index * 7) % 20));
        await outbox.append(client, {
          customerId: ids[index % 4]!,
          type: 'entitlements.changed',
          data: { writer: index },
        });
      }),
    );
    // Two readers follow the feed, each with its own cursor, while the writers commit.
    const readers = [0, 1].map(() => ({ cursor: start.cursor, seen: [] as OutgoingEvent[] }));
    const follow = async (reader: (typeof readers)[number]) => {
      const page = await readAll(reader.cursor, 5);
      reader.seen.push(...page.events);
      reader.cursor = page.cursor;
    };
    let writing = true;
    const writersDone = Promise.all(writers).then(() => {
      writing = false;
    });
    const followWhileWriting = async (reader: (typeof readers)[number]) => {
      while (writing) {
        await follow(reader);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    await Promise.all([writersDone, ...readers.map(followWhileWriting)]);
    for (const reader of readers) {
      await follow(reader);
      expect(reader.seen).toHaveLength(24);
      expect(reader.seen.some((event) => event.data.held === true)).toBe(false);
    }

    releaseHeld();
    await heldWriter;
    for (const reader of readers) {
      await follow(reader);
      const { seen } = reader;
      expect(seen.filter((event) => event.data.held === true)).toHaveLength(1);
      expect(seen).toHaveLength(25);
      expect(new Set(seen.map((event) => event.id)).size).toBe(25);
      // Per customer, the feed order is the sequence order.
      for (const customer of ['feed_writer_0', 'feed_writer_1', 'feed_writer_2', 'feed_writer_3']) {
        const sequences = seen.filter((event) => event.customer === customer).map((event) => event.sequence);
        expect(sequences, customer).toEqual([...sequences].sort((a, b) => a - b));
      }
    }
    expect(readers[0]!.seen.map((event) => event.id)).toEqual(readers[1]!.seen.map((event) => event.id));
  });
});
