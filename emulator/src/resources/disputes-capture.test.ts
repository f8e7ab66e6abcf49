// Manual capture and disputes through the official SDK.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { eventMarker, eventTypesSince } from '../test-support/billing-events.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());

describe('manual capture', () => {
  it('authorizes (requires_capture, uncaptured charge), then captures part of it', async () => {
    const marker = eventMarker(emulator);
    const authorized = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    expect(authorized).toMatchObject({
      status: 'requires_capture',
      amount_capturable: 2000,
      amount_received: 0,
    });
    const charge = await stripe.charges.retrieve(authorized.latest_charge as string);
    expect(charge).toMatchObject({ status: 'succeeded', paid: true, captured: false, amount_captured: 0 });
    const tooMuch = await stripe.paymentIntents
      .capture(authorized.id, { amount_to_capture: 2500 })
      .catch((error: Stripe.errors.StripeError) => error);
    expect(tooMuch).toMatchObject({ statusCode: 400, param: 'amount_to_capture' });
    const captured = await stripe.paymentIntents.capture(authorized.id, { amount_to_capture: 1500 });
    expect(captured).toMatchObject({ status: 'succeeded', amount_capturable: 0, amount_received: 1500 });
    expect(await stripe.charges.retrieve(charge.id)).toMatchObject({ captured: true, amount_captured: 1500 });
    expect(eventTypesSince(emulator, marker)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.amount_capturable_updated',
      'charge.captured',
      'payment_intent.succeeded',
    ]);
    const again = await stripe.paymentIntents
      .capture(authorized.id)
      .catch((error: Stripe.errors.StripeError) => error);
    expect(again).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
  });
});

describe('disputes', () => {
  it('opens an inquiry on the createDisputeInquiry card; lists, updates and closes it', async () => {
    const marker = eventMarker(emulator);
    const paymentIntent = await stripe.paymentIntents.create({
      amount: 100,
      currency: 'usd',
      payment_method: 'pm_card_createDisputeInquiry',
      confirm: true,
    });
    expect(paymentIntent.status).toBe('succeeded');
    const listed = await stripe.disputes.list({ payment_intent: paymentIntent.id });
    expect(listed.data).toHaveLength(1);
    const dispute = listed.data[0]!;
    expect(dispute).toMatchObject({
      status: 'warning_needs_response',
      amount: 100,
      charge: paymentIntent.latest_charge,
    });
    expect((await stripe.charges.retrieve(dispute.charge as string)).disputed).toBe(true);
    const updated = await stripe.disputes.update(dispute.id, {
      metadata: { case: '7' },
      evidence: { uncategorized_text: 'Delivered in person' },
    });
    expect(updated.evidence.uncategorized_text).toBe('Delivered in person');
    const unknown = await stripe.disputes
      .update(dispute.id, { evidence: { nonsense: 'x' } } as Stripe.DisputeUpdateParams)
      .catch((error: Stripe.errors.StripeError) => error);
    expect(unknown).toMatchObject({ statusCode: 400, code: 'parameter_unknown' });
    const closed = await stripe.disputes.close(dispute.id);
    expect(closed.status).toBe('warning_closed');
    const twice = await stripe.disputes.close(dispute.id).catch((error: Stripe.errors.StripeError) => error);
    expect(twice).toMatchObject({ statusCode: 400 });
    expect(eventTypesSince(emulator, marker).filter((type) => type.startsWith('charge.dispute.'))).toEqual([
      'charge.dispute.created',
      'charge.dispute.updated',
      'charge.dispute.closed',
    ]);
  });

  it('loses a closed fraudulent chargeback (createDispute card)', async () => {
    const paymentIntent = await stripe.paymentIntents.create({
      amount: 500,
      currency: 'usd',
      payment_method: 'pm_card_createDispute',
      confirm: true,
    });
    const [dispute] = (await stripe.disputes.list({ charge: paymentIntent.latest_charge as string })).data;
    expect(dispute).toMatchObject({ status: 'needs_response', reason: 'fraudulent' });
    expect((await stripe.disputes.close(dispute!.id)).status).toBe('lost');
  });
});
