// Tests of webhook endpoints through the official SDK.
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index.js';
import { startEmulatorWithClient } from '../test-support/sdk.js';

let emulator: RunningEmulator;
let stripe: Stripe;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ emulator, stripe, close } = await startEmulatorWithClient({
    webhooks: [{ url: 'http://127.0.0.1:9/configured', secret: 'whsec_configured' }],
  }));
});
afterAll(() => close());

describe('webhook endpoints through the official SDK', () => {
  it('returns the whsec_ secret on create only', async () => {
    const created = await stripe.webhookEndpoints.create({
      url: 'https://example.test/hooks',
      enabled_events: ['customer.created', 'invoice.paid'],
      description: 'Billing',
      metadata: { team: 'billing' },
    });
    expect(created.secret).toMatch(/^whsec_/);
    expect(created).toMatchObject({
      object: 'webhook_endpoint',
      status: 'enabled',
      enabled_events: ['customer.created', 'invoice.paid'],
      description: 'Billing',
      metadata: { team: 'billing' },
    });
    const retrieved = await stripe.webhookEndpoints.retrieve(created.id);
    expect(retrieved.secret).toBeUndefined();
  });

  it('updates url, events, description and disabled, lists and deletes', async () => {
    const created = await stripe.webhookEndpoints.create({ url: 'https://a.test/x', enabled_events: ['*'] });
    const updated = await stripe.webhookEndpoints.update(created.id, {
      url: 'https://b.test/y',
      enabled_events: ['product.created'],
      disabled: true,
    });
    expect(updated).toMatchObject({
      url: 'https://b.test/y',
      enabled_events: ['product.created'],
      status: 'disabled',
    });
    const listed = await stripe.webhookEndpoints.list({ limit: 100 });
    expect(listed.data.map((endpoint) => endpoint.id)).toContain(created.id);
    await expect(stripe.webhookEndpoints.del(created.id)).resolves.toMatchObject({ deleted: true });
    const error = await stripe.webhookEndpoints.retrieve(created.id).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 404 });
  });

  it('lists the endpoint registered at start', async () => {
    const listed = await stripe.webhookEndpoints.list({ limit: 100 });
    expect(listed.data.map((endpoint) => endpoint.url)).toContain('http://127.0.0.1:9/configured');
    expect(emulator.webhooks.endpoints[0]?.secret).toBe('whsec_configured');
  });

  it('rejects a bad url and bad enabled_events with the param named', async () => {
    const badUrl = await stripe.webhookEndpoints
      .create({ url: 'not a url', enabled_events: ['*'] })
      .catch((caught: unknown) => caught);
    expect(badUrl).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((badUrl as Stripe.errors.StripeError).param).toBe('url');
    const badEvents = await stripe.webhookEndpoints
      .create({ url: 'https://x.test', enabled_events: ['Customer Created' as '*'] })
      .catch((caught: unknown) => caught);
    expect((badEvents as Stripe.errors.StripeError).param).toBe('enabled_events[0]');
  });
});
