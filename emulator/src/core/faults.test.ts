// Tests of API fault injection: latency, errors, rate limits and dropped connections.
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient());
});
afterAll(() => close());
beforeEach(() => emulator.reset());

/** Adds a fault through the HTTP control API, as a test in another process would. */
async function addFault(
  body: Record<string, unknown>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${emulator.url}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function failure(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as Stripe.errors.StripeError,
  );
}

describe('API fault injection', () => {
  it('answers the next 2 matching calls with a 500 api_error (StripeAPIError), then recovers', async () => {
    const { status, json } = await addFault({ type: 'error', endpoint: 'POST /v1/customers', count: 2 });
    expect(status).toBe(200);
    expect(json).toMatchObject({ type: 'error', status: 500, remaining: 2 });
    for (let call = 0; call < 2; call += 1) {
      const error = await failure(stripe.customers.create({}));
      expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
      expect(error.statusCode).toBe(500);
      expect(error.rawType).toBe('api_error');
      expect(error.requestId).toMatch(/^req_/);
    }
    await expect(stripe.customers.create({})).resolves.toMatchObject({ object: 'customer' });
    expect(emulator.faults.list()).toHaveLength(0);
  });

  it('answers 503 when asked for another 5xx status', async () => {
    await addFault({ type: 'error', status: 503, count: 1 });
    const error = await failure(stripe.customers.list());
    expect(error.statusCode).toBe(503);
  });

  it('answers 429 rate_limit, which the SDK raises as StripeRateLimitError', async () => {
    await addFault({ type: 'rate_limit', endpoint: 'GET /v1/customers', count: 1 });
    const error = await failure(stripe.customers.list());
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error.statusCode).toBe(429);
    expect(error.code).toBe('rate_limit');
  });

  it('drops the connection without a response: the SDK retries once by itself, then raises StripeConnectionError', async () => {
    await addFault({ type: 'drop', endpoint: 'POST /v1/customers', count: 2 });
    const error = await failure(stripe.customers.create({}));
    expect(error).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(emulator.summary().counts.customer ?? 0).toBe(0);
  });

  it('holds a request for latency_ms before it executes', async () => {
    await addFault({ type: 'latency', endpoint: 'GET /v1/customers/:id', latency_ms: 150 });
    const customer = await stripe.customers.create({});
    const started = Date.now();
    await stripe.customers.retrieve(customer.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const listStarted = Date.now();
    await stripe.customers.list();
    expect(Date.now() - listStarted).toBeLessThan(140);
  });

  it('matches only its endpoint pattern and method', async () => {
    await addFault({ type: 'error', endpoint: '/v1/products*' });
    await expect(stripe.customers.create({})).resolves.toBeDefined();
    expect((await failure(stripe.products.list())).statusCode).toBe(500);
    expect((await failure(stripe.products.create({ name: 'x' }))).statusCode).toBe(500);
  });

  it('never fires with probability 0', async () => {
    await addFault({ type: 'error', probability: 0 });
    for (let call = 0; call < 5; call += 1) await stripe.customers.list();
    expect(emulator.faults.list()[0]?.fired).toBe(0);
  });

  it('lists, removes and clears faults through the control API', async () => {
    const first = await addFault({ type: 'latency', latency_ms: 1 });
    await addFault({ type: 'rate_limit', count: 3 });
    const listed = (await (await fetch(`${emulator.url}/_emulator/faults`)).json()) as { data: unknown[] };
    expect(listed.data).toHaveLength(2);
    await fetch(`${emulator.url}/_emulator/faults/${String(first.json.id)}`, { method: 'DELETE' });
    expect(emulator.faults.list().map((fault) => fault.type)).toEqual(['rate_limit']);
    await fetch(`${emulator.url}/_emulator/faults`, { method: 'DELETE' });
    expect(emulator.faults.list()).toEqual([]);
  });

  it('leaves the control API itself alone', async () => {
    await addFault({ type: 'error' });
    const response = await fetch(`${emulator.url}/_emulator/state`);
    expect(response.status).toBe(200);
  });

  it('rejects a malformed fault with 400 and says which field', async () => {
    const { status, json } = await addFault({ type: 'explode' });
    expect(status).toBe(400);
    expect(json).toMatchObject({ error: { param: 'type' } });
    expect((await addFault({ type: 'error', status: 404 })).status).toBe(400);
    expect((await addFault({ type: 'error', probability: 2 })).status).toBe(400);
  });
});
