// Billing meters, meter events, summaries and metered prices billed on invoices, through the official SDK.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { eventMarker, eventsSince, eventTypesSince } from '../test-support/billing-events.js';
import { advanceTestClock, customerOnTestClock, utc } from '../test-support/billing.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

let names = 0;
async function meter(formula: 'sum' | 'count' | 'last'): Promise<Stripe.Billing.Meter> {
  names += 1;
  return stripe.billing.meters.create({
    display_name: `API calls ${names}`,
    event_name: `api_calls_${names}`,
    default_aggregation: { formula },
  });
}

describe('billing meters', () => {
  it('creates, updates, lists, deactivates and reactivates a meter, with its events', async () => {
    const marker = eventMarker(emulator);
    const created = await meter('sum');
    expect(created).toMatchObject({
      object: 'billing.meter',
      status: 'active',
      customer_mapping: { event_payload_key: 'stripe_customer_id', type: 'by_id' },
      value_settings: { event_payload_key: 'value' },
      default_aggregation: { formula: 'sum' },
      status_transitions: { deactivated_at: null },
    });
    expect(created.id).toMatch(/^mtr_test_/);
    const renamed = await stripe.billing.meters.update(created.id, { display_name: 'Calls' });
    expect(renamed.display_name).toBe('Calls');
    const twin = await stripe.billing.meters
      .create({
        display_name: 'Twin',
        event_name: created.event_name,
        default_aggregation: { formula: 'count' },
      })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(twin).toMatchObject({ statusCode: 400, param: 'event_name' });
    const inactive = await stripe.billing.meters.deactivate(created.id);
    expect(inactive.status).toBe('inactive');
    expect(inactive.status_transitions.deactivated_at).toEqual(expect.any(Number));
    const listedInactive = await stripe.billing.meters.list({ status: 'inactive' });
    expect(listedInactive.data.map((row) => row.id)).toEqual([created.id]);
    const active = await stripe.billing.meters.reactivate(created.id);
    expect(active).toMatchObject({ status: 'active', status_transitions: { deactivated_at: null } });
    expect((await stripe.billing.meters.retrieve(created.id)).display_name).toBe('Calls');
    expect(eventTypesSince(emulator, marker)).toEqual([
      'billing.meter.created',
      'billing.meter.updated',
      'billing.meter.deactivated',
      'billing.meter.reactivated',
    ]);
    const updated = eventsSince(emulator, marker)[1];
    expect(updated?.data.previous_attributes).toMatchObject({ display_name: created.display_name });
  });

  it('refuses an unknown parameter and a metered price without an active meter', async () => {
    const unknown = await stripe.billing.meters
      .create({
        display_name: 'X',
        event_name: 'x_unknown',
        default_aggregation: { formula: 'sum' },
        colour: 'red',
      } as Stripe.Billing.MeterCreateParams)
      .catch((error: Stripe.errors.StripeError) => error);
    expect(unknown).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'colour' });
    const noMeter = await stripe.prices
      .create({
        currency: 'usd',
        unit_amount: 5,
        recurring: { interval: 'month', usage_type: 'metered' },
        product_data: { name: 'Calls' },
      })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(noMeter).toMatchObject({ statusCode: 400, param: 'recurring[meter]' });
    const off = await meter('sum');
    await stripe.billing.meters.deactivate(off.id);
    const deactivated = await stripe.prices
      .create({
        currency: 'usd',
        unit_amount: 5,
        recurring: { interval: 'month', usage_type: 'metered', meter: off.id },
        product_data: { name: 'Calls' },
      })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(deactivated).toMatchObject({ statusCode: 400, param: 'recurring[meter]' });
  });

  it('refuses a repeated identifier: the usage counts once', async () => {
    const sum = await meter('sum');
    const customer = await stripe.customers.create({ email: 'usage@example.com' });
    const now = Math.floor(Date.now() / 1000);
    const event = await stripe.billing.meterEvents.create({
      event_name: sum.event_name,
      identifier: 'report-2026-06-01',
      payload: { stripe_customer_id: customer.id, value: '7' },
      timestamp: now - 120,
    });
    expect(event).toMatchObject({
      object: 'billing.meter_event',
      identifier: 'report-2026-06-01',
      payload: { stripe_customer_id: customer.id, value: '7' },
      timestamp: now - 120,
    });
    const repeated = await stripe.billing.meterEvents
      .create({
        event_name: sum.event_name,
        identifier: 'report-2026-06-01',
        payload: { stripe_customer_id: customer.id, value: '7' },
      })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(repeated).toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
      message: 'An event already exists with identifier report-2026-06-01.',
    });
    const generated = await stripe.billing.meterEvents.create({
      event_name: sum.event_name,
      payload: { stripe_customer_id: customer.id, value: '3' },
    });
    expect(generated.identifier).toMatch(/^[0-9a-f-]{36}$/);
    const start = Math.floor((now - 3600) / 60) * 60;
    const summaries = await stripe.billing.meters.listEventSummaries(sum.id, {
      customer: customer.id,
      start_time: start,
      end_time: start + 7200,
    });
    expect(summaries.data).toEqual([
      expect.objectContaining({
        object: 'billing.meter_event_summary',
        aggregated_value: 10,
        meter: sum.id,
        start_time: start,
        end_time: start + 7200,
      }),
    ]);
    const old = await stripe.billing.meterEvents
      .create({
        event_name: sum.event_name,
        payload: { stripe_customer_id: customer.id, value: '1' },
        timestamp: now - 36 * 86_400,
      })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(old).toMatchObject({ statusCode: 400, param: 'timestamp' });
  });

  it('aggregates count and last, groups summaries by hour, newest first, and cancels an event', async () => {
    const count = await meter('count');
    const last = await meter('last');
    const customer = await stripe.customers.create({ email: 'hours@example.com' });
    const hour = Math.floor(Date.now() / 1000 / 3600) * 3600 - 2 * 3600;
    const send = (name: string, value: string, at: number, identifier?: string) =>
      stripe.billing.meterEvents.create({
        event_name: name,
        payload: { stripe_customer_id: customer.id, value },
        timestamp: at,
        ...(identifier ? { identifier } : {}),
      });
    await send(count.event_name, '1', hour + 10);
    await send(count.event_name, '1', hour + 20);
    await send(count.event_name, '1', hour + 3600 + 5, 'cancel-me');
    await send(last.event_name, '4', hour + 100);
    await send(last.event_name, '9', hour + 3700);
    await send(last.event_name, '2', hour + 3650);
    const counted = await stripe.billing.meters.listEventSummaries(count.id, {
      customer: customer.id,
      start_time: hour,
      end_time: hour + 2 * 3600,
      value_grouping_window: 'hour',
    });
    expect(counted.data.map((row) => [row.start_time, row.aggregated_value])).toEqual([
      [hour + 3600, 1],
      [hour, 2],
    ]);
    await stripe.billing.meterEventAdjustments.create({
      event_name: count.event_name,
      type: 'cancel',
      cancel: { identifier: 'cancel-me' },
    });
    const afterCancel = await stripe.billing.meters.listEventSummaries(count.id, {
      customer: customer.id,
      start_time: hour,
      end_time: hour + 2 * 3600,
    });
    expect(afterCancel.data[0]?.aggregated_value).toBe(2);
    const latest = await stripe.billing.meters.listEventSummaries(last.id, {
      customer: customer.id,
      start_time: hour,
      end_time: hour + 2 * 3600,
    });
    expect(latest.data[0]?.aggregated_value).toBe(9);
    const misaligned = await stripe.billing.meters
      .listEventSummaries(last.id, { customer: customer.id, start_time: hour + 30, end_time: hour + 3600 })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(misaligned).toMatchObject({ statusCode: 400, param: 'start_time' });
  });
});

