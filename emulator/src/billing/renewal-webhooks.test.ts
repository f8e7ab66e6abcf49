// Tests of subscription renewals on a test clock as a webhook receiver sees them.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { advanceTestClock, customerOnTestClock, recurringPrice, utc } from '../test-support/billing.js';
import { startEmulatorWithReceiver } from '../test-support/sdk.js';
import type { WebhookReceiver } from '../test-support/webhook-receiver.js';

const SECRET = 'whsec_renewals';
let receiver: WebhookReceiver;
let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, receiver, close } = await startEmulatorWithReceiver(SECRET, {
    webhookRetry: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: 3, timeoutMs: 1000 },
  }));
});
afterAll(() => close());

/** The delivered events, verified as a receiver does, oldest first. */
function deliveredEvents(): Stripe.Event[] {
  return receiver.received.map((webhook) =>
    stripe.webhooks.constructEvent(webhook.body, webhook.headers['stripe-signature'] as string, SECRET),
  );
}

describe('renewals on a test clock, as a webhook receiver sees them', () => {
  it('delivers three renewals with the new period on the items and the subscription on the invoice parent', async () => {
    const start = utc('2026-01-15T12:00:00Z');
    const { clock, customer } = await customerOnTestClock(stripe, start);
    const price = await recurringPrice(stripe, 1000);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      metadata: { account: 'acme' },
    });
    await advanceTestClock(stripe, clock.id, utc('2026-04-16T00:00:00Z'));
    expect(await emulator.webhooks.waitForIdle(5_000)).toBe(true);
    const events = deliveredEvents();
    expect(events.length).toBe(receiver.received.length);

    const periodEnds = [
      utc('2026-02-15T12:00:00Z'),
      utc('2026-03-15T12:00:00Z'),
      utc('2026-04-15T12:00:00Z'),
    ];
    const renewals = events.filter(
      (event) =>
        event.type === 'customer.subscription.updated' &&
        (event.data.previous_attributes as { items?: unknown } | undefined)?.items !== undefined,
    );
    expect(renewals).toHaveLength(3);
    renewals.forEach((event, index) => {
      const object = event.data.object as Stripe.Subscription;
      const [item] = object.items.data;
      expect(object).toMatchObject({ id: subscription.id, status: 'active', metadata: { account: 'acme' } });
      expect(item?.current_period_start).toBe(periodEnds[index]);
      expect(item?.current_period_end).toBe(index < 2 ? periodEnds[index + 1] : utc('2026-05-15T12:00:00Z'));
      // The event happens on the clock, at the moment the period turned.
      expect(event.created).toBe(periodEnds[index]);
      expect(event.request).toEqual({ id: null, idempotency_key: null });
    });

    const paid = events.filter((event) => event.type === 'invoice.paid').map((event) => event.data.object);
    expect(paid.map((invoice) => invoice.billing_reason)).toEqual([
      'subscription_create',
      'subscription_cycle',
      'subscription_cycle',
      'subscription_cycle',
    ]);
    for (const invoice of paid) {
      expect(invoice.status).toBe('paid');
      expect(invoice.parent?.subscription_details).toMatchObject({
        subscription: subscription.id,
        metadata: { account: 'acme' },
      });
      const [line] = invoice.lines.data;
      expect(line?.parent?.subscription_item_details?.subscription).toBe(subscription.id);
      expect(line?.pricing?.price_details?.price).toBe(price.id);
    }
    // Events of a clock months behind the emulator's own time are still listed (retention counts from when they
    // were recorded, not from the clock time they carry).
    const listed = await stripe.events.list({ type: 'invoice.paid', limit: 100 });
    expect(listed.data.map((event) => event.id)).toEqual(
      events
        .filter((event) => event.type === 'invoice.paid')
        .map((event) => event.id)
        .reverse(),
    );
    const payments = events.filter((event) => event.type === 'invoice_payment.paid');
    expect(payments).toHaveLength(4);
    expect(payments.map((event) => event.data.object.invoice)).toEqual(paid.map((invoice) => invoice.id));
  });
});
