// Tests of `invoice.upcoming` before a renewal, when the account setting is on.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { eventMarker, eventsSince } from '../test-support/billing-events.js';
import { advanceTestClock, customerOnTestClock, recurringPrice, utc } from '../test-support/billing.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

async function setUpcomingRenewalDays(days: number | null): Promise<unknown> {
  const response = await fetch(`${emulator.url}/_emulator/billing/settings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ upcoming_renewal_days: days }),
  });
  return response.json();
}

async function monthlyOnClock(start: number) {
  const { clock, customer } = await customerOnTestClock(stripe, start);
  const price = await recurringPrice(stripe, 2500);
  const subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: price.id }],
  });
  return { clock, subscription };
}

describe('invoice.upcoming', () => {
  it('is sent the configured days before each renewal with the next invoice as payload', async () => {
    expect(await setUpcomingRenewalDays(7)).toMatchObject({ upcomingRenewalDays: 7 });
    try {
      const start = utc('2026-06-01T10:00:00Z');
      const { clock, subscription } = await monthlyOnClock(start);
      const marker = eventMarker(emulator);
      await advanceTestClock(stripe, clock.id, utc('2026-07-02T00:00:00Z'));
      const types = eventsSince(emulator, marker).map((event) => event.type);
      expect(types.indexOf('invoice.upcoming')).toBeGreaterThan(-1);
      expect(types.indexOf('invoice.upcoming')).toBeLessThan(types.indexOf('invoice.created'));
      const upcoming = eventsSince(emulator, marker).filter((event) => event.type === 'invoice.upcoming');
      expect(upcoming).toHaveLength(1);
      const [event] = upcoming;
      expect(event?.created).toBe(utc('2026-06-24T10:00:00Z'));
      const preview = event?.data.object as unknown as Stripe.Invoice;
      expect(preview).toMatchObject({
        object: 'invoice',
        amount_due: 2500,
        billing_reason: 'subscription_cycle',
      });
      expect(preview.parent?.subscription_details?.subscription).toBe(subscription.id);
      expect(preview.lines.data[0]?.period).toMatchObject({
        start: utc('2026-07-01T10:00:00Z'),
        end: utc('2026-08-01T10:00:00Z'),
      });
      // Not for a subscription that will not renew.
      await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
      const later = eventMarker(emulator);
      await advanceTestClock(stripe, clock.id, utc('2026-07-30T00:00:00Z'));
      expect(eventsSince(emulator, later).map((entry) => entry.type)).not.toContain('invoice.upcoming');
    } finally {
      await setUpcomingRenewalDays(null);
    }
  });

  it('is not sent unless the setting is on', async () => {
    const { clock } = await monthlyOnClock(utc('2026-06-01T10:00:00Z'));
    const marker = eventMarker(emulator);
    await advanceTestClock(stripe, clock.id, utc('2026-07-02T00:00:00Z'));
    expect(eventsSince(emulator, marker).map((event) => event.type)).not.toContain('invoice.upcoming');
  });
});