describe('metered prices on invoices', () => {
  it('bills the period’s summed usage in arrears when the test clock passes the period end', async () => {
    const sum = await meter('sum');
    const start = utc('2026-06-01T00:00:00Z');
    const { clock, customer } = await customerOnTestClock(stripe, start);
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 5,
      recurring: { interval: 'month', usage_type: 'metered', meter: sum.id },
      product_data: { name: 'API calls' },
    });
    expect(price.recurring).toMatchObject({ usage_type: 'metered', meter: sum.id });
    const quantity = await stripe.subscriptions
      .create({ customer: customer.id, items: [{ price: price.id, quantity: 3 }] })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(quantity).toMatchObject({ statusCode: 400, param: 'items[0][quantity]' });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    const first = await stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(first).toMatchObject({ total: 0, status: 'paid' });
    expect(first.lines.data[0]).toMatchObject({ quantity: 0, amount: 0 });

    await advanceTestClock(stripe, clock.id, utc('2026-06-20T00:00:00Z'));
    const report = (value: string, at: string) =>
      stripe.billing.meterEvents.create({
        event_name: sum.event_name,
        payload: { stripe_customer_id: customer.id, value },
        timestamp: utc(at),
      });
    await report('10', '2026-06-02T00:00:00Z');
    await report('20.5', '2026-06-19T12:00:00Z');
    // The clock's "now" is the default timestamp: June 20, inside the period.
    await stripe.billing.meterEvents.create({
      event_name: sum.event_name,
      payload: { stripe_customer_id: customer.id, value: '1' },
    });
    const preview = await stripe.invoices.createPreview({ subscription: subscription.id });
    expect(preview.lines.data.find((line) => line.amount > 0)).toMatchObject({ quantity: 32, amount: 158 });

    await advanceTestClock(stripe, clock.id, utc('2026-07-01T02:00:00Z'));
    await report('100', '2026-07-01T01:00:00Z');
    const invoices = await stripe.invoices.list({ subscription: subscription.id });
    const renewal = invoices.data.find((invoice) => invoice.billing_reason === 'subscription_cycle');
    expect(renewal).toMatchObject({ status: 'paid', total: 158, amount_paid: 158 });
    const [line] = renewal?.lines.data ?? [];
    expect(line).toMatchObject({
      amount: 158,
      quantity: 32,
      period: { start: start, end: utc('2026-07-01T00:00:00Z') },
    });
    expect(String(line?.quantity_decimal)).toBe('31.5');
  });
});
