// Tests that webhook signatures carry the wall-clock time whatever the emulator's clocks say.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClock, type RunningEmulator } from '../index.js';
import { advanceTestClock, customerOnTestClock, recurringPrice } from '../test-support/billing.js';
import { advanceGlobalClock } from '../test-support/checkout.js';
import { startEmulatorWithReceiver } from '../test-support/sdk.js';
import type { WebhookReceiver } from '../test-support/webhook-receiver.js';

const SECRET = 'whsec_signature_time';
const DAY = 86_400;
// The emulator's clock starts three days behind the wall clock: every event is "old" when it is delivered.
const START_BEHIND = 3 * DAY;
let receiver: WebhookReceiver;
let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, receiver, close } = await startEmulatorWithReceiver(SECRET, {
    clock: createClock(Math.floor(Date.now() / 1000) - START_BEHIND),
    webhookRetry: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: 3, timeoutMs: 1000 },
  }));
});
afterAll(() => close());
beforeEach(() => {
  emulator.reset();
  receiver.received.length = 0;
});

/**
 * A receiver as strict as the service's: the HMAC must match and |wall now - t| must be at most 300 s in either
 * direction (stripe-node's own check only refuses timestamps in the past, so it cannot catch future ones).
 */
function strictlyVerify(body: string, header: string): number {
  const timestamp = Number(/(?:^|,)t=(\d+)/.exec(header)?.[1]);
  const signature = /(?:^|,)v1=([0-9a-f]+)/.exec(header)?.[1] ?? '';
  const expected = createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest();
  const matches = signature.length === 64 && timingSafeEqual(Buffer.from(signature, 'hex'), expected);
  const skew = Math.abs(Math.floor(Date.now() / 1000) - timestamp);
  if (!matches || skew > 300) throw new Error(`signature refused: matches ${matches}, skew ${skew} s`);
  return timestamp;
}

async function settled(): Promise<void> {
  expect(await emulator.webhooks.waitForIdle(5_000)).toBe(true);
}

describe('webhook signature timestamps', () => {
  it('verifies a redelivery days after the event was created', async () => {
    await stripe.customers.create({ email: 'old@example.com' });
    await settled();
    const [event] = (await stripe.events.list({ limit: 1 })).data;
    expect(Date.now() / 1000 - event!.created).toBeGreaterThan(START_BEHIND - 60);
    expect(emulator.webhooks.resend(event!.id)).toBe(1);
    await settled();
    const resent = receiver.received[1]!;
    expect(resent.event.id).toBe(event!.id);
    const header = resent.headers['stripe-signature'] as string;
    expect(strictlyVerify(resent.body, header) - event!.created).toBeGreaterThan(START_BEHIND - 60);
    expect(stripe.webhooks.constructEvent(resent.body, header, SECRET).id).toBe(event!.id);
  });
  it('signs events caused by a test clock advance with the wall clock too', async () => {
    const price = await recurringPrice(stripe, 1500);
    const frozen = Math.floor(Date.now() / 1000) + 30 * DAY;
    const { clock, customer } = await customerOnTestClock(stripe, frozen);
    await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
    await advanceTestClock(stripe, clock.id, frozen + 32 * DAY);
    await settled();
    const renewal = receiver.received.filter((entry) => entry.event.type === 'invoice.paid');
    expect(renewal.length).toBe(2);
    for (const webhook of receiver.received) {
      strictlyVerify(webhook.body, webhook.headers['stripe-signature'] as string);
    }
  });

  // Last: the global clock only moves forward, and the other tests need it three days behind.
  it('signs with the wall clock after the global emulator clock moved days ahead', async () => {
    await advanceGlobalClock(emulator, START_BEHIND + 5 * DAY);
    const customer = await stripe.customers.create({ email: 'future@example.com' });
    await settled();
    const webhook = receiver.received.find((entry) => entry.event.type === 'customer.created');
    expect(webhook).toBeDefined();
    // The event lives in emulator time, five days ahead; its signature does not.
    expect(customer.created).toBeGreaterThan(Date.now() / 1000 + 4 * DAY);
    const header = webhook!.headers['stripe-signature'] as string;
    const signedAt = strictlyVerify(webhook!.body, header);
    expect(stripe.webhooks.constructEvent(webhook!.body, header, SECRET).id).toBe(webhook!.event.id);
    const [attempt] = emulator.webhooks.deliveries({ event_id: webhook!.event.id });
    expect(attempt?.signed_at).toBe(signedAt);
  });
});
