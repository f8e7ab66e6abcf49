// Tests of test clocks.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { eventMarker, eventsSince, eventTypesSince } from '../test-support/billing-events.js';
import { advanceTestClock, customerOnTestClock, recurringPrice, utc } from '../test-support/billing.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

describe('test clocks', () => {
  it('advances asynchronously: advancing then ready, with the events', async () => {
    const clock = await stripe.testHelpers.testClocks.create({
      frozen_time: utc('2026-06-01T00:00:00Z'),
      name: 'June',
    });
    expect(clock).toMatchObject({ status: 'ready', name: 'June' });
    const marker = eventMarker(emulator);
    const advancing = await stripe.testHelpers.testClocks.advance(clock.id, {
      frozen_time: utc('2026-06-02T00:00:00Z'),
    });
    expect(advancing.status).toBe('advancing');
    let current = advancing;
    while (current.status === 'advancing') current = await stripe.testHelpers.testClocks.retrieve(clock.id);
    const ready = await advanceTestClock(stripe, clock.id, utc('2026-06-03T00:00:00Z'));
    expect(ready).toMatchObject({ status: 'ready', frozen_time: utc('2026-06-03T00:00:00Z') });
    expect(eventTypesSince(emulator, marker).slice(0, 2)).toEqual([
      'test_helpers.test_clock.advancing',
      'test_helpers.test_clock.ready',
    ]);
    const backwards = await stripe.testHelpers.testClocks
      .advance(clock.id, { frozen_time: utc('2026-01-01T00:00:00Z') })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(backwards).toMatchObject({ statusCode: 400, param: 'frozen_time' });
    const listed = await stripe.testHelpers.testClocks.list();
    expect(listed.data.map((row) => row.id)).toContain(clock.id);
  });

  it('deletes its customers and subscriptions with it', async () => {
    const { clock, customer } = await customerOnTestClock(stripe, utc('2026-06-01T00:00:00Z'));
    const price = await recurringPrice(stripe, 100);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    expect(subscription.test_clock).toBe(clock.id);
    const deleted = await stripe.testHelpers.testClocks.del(clock.id);
    expect(deleted.deleted).toBe(true);
    await expect(stripe.subscriptions.retrieve(subscription.id)).rejects.toMatchObject({ statusCode: 404 });
    await expect(stripe.testHelpers.testClocks.retrieve(clock.id)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('pauses a trial that ends without a payment method when asked, and resumes it', async () => {
    const start = utc('2026-06-01T00:00:00Z');
    const clock = await stripe.testHelpers.testClocks.create({ frozen_time: start });
    const customer = await stripe.customers.create({ email: 'pause@example.com', test_clock: clock.id });
    const price = await recurringPrice(stripe, 700);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 7,
      trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
    });
    const marker = eventMarker(emulator);
    await advanceTestClock(stripe, clock.id, start + 8 * 86_400);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('paused');
    expect(eventTypesSince(emulator, marker)).toContain('customer.subscription.paused');
    await stripe.paymentMethods
      .attach('pm_card_visa', { customer: customer.id })
      .then((pm) =>
        stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } }),
      );
    const resumed = await stripe.subscriptions.resume(subscription.id);
    expect(resumed.status).toBe('active');
    expect(resumed.items.data[0]?.current_period_start).toBe(start + 8 * 86_400);
    expect(await stripe.invoices.retrieve(resumed.latest_invoice as string)).toMatchObject({
      status: 'paid',
      amount_paid: 700,
    });
  });

  it('asks for authentication on a 3D Secure card at renewal: invoice.payment_action_required', async () => {
    const start = utc('2026-06-01T00:00:00Z');
    const { clock, customer } = await customerOnTestClock(stripe, start, 'pm_card_authenticationRequired');
    const price = await recurringPrice(stripe, 1100);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      trial_period_days: 3,
    });
    const marker = eventMarker(emulator);
    await advanceTestClock(stripe, clock.id, start + 4 * 86_400);
    const types = eventTypesSince(emulator, marker);
    expect(types).toContain('payment_intent.requires_action');
    expect(types).toContain('invoice.payment_action_required');
    const after = await stripe.subscriptions.retrieve(subscription.id);
    expect(after.status).toBe('past_due');
  });

  it('cancels at a cancel_at timestamp', async () => {
    const start = utc('2026-06-01T00:00:00Z');
    const { clock, customer } = await customerOnTestClock(stripe, start);
    const price = await recurringPrice(stripe, 400);
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    await stripe.subscriptions.update(subscription.id, { cancel_at: start + 10 * 86_400 });
    const marker = eventMarker(emulator);
    await advanceTestClock(stripe, clock.id, start + 11 * 86_400);
    const deleted = eventsSince(emulator, marker).find(
      (event) => event.type === 'customer.subscription.deleted',
    );
    expect(deleted?.created).toBe(start + 10 * 86_400);
    expect((await stripe.subscriptions.retrieve(subscription.id)).status).toBe('canceled');
  });
});
