// Tests of webhook delivery: signatures, retries, pending counts and the delivery log.
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { startEmulatorWithReceiver } from '../test-support/sdk.js';
import { startWebhookReceiver, type WebhookReceiver } from '../test-support/webhook-receiver.js';

const SECRET = 'whsec_test_delivery_secret';
let receiver: WebhookReceiver;
let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, receiver, close } = await startEmulatorWithReceiver(SECRET, {
    webhookRetry: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: 4, timeoutMs: 300 },
  }));
});
afterAll(() => close());
beforeEach(() => {
  emulator.reset();
  receiver.received.length = 0;
  receiver.respondWith = () => 200;
  receiver.hangForMs = 0;
});

async function settled(): Promise<void> {
  expect(await emulator.webhooks.waitForIdle(5_000)).toBe(true);
}

describe('webhook delivery', () => {
  it('posts each event signed so that stripe.webhooks.constructEvent accepts it with the endpoint secret', async () => {
    const customer = await stripe.customers.create({ email: 'hook@example.com' });
    await settled();
    expect(receiver.received).toHaveLength(1);
    const [webhook] = receiver.received;
    const signature = webhook!.headers['stripe-signature'] as string;
    const event = stripe.webhooks.constructEvent(webhook!.body, signature, SECRET);
    expect(event.type).toBe('customer.created');
    expect((event.data.object as Stripe.Customer).id).toBe(customer.id);
    expect(webhook!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(webhook!.headers['user-agent']).toBe('Stripe/1.0 (+https://stripe.com/docs/webhooks)');
  });

  it('is rejected by constructEvent with another secret', async () => {
    await stripe.customers.create({});
    await settled();
    const [webhook] = receiver.received;
    expect(() =>
      stripe.webhooks.constructEvent(
        webhook!.body,
        webhook!.headers['stripe-signature'] as string,
        'whsec_someone_else',
      ),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });

  it('keeps pending_webhooks at the number of endpoints still owed', async () => {
    receiver.respondWith = () => 500;
    const other = await startWebhookReceiver();
    try {
      await stripe.webhookEndpoints.create({ url: other.url, enabled_events: ['customer.created'] });
      const customer = await stripe.customers.create({});
      await settled();
      const [event] = (await stripe.events.list({ type: 'customer.created' })).data;
      expect(event?.data.object).toMatchObject({ id: customer.id });
      // The receiver that kept failing is still owed; the other one got it.
      expect(event?.pending_webhooks).toBe(1);
      const failures = await stripe.events.list({ delivery_success: false });
      expect(failures.data.map((item) => item.id)).toContain(event?.id);
    } finally {
      await other.close();
    }
  });

  it('retries after a 500 from the receiver until it answers 2xx', async () => {
    receiver.respondWith = (_webhook, index) => (index < 2 ? 500 : 200);
    await stripe.customers.create({});
    await settled();
    const attempts = emulator.webhooks.deliveries({ event_type: 'customer.created' });
    expect(attempts.map((attempt) => [attempt.attempt, attempt.status_code, attempt.succeeded])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 200, true],
    ]);
    const signatures = receiver.received.map((webhook) => webhook.headers['stripe-signature']);
    expect(new Set(signatures).size).toBeGreaterThanOrEqual(1);
    for (const webhook of receiver.received) {
      expect(() =>
        stripe.webhooks.constructEvent(webhook.body, webhook.headers['stripe-signature'] as string, SECRET),
      ).not.toThrow();
    }
  });

  it('gives up after maxAttempts and logs a timeout as an error without a status', async () => {
    receiver.hangForMs = 1_000;
    await stripe.customers.create({});
    await settled();
    const attempts = emulator.webhooks.deliveries();
    expect(attempts).toHaveLength(4);
    expect(attempts.every((attempt) => attempt.status_code === null && !attempt.succeeded)).toBe(true);
    expect(attempts[0]?.error).toContain('timed out');
    expect(attempts.at(-1)?.next_retry_at).toBeNull();
  });

  it('delivers only the events an endpoint enabled, and nothing to a disabled endpoint', async () => {
    const other = await startWebhookReceiver();
    try {
      const endpoint = await stripe.webhookEndpoints.create({
        url: other.url,
        enabled_events: ['product.created'],
      });
      await stripe.customers.create({});
      await stripe.products.create({ name: 'Pro' });
      await settled();
      expect(other.received.map((webhook) => webhook.event.type)).toEqual(['product.created']);
      await stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
      await stripe.products.create({ name: 'Team' });
      await settled();
      expect(other.received).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('signs a resend with the wall-clock time of sending, whatever the emulator clock says', async () => {
    await stripe.customers.create({});
    await settled();
    const [event] = (await stripe.events.list({ limit: 1 })).data;
    emulator.context.clock.advance(6 * 60 * 60);
    const response = await fetch(`${emulator.url}/_emulator/webhooks/resend/${event!.id}`, {
      method: 'POST',
    });
    expect(await response.json()).toEqual({ event: event!.id, deliveries: 1 });
    await settled();
    const resent = receiver.received[1]!;
    expect(resent.event.id).toBe(event!.id);
    const header = resent.headers['stripe-signature'] as string;
    const signedAt = Number(/t=(\d+)/.exec(header)?.[1]);
    expect(Math.abs(signedAt - Math.floor(resent.receivedAt / 1000))).toBeLessThanOrEqual(1);
    const verified = stripe.webhooks.constructEvent(resent.body, header, SECRET);
    expect(verified.id).toBe(event!.id);
  });

  it('holds deliveries while paused and sends them on resume', async () => {
    const pause = await fetch(`${emulator.url}/_emulator/webhooks/pause`, { method: 'POST' });
    expect(pause.status).toBe(200);
    await stripe.customers.create({});
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(0);
    expect(await emulator.webhooks.waitForIdle(50)).toBe(false);
    await fetch(`${emulator.url}/_emulator/webhooks/resume`, { method: 'POST' });
    const idle = await fetch(`${emulator.url}/_emulator/webhooks/idle?timeout_ms=5000`);
    expect(await idle.json()).toEqual({ idle: true, pending: 0 });
    expect(receiver.received).toHaveLength(1);
  });

  it('answers the API before a slow receiver has answered the webhook', async () => {
    receiver.hangForMs = 250;
    const started = Date.now();
    await stripe.customers.create({});
    expect(Date.now() - started).toBeLessThan(200);
    await settled();
  });

  it('lists delivery attempts through the control API', async () => {
    const customer = await stripe.customers.create({});
    await settled();
    const response = await fetch(`${emulator.url}/_emulator/webhooks/deliveries?event_type=customer.created`);
    const body = (await response.json()) as { data: Array<Record<string, unknown>> };
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({
      event_type: 'customer.created',
      endpoint_id: emulator.webhooks.endpoints[0]!.id,
      attempt: 1,
      status_code: 200,
      succeeded: true,
      error: null,
    });
    expect(customer.id).toMatch(/^cus_/);
  });
});
