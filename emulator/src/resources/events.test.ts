// Tests of events through the official SDK.
import type Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());
beforeEach(() => emulator.reset());

const typesOf = (list: Stripe.ApiList<Stripe.Event>) => list.data.map((event) => event.type);

describe('events through the official SDK', () => {
  it('retrieves an event with the request that caused it', async () => {
    const customer = await stripe.customers.create({ name: 'A' }, { idempotencyKey: 'evt-key' });
    const [listed] = (await stripe.events.list({ limit: 1 })).data;
    const event = await stripe.events.retrieve(listed!.id);
    expect(event).toMatchObject({
      object: 'event',
      type: 'customer.created',
      api_version: emulator.context.apiVersion,
      livemode: false,
      pending_webhooks: 0,
      request: { id: customer.lastResponse.requestId, idempotency_key: 'evt-key' },
    });
    expect((event.data.object as Stripe.Customer).id).toBe(customer.id);
  });

  it('lists newest first and filters by type, wildcard type and types[]', async () => {
    const customer = await stripe.customers.create({});
    await stripe.customers.update(customer.id, { name: 'B' });
    await stripe.products.create({ name: 'P' });
    expect(typesOf(await stripe.events.list())).toEqual([
      'product.created',
      'customer.updated',
      'customer.created',
    ]);
    expect(typesOf(await stripe.events.list({ type: 'customer.updated' }))).toEqual(['customer.updated']);
    expect(typesOf(await stripe.events.list({ type: 'customer.*' }))).toEqual([
      'customer.updated',
      'customer.created',
    ]);
    expect(typesOf(await stripe.events.list({ types: ['product.created', 'customer.created'] }))).toEqual([
      'product.created',
      'customer.created',
    ]);
  });

  it('filters by created bounds and leaves out events older than 30 days', async () => {
    await stripe.customers.create({});
    const cutoff = emulator.context.clock.now();
    emulator.context.clock.advance(100);
    await stripe.products.create({ name: 'Later' });
    expect(typesOf(await stripe.events.list({ created: { gt: cutoff } }))).toEqual(['product.created']);
    expect(typesOf(await stripe.events.list({ created: { lte: cutoff } }))).toEqual(['customer.created']);
    emulator.context.clock.advance(30 * 24 * 60 * 60 + 1);
    expect(typesOf(await stripe.events.list())).toEqual([]);
  });

  it('pages with starting_after and auto-pagination', async () => {
    for (let index = 0; index < 12; index += 1) await stripe.products.create({ name: `P${index}` });
    const first = await stripe.events.list({ limit: 5 });
    expect(first.has_more).toBe(true);
    const second = await stripe.events.list({ limit: 5, starting_after: first.data.at(-1)!.id });
    expect(second.data[0]!.created).toBeLessThanOrEqual(first.data.at(-1)!.created);
    const all = await stripe.events.list({ limit: 5 }).autoPagingToArray({ limit: 100 });
    expect(new Set(all.map((event) => event.id)).size).toBe(12);
  });

  it('pages a created[gte] window without gaps or repeats while new events keep arriving', async () => {
    const since = emulator.context.clock.now();
    const first = await Promise.all(
      Array.from({ length: 7 }, (_, index) => stripe.products.create({ name: `Old ${index}` })),
    );
    const seen: string[] = [];
    const page1 = await stripe.events.list({ created: { gte: since }, limit: 5 });
    expect(page1.has_more).toBe(true);
    seen.push(...page1.data.map((event) => event.id));
    // Newer events arrive between pages; the cursor still walks back through the older ones only.
    for (let index = 0; index < 3; index += 1) await stripe.customers.create({});
    const page2 = await stripe.events.list({
      created: { gte: since },
      limit: 5,
      starting_after: page1.data.at(-1)!.id,
    });
    expect(page2.has_more).toBe(false);
    seen.push(...page2.data.map((event) => event.id));
    expect(seen).toHaveLength(first.length);
    expect(new Set(seen).size).toBe(first.length);
    expect(typesOf(page2).every((type) => type === 'product.created')).toBe(true);
    // Polling forward from the newest seen event picks up exactly the new ones.
    const newer = await stripe.events.list({ created: { gte: since }, ending_before: seen[0]! });
    expect(typesOf(newer)).toEqual(['customer.created', 'customer.created', 'customer.created']);
    expect(newer.has_more).toBe(false);
  });

  it('answers 404 resource_missing for an unknown event', async () => {
    const error = await stripe.events.retrieve('evt_missing').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });
});
