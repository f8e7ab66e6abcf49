// Tests of webhook fault injection: duplicates, delays and reordering.
import type Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { startEmulatorWithReceiver } from '../test-support/sdk.js';
import type { WebhookReceiver } from '../test-support/webhook-receiver.js';

let receiver: WebhookReceiver;
let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, receiver, close } = await startEmulatorWithReceiver('whsec_faults', {
    webhookRetry: { initialDelayMs: 20, maxAttempts: 3, concurrency: 1 },
  }));
});
afterAll(() => close());
beforeEach(() => {
  emulator.reset();
  receiver.received.length = 0;
});

async function addWebhookFault(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${emulator.url}/_emulator/webhooks/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('webhook fault injection', () => {
  it('delivers an event twice with a duplicate fault, each copy validly signed', async () => {
    expect((await addWebhookFault({ type: 'duplicate', count: 1 })).status).toBe(200);
    await stripe.customers.create({});
    expect(await emulator.webhooks.waitForIdle(5_000)).toBe(true);
    expect(receiver.received.map((webhook) => webhook.event.type)).toEqual([
      'customer.created',
      'customer.created',
    ]);
    expect(receiver.received[0]?.event.id).toBe(receiver.received[1]?.event.id);
    for (const webhook of receiver.received) {
      expect(() =>
        stripe.webhooks.constructEvent(
          webhook.body,
          webhook.headers['stripe-signature'] as string,
          'whsec_faults',
        ),
      ).not.toThrow();
    }
    expect(emulator.webhooks.deliveries().map((attempt) => attempt.kind)).toEqual(['original', 'duplicate']);
  });

  it('holds the first attempt for delay_ms, only for the matching event types', async () => {
    await addWebhookFault({ type: 'delay', delay_ms: 200, event_type: 'product.*' });
    await stripe.products.create({ name: 'Slow' });
    await stripe.customers.create({});
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received.map((webhook) => webhook.event.type)).toEqual(['customer.created']);
    expect(await emulator.webhooks.waitForIdle(5_000)).toBe(true);
    expect(receiver.received.map((webhook) => webhook.event.type)).toEqual([
      'customer.created',
      'product.created',
    ]);
  });

  it('shuffles the deliveries that fall into one reorder window', async () => {
    await addWebhookFault({ type: 'reorder', window_ms: 150 });
    const created: string[] = [];
    for (let index = 0; index < 8; index += 1) created.push((await stripe.customers.create({})).id);
    expect(await emulator.webhooks.waitForIdle(5_000)).toBe(true);
    const delivered = receiver.received.map(
      (webhook) => (webhook.event.data as { object: { id: string } }).object.id,
    );
    expect([...delivered].sort()).toEqual([...created].sort());
    // 8 items keep their order by chance once in 40,320 shuffles.
    expect(delivered).not.toEqual(created);
  });

  it('keeps events in order without faults (one delivery at a time per endpoint here)', async () => {
    const created: string[] = [];
    for (let index = 0; index < 5; index += 1) created.push((await stripe.customers.create({})).id);
    expect(await emulator.webhooks.waitForIdle(5_000)).toBe(true);
    expect(
      receiver.received.map((webhook) => (webhook.event.data as { object: { id: string } }).object.id),
    ).toEqual(created);
  });

  it('lists and clears webhook faults', async () => {
    await addWebhookFault({ type: 'duplicate' });
    const listed = (await (await fetch(`${emulator.url}/_emulator/webhooks/faults`)).json()) as {
      data: unknown[];
    };
    expect(listed.data).toHaveLength(1);
    await fetch(`${emulator.url}/_emulator/webhooks/faults`, { method: 'DELETE' });
    expect(emulator.webhooks.faults.list()).toEqual([]);
    expect((await addWebhookFault({ type: 'delay' })).status).toBe(400);
  });
});
