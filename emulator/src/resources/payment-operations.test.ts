// Tests of updating and listing payment intents, charges, refunds and payment methods.
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

const ids = (list: { data: Array<{ id: string }> }) => list.data.map((row) => row.id);

describe('payment intents, charges and refunds: update and list', () => {
  it('updates an unconfirmed payment intent, then lists it by customer', async () => {
    const customer = await stripe.customers.create({ email: 'pi@example.com' });
    const other = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' });
    const paymentIntent = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      customer: customer.id,
    });
    expect(paymentIntent.status).toBe('requires_payment_method');
    const marker = eventMarker(emulator);
    const updated = await stripe.paymentIntents.update(paymentIntent.id, {
      amount: 1500,
      description: 'Order 9',
      metadata: { order: '9' },
    });
    expect(updated).toMatchObject({ amount: 1500, description: 'Order 9', metadata: { order: '9' } });
    expect(eventTypesSince(emulator, marker)).toEqual(['payment_intent.updated']);
    const confirmed = await stripe.paymentIntents.confirm(paymentIntent.id, {
      payment_method: 'pm_card_visa',
    });
    expect(confirmed).toMatchObject({ status: 'succeeded', amount_received: 1500 });
    expect(ids(await stripe.paymentIntents.list({ customer: customer.id }))).toEqual([paymentIntent.id]);
    expect(ids(await stripe.paymentIntents.list({ limit: 100 }))).toEqual(
      expect.arrayContaining([paymentIntent.id, other.id]),
    );
  });

  it('lists charges by payment intent and customer and updates their metadata', async () => {
    const customer = await stripe.customers.create({ email: 'charge@example.com' });
    const paymentIntent = await stripe.paymentIntents.create({
      amount: 700,
      currency: 'usd',
      customer: customer.id,
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const byIntent = await stripe.charges.list({ payment_intent: paymentIntent.id });
    expect(ids(byIntent)).toEqual([paymentIntent.latest_charge]);
    expect(ids(await stripe.charges.list({ customer: customer.id }))).toEqual([paymentIntent.latest_charge]);
    const marker = eventMarker(emulator);
    const updated = await stripe.charges.update(paymentIntent.latest_charge as string, {
      description: 'Mug',
      metadata: { sku: 'mug' },
    });
    expect(updated).toMatchObject({ description: 'Mug', metadata: { sku: 'mug' }, amount: 700 });
    expect(eventTypesSince(emulator, marker)).toEqual(['charge.updated']);
  });

  it('retrieves, updates and lists refunds, with the charge and refund events', async () => {
    const paymentIntent = await stripe.paymentIntents.create({
      amount: 900,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const marker = eventMarker(emulator);
    const refund = await stripe.refunds.create({ payment_intent: paymentIntent.id, amount: 400 });
    expect(refund).toMatchObject({ status: 'succeeded', amount: 400, charge: paymentIntent.latest_charge });
    expect(eventTypesSince(emulator, marker)).toEqual(
      expect.arrayContaining(['refund.created', 'charge.refunded']),
    );
    expect(await stripe.refunds.retrieve(refund.id)).toMatchObject({ id: refund.id, amount: 400 });
    const updated = await stripe.refunds.update(refund.id, { metadata: { reason: 'broken' } });
    expect(updated.metadata).toEqual({ reason: 'broken' });
    expect(ids(await stripe.refunds.list({ charge: paymentIntent.latest_charge as string }))).toEqual([
      refund.id,
    ]);
    expect(ids(await stripe.refunds.list({ payment_intent: paymentIntent.id }))).toEqual([refund.id]);
    const charge = await stripe.charges.retrieve(paymentIntent.latest_charge as string);
    expect(charge).toMatchObject({ amount_refunded: 400, refunded: false });
  });
});

describe('payment methods: create, update and list', () => {
  it('creates a card from a test number, updates its billing details and lists it on the customer', async () => {
    const customer = await stripe.customers.create({ email: 'pm@example.com' });
    const created = await stripe.paymentMethods.create({
      type: 'card',
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123' },
    });
    expect(created).toMatchObject({ type: 'card', customer: null });
    expect(created.card).toMatchObject({ last4: '4242', brand: 'visa', exp_month: 12, exp_year: 2034 });
    const updated = await stripe.paymentMethods.update(created.id, {
      billing_details: { name: 'Ann Card' },
      metadata: { source: 'test' },
    });
    expect(updated).toMatchObject({ billing_details: { name: 'Ann Card' }, metadata: { source: 'test' } });
    await stripe.paymentMethods.attach(created.id, { customer: customer.id });
    expect(ids(await stripe.paymentMethods.list({ customer: customer.id, type: 'card' }))).toEqual([
      created.id,
    ]);
    expect(ids(await stripe.customers.listPaymentMethods(customer.id))).toEqual([created.id]);
  });
});
