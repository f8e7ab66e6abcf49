// Tests of the control API: reset, state counts and waiting for webhook deliveries.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../index.js';
import { stripeClientFor } from '../test-support/sdk.js';

const SEED = {
  products: [
    {
      id: 'prod_pro',
      name: 'Pro',
      prices: [
        { lookup_key: 'pro_monthly', unit_amount: 2000, currency: 'usd', recurring: { interval: 'month' } },
      ],
    },
  ],
};

let emulator: RunningEmulator;
let stripe: Stripe;

beforeAll(async () => {
  emulator = await startEmulator({
    seed: SEED,
    webhooks: [{ url: 'http://127.0.0.1:9/unreachable', secret: 'whsec_kept' }],
    webhookRetry: { initialDelayMs: 60_000 },
  });
  stripe = stripeClientFor(emulator);
});
afterAll(() => emulator.close());

async function state(): Promise<{ counts: Record<string, number>; webhooks: { pending: number } }> {
  return (await (await fetch(`${emulator.url}/_emulator/state`)).json()) as {
    counts: Record<string, number>;
    webhooks: { pending: number };
  };
}

describe('reset and state through the control API', () => {
  it('counts objects per type, for "how many customers were created" assertions', async () => {
    await stripe.customers.create({});
    await stripe.customers.create({});
    const { counts } = await state();
    expect(counts.customer).toBe(2);
    expect(counts.product).toBe(1);
    expect(counts.price).toBe(1);
  });

  it('empties state, faults and idempotency keys on reset, and restores the start configuration', async () => {
    const customer = await stripe.customers.create({}, { idempotencyKey: 'before-reset' });
    emulator.faults.add({ type: 'latency', latency_ms: 1 });
    const response = await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' });
    expect(response.status).toBe(200);
    const { counts, webhooks } = await state();
    expect(counts.customer).toBe(0);
    expect(emulator.faults.list()).toEqual([]);
    const again = await stripe.customers.create({}, { idempotencyKey: 'before-reset' });
    expect(again.id).not.toBe(customer.id);
    // The seed catalog and the configured webhook endpoint come back, with the same secret and id.
    expect((await stripe.prices.list({ lookup_keys: ['pro_monthly'] })).data).toHaveLength(1);
    const endpoints = await stripe.webhookEndpoints.list();
    expect(endpoints.data.map((endpoint) => endpoint.id)).toEqual([emulator.webhooks.endpoints[0]!.id]);
    expect(webhooks.pending).toBeGreaterThan(0);
  });

  it('is not under /v1/ and needs no API key', async () => {
    const response = await fetch(`${emulator.url}/_emulator/state`);
    expect(response.status).toBe(200);
    expect(response.headers.get('request-id')).toMatch(/^req_/);
  });

  it('answers the idle route with idle false while deliveries are still owed', async () => {
    const response = await fetch(`${emulator.url}/_emulator/webhooks/idle?timeout_ms=20`);
    expect(await response.json()).toMatchObject({ idle: false });
    const bad = await fetch(`${emulator.url}/_emulator/webhooks/idle?timeout_ms=soon`);
    expect(bad.status).toBe(400);
  });
});
