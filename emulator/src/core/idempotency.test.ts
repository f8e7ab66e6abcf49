// Tests of idempotent requests: replays, conflicts, mismatched parameters and key scope.
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { IdempotencyStore } from './idempotency.js';
import { startEmulatorWithClient, stripeClientFor } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());
beforeEach(() => emulator.reset());

function customerCount(): number {
  return emulator.summary().counts.customer ?? 0;
}

async function rawPost(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer sk_test_raw',
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe('idempotent requests', () => {
  it('replays the first response byte for byte with Idempotent-Replayed and the original request id', async () => {
    const first = await rawPost('/v1/customers', 'email=a%40example.com', { 'idempotency-key': 'key-1' });
    const second = await rawPost('/v1/customers', 'email=a%40example.com', { 'idempotency-key': 'key-1' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('original-request')).toBe(first.headers.get('request-id'));
    expect(second.headers.get('request-id')).not.toBe(first.headers.get('request-id'));
    expect(customerCount()).toBe(1);
  });

  it('shows the replay to the SDK through lastResponse headers', async () => {
    const first = await stripe.customers.create({ name: 'Ann' }, { idempotencyKey: 'sdk-key' });
    const second = await stripe.customers.create({ name: 'Ann' }, { idempotencyKey: 'sdk-key' });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
  });

  it('saves nothing for params that fail validation, so the same key works with corrected params', async () => {
    const bad = await rawPost('/v1/customers', 'email[nested]=x', { 'idempotency-key': 'fix-me' });
    expect(bad.status).toBe(400);
    expect((JSON.parse(bad.text) as { error: { param: string } }).error.param).toBe('email');
    const again = await rawPost('/v1/customers', 'email[nested]=x', { 'idempotency-key': 'fix-me' });
    expect(again.status).toBe(400);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    const fixed = await rawPost('/v1/customers', 'email=fixed%40example.com', {
      'idempotency-key': 'fix-me',
    });
    expect(fixed.status).toBe(200);
    expect(customerCount()).toBe(1);
    const replay = await rawPost('/v1/customers', 'email=fixed%40example.com', {
      'idempotency-key': 'fix-me',
    });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('replays a stored 400 raised while executing (a state conflict)', async () => {
    const paymentIntent = await stripe.paymentIntents.create({
      amount: 1000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    const path = `/v1/payment_intents/${paymentIntent.id}/cancel`;
    const first = await rawPost(path, '', { 'idempotency-key': 'cancel-paid' });
    const second = await rawPost(path, '', { 'idempotency-key': 'cancel-paid' });
    expect(first.status).toBe(400);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
  });

  it('replays a stored 402 decline', async () => {
    const body = 'amount=1000&currency=usd&payment_method=pm_card_chargeDeclined&confirm=true';
    const first = await rawPost('/v1/payment_intents', body, { 'idempotency-key': 'declined' });
    const second = await rawPost('/v1/payment_intents', body, { 'idempotency-key': 'declined' });
    expect(first.status).toBe(402);
    expect(second.status).toBe(402);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(emulator.summary().counts.payment_intent).toBe(1);
  });

  it('rejects the same key with other parameters: 400 idempotency_error → StripeIdempotencyError', async () => {
    await stripe.customers.create({ name: 'Ann' }, { idempotencyKey: 'reuse' });
    const error = await stripe.customers
      .create({ name: 'Bob' }, { idempotencyKey: 'reuse' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((error as Stripe.errors.StripeError).statusCode).toBe(400);
    expect((error as Stripe.errors.StripeError).message).toContain(
      'Keys for idempotent requests can only be used with the same parameters they were first used with',
    );
    expect(customerCount()).toBe(1);
  });

  it('rejects the same key on another endpoint', async () => {
    await stripe.customers.create({ name: 'Ann' }, { idempotencyKey: 'cross' });
    const error = await stripe.products
      .create({ name: 'Ann' }, { idempotencyKey: 'cross' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('answers 409 idempotency_error while the first request with the key is still executing', async () => {
    emulator.faults.add({ type: 'latency', endpoint: 'POST /v1/customers', latency_ms: 300, count: 1 });
    const first = stripe.customers.create({ name: 'Slow' }, { idempotencyKey: 'in-flight' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    const error = await stripe.customers
      .create({ name: 'Slow' }, { idempotencyKey: 'in-flight' })
      .catch((caught: unknown) => caught);
    // stripe-node maps a 409 to StripeAPIError (its StripeIdempotencyError is for 400s); the raw type tells.
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect((error as Stripe.errors.StripeError).statusCode).toBe(409);
    expect((error as Stripe.errors.StripeError).rawType).toBe('idempotency_error');
    const created = await first;
    const replayed = await stripe.customers.create({ name: 'Slow' }, { idempotencyKey: 'in-flight' });
    expect(replayed.id).toBe(created.id);
  });

  it('lets an SDK with retries ride out the 409 and receive the replay', async () => {
    const retrying = stripeClientFor(emulator, { maxNetworkRetries: 3 });
    emulator.faults.add({ type: 'latency', endpoint: 'POST /v1/customers', latency_ms: 200, count: 1 });
    const first = retrying.customers.create({ name: 'R' }, { idempotencyKey: 'retry-409' });
    await new Promise((resolve) => setTimeout(resolve, 40));
    const second = await retrying.customers.create({ name: 'R' }, { idempotencyKey: 'retry-409' });
    expect(second.id).toBe((await first).id);
    expect(customerCount()).toBe(1);
  });

  it('scopes keys per API key', async () => {
    const other = new Stripe('sk_test_other_account', {
      host: new URL(emulator.url).hostname,
      port: Number(new URL(emulator.url).port),
      protocol: 'http',
    });
    const mine = await stripe.customers.create({ name: 'A' }, { idempotencyKey: 'shared' });
    const theirs = await other.customers.create({ name: 'A' }, { idempotencyKey: 'shared' });
    expect(theirs.id).not.toBe(mine.id);
  });

  it("keeps keys when the emulator's clock moves a month on: Stripe ages them in wall time", async () => {
    const first = await stripe.customers.create({ name: 'A' }, { idempotencyKey: 'kept' });
    emulator.context.clock.advance(31 * 24 * 60 * 60);
    const again = await stripe.customers.create({ name: 'A' }, { idempotencyKey: 'kept' });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(customerCount()).toBe(1);
  });

  it('forgets keys 24 hours of wall time after first use', () => {
    let now = 1_800_000_000;
    const store = new IdempotencyStore({ now: () => now });
    expect(store.begin('sk', 'old', 'POST', '/v1/customers', {})).toEqual({ kind: 'execute' });
    store.complete('sk', 'old', { statusCode: 200, body: '{}', requestId: 'req_1' });
    now += 24 * 60 * 60 - 1;
    expect(store.begin('sk', 'old', 'POST', '/v1/customers', {}).kind).toBe('replay');
    now += 2;
    expect(store.begin('sk', 'old', 'POST', '/v1/customers', {})).toEqual({ kind: 'execute' });
  });

  it('saves nothing for an injected 500, so a retry with the same key executes', async () => {
    emulator.faults.add({ type: 'error', endpoint: 'POST /v1/customers', count: 1 });
    const error = await stripe.customers
      .create({ name: 'A' }, { idempotencyKey: 'after-500' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    const created = await stripe.customers.create({ name: 'A' }, { idempotencyKey: 'after-500' });
    expect(created.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(customerCount()).toBe(1);
  });

  it("replays to the SDK's own retry when the response to its auto-keyed POST is lost", async () => {
    emulator.faults.add({ type: 'drop', phase: 'after', endpoint: 'POST /v1/customers', count: 1 });
    const retrying = stripeClientFor(emulator, { maxNetworkRetries: 2 });
    const created = await retrying.customers.create({ email: 'lost@example.com' });
    expect(created.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(customerCount()).toBe(1);
  });

  it('ignores idempotency keys on GET requests', async () => {
    const customer = await stripe.customers.create({ name: 'A' });
    const first = await fetch(`${emulator.url}/v1/customers/${customer.id}`, {
      headers: { authorization: 'Bearer sk_test_x', 'idempotency-key': 'get-key' },
    });
    const second = await fetch(`${emulator.url}/v1/customers?limit=1`, {
      headers: { authorization: 'Bearer sk_test_x', 'idempotency-key': 'get-key' },
    });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
  });
});
