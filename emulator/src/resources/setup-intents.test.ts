// SetupIntents through the official SDK: saving a card, a declined card, 3D Secure, cancelling.
import Stripe from 'stripe';
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

describe('setup intents', () => {
  it('saves a card for the customer: created, confirmed, attached, succeeded', async () => {
    const customer = await stripe.customers.create({ email: 'save@example.com' });
    const marker = eventMarker(emulator);
    const created = await stripe.setupIntents.create({
      customer: customer.id,
      description: 'Card on file',
    });
    expect(created).toMatchObject({
      status: 'requires_payment_method',
      usage: 'off_session',
      customer: customer.id,
    });
    expect(created.client_secret?.startsWith(`${created.id}_secret_`)).toBe(true);
    const confirmed = await stripe.setupIntents.confirm(created.id, { payment_method: 'pm_card_visa' });
    expect(confirmed.status).toBe('succeeded');
    const paymentMethod = await stripe.paymentMethods.retrieve(confirmed.payment_method as string);
    expect(paymentMethod.customer).toBe(customer.id);
    expect(eventTypesSince(emulator, marker)).toEqual([
      'setup_intent.created',
      'payment_method.attached',
      'setup_intent.succeeded',
    ]);
    const listed = await stripe.setupIntents.list({ customer: customer.id });
    expect(listed.data.map((row) => row.id)).toEqual([created.id]);
  });

  it('answers a declined card with a card error naming the setup intent, and setup_failed', async () => {
    const marker = eventMarker(emulator);
    const error = await stripe.setupIntents
      .create({ payment_method: 'pm_card_chargeDeclined', confirm: true })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    const cardError = error as Stripe.errors.StripeCardError;
    expect(cardError).toMatchObject({
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'generic_decline',
    });
    const failed = await stripe.setupIntents.retrieve(cardError.setup_intent?.id as string);
    expect(failed).toMatchObject({ status: 'requires_payment_method', payment_method: null });
    expect(failed.last_setup_error?.decline_code).toBe('generic_decline');
    expect(eventTypesSince(emulator, marker)).toEqual(['setup_intent.created', 'setup_intent.setup_failed']);
  });

  it('needs the customer for a 3D Secure card, and cancels', async () => {
    const pending = await stripe.setupIntents.create({
      payment_method: 'pm_card_authenticationRequired',
      confirm: true,
    });
    expect(pending.status).toBe('requires_action');
    expect(pending.next_action?.type).toBe('use_stripe_sdk');
    const canceled = await stripe.setupIntents.cancel(pending.id, { cancellation_reason: 'abandoned' });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    const again = await stripe.setupIntents.cancel(pending.id).catch((caught: unknown) => caught);
    expect(again).toMatchObject({ statusCode: 400, code: 'setup_intent_unexpected_state' });
    const unknown = await stripe.setupIntents
      .create({ confirm: true, foo: 'bar' } as Stripe.SetupIntentCreateParams)
      .catch((caught: unknown) => caught);
    expect(unknown).toMatchObject({ statusCode: 400, code: 'parameter_unknown' });
  });
});
