// Security suite, redaction proven: the whole log stream (the pino destination shared by the API, the inbox worker
// and the outgoing-webhook delivery worker, at trace level) of a run of every flow, searched for every credential
// the run used and for every credential shape: none may appear.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryWorker } from '../outgoing-webhooks/delivery-worker.js';
import { checkout, createCustomer, portalAction } from '../test-support/billing-flows.js';
import { startBillingWorld, WEBHOOK_SECRET, type BillingWorld } from '../test-support/billing-world.js';
import { postWebhook } from '../test-support/webhook-delivery.js';
import { signPayload } from '../test-support/stripe-events.js';
import { REDACTED } from './logger.js';

const STRIPE_SECRET_KEY = `sk_test_${'RedactionProof0'.repeat(3)}`;
const DATABASE_PASSWORD = 'db-Pa55word-redaction-proof';
const CARD_NUMBERS = ['4242424242424242', '4000 0566 5566 5556', '5555-5555-5555-4444'];

/** Shapes of credentials, whatever their value: nothing in the log may match one. */
const CREDENTIAL_SHAPES: Array<[string, RegExp]> = [
  ['our API key', /bsk_(?:test_|live_)?[A-Za-z0-9]{8,}/],
  ['a customer token', /bct_[A-Za-z0-9_-]{8,}/],
  ['a Stripe secret key', /sk_(?:test|live)_[A-Za-z0-9]{4,}/],
  ['a Stripe restricted key', /rk_(?:test|live)_[A-Za-z0-9]{4,}/],
  ['a webhook signing secret', /whsec_[A-Za-z0-9+/=_-]{4,}/],
  ['a signature', /\bv[01]=[0-9a-f]{16,}/],
  ['an Authorization value', /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/i],
];

/** Card-shaped numbers (13 to 19 digits, grouped or not, passing the Luhn check) inside the JSON strings of a log. */
function findCardNumbers(text: string): string[] {
  const found: string[] = [];
  for (const literal of text.match(/"(?:[^"\\]|\\.)*"/g) ?? []) {
    // Bounded repeats of a digit after an optional non-digit separator: no catastrophic backtracking.
    // eslint-disable-next-line security/detect-unsafe-regex
    for (const candidate of literal.match(/(?<![\w.-])\d(?:(?:[ +-]|%20)?\d){12,18}(?![\w.-])/g) ?? []) {
      const digits = candidate.replace(/[ +-]|%20/g, '');
      const sum = [...digits]
        .reverse()
        .map((digit, index) => (index % 2 === 1 ? ((Number(digit) * 2 - 1) % 9) + 1 : Number(digit)))
        .reduce((total, digit) => total + digit, 0);
      if (sum % 10 === 0) found.push(candidate);
    }
  }
  return found;
}

/** A receiver for our outgoing webhooks that accepts everything. */
async function startReceiver(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests += 1;
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('API8:2023 Security Misconfiguration — no credential in the logs of a run of every flow', () => {
  let world: BillingWorld;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** Every credential value the run used. */
  const used: Record<string, string> = {};
  let logText = '';

  beforeAll(async () => {
    receiver = await startReceiver();
    world = await startBillingWorld({
      environment: { LOG_LEVEL: 'trace', STRIPE_SECRET_KEY, RATE_LIMIT_MAX: '100000' },
      databasePassword: DATABASE_PASSWORD,
    });
    const { dependencies } = world;
    used.stripeSecretKey = STRIPE_SECRET_KEY;
    used.stripeWebhookSecret = WEBHOOK_SECRET;
    used.databasePassword = new URL(dependencies.config.database.url ?? 'postgres://unset').password;
    const apiKey = await dependencies.apiKeys.create({ name: 'redaction', scopes: ['billing', 'admin'] });
    used.apiKey = apiKey.key;
    const revoked = await dependencies.apiKeys.create({ name: 'revoked', scopes: ['billing'] });
    await dependencies.apiKeys.revoke(revoked.record.id);
    used.revokedKey = revoked.key;

    // Outgoing webhooks: an endpoint (its secret shown once), a rotation, and a delivery worker signing to it.
    const endpoint = await world.call('POST', '/v1/webhook-endpoints', {
      url: receiver.url,
      event_types: ['*'],
    });
    expect(endpoint.statusCode).toBe(201);
    const endpointBody = endpoint.json<{ id: string; secret: string }>();
    used.endpointSecret = endpointBody.secret;
    const rotated = await world.call('POST', `/v1/webhook-endpoints/${endpointBody.id}/rotate-secret`, {
      overlap_hours: 1,
    });
    expect(rotated.statusCode).toBe(200);
    used.rotatedEndpointSecret = rotated.json<{ secret: string }>().secret;
    const deliveryWorker = createDeliveryWorker({
      pool: dependencies.pool,
      outbox: dependencies.outbox,
      logger: dependencies.logger,
      registry: dependencies.metrics.registry,
      settings: { ...dependencies.config.outgoingWebhooks, pollIntervalMs: 20 },
    });
    deliveryWorker.start();

    // Customers, one-time, cart and subscription checkout completed through the emulator, its signed webhooks.
    for (const customer of ['buyer', 'cart', 'subscriber']) await createCustomer(world, customer);
    await checkout(world, {
      customer: 'buyer',
      mode: 'payment',
      items: [{ lookup_key: 'guide_pdf', quantity: 1 }],
    });
    await checkout(world, {
      customer: 'cart',
      mode: 'payment',
      items: [
        { lookup_key: 'guide_pdf', quantity: 1 },
        { lookup_key: 'mug', quantity: 2 },
      ],
    });
    await checkout(world, {
      customer: 'subscriber',
      mode: 'subscription',
      items: [{ lookup_key: 'pro_monthly', quantity: 1 }],
    });
    await world.settle();

    // Portal, entitlements, a refund through our API.
    await portalAction(world, 'subscriber', 'cancel', {
      subscription: (await world.stripe.subscriptions.list({ limit: 1 })).data[0]!.id,
    });
    expect((await world.call('GET', '/v1/customers/subscriber/entitlements')).statusCode).toBe(200);
    expect((await world.call('GET', '/v1/entitlements/buyer/guide')).statusCode).toBe(200);
    const orders = await world.call('GET', '/v1/customers/buyer/orders');
    const orderId = orders.json<{ data: Array<{ id: string }> }>().data[0]!.id;
    expect((await world.call('POST', `/v1/orders/${orderId}/refunds`, { amount: 100 })).statusCode).toBe(201);

    // A customer token: minted, used for its customer, refused for another, sent in a query string.
    const minted = await world.call('POST', '/v1/customer-tokens', { customer: 'subscriber' });
    expect(minted.statusCode).toBe(201);
    used.customerToken = minted.json<{ token: string }>().token;
    const asCustomer = (url: string) =>
      world.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${used.customerToken}` } });
    expect((await asCustomer('/v1/customers/subscriber/entitlements')).statusCode).toBe(200);
    expect((await asCustomer('/v1/customers/buyer/entitlements')).statusCode).toBe(403);
    const tokenInQuery = await world.app.inject({
      method: 'GET',
      url: `/v1/customers/subscriber/entitlements?token=${used.customerToken}`,
    });
    expect(tokenInQuery.statusCode).toBe(401);

    // Signed webhooks with bad signatures: a wrong secret, a stale timestamp, a tampered body.
    const payload = JSON.stringify({ id: 'evt_forged', object: 'event', type: 'charge.refunded' });
    const forged = signPayload(payload, 'whsec_not_the_endpoint_secret_at_all');
    used.forgedSignature = /v1=([0-9a-f]+)/.exec(forged)![1]!;
    const valid = signPayload(payload, WEBHOOK_SECRET);
    used.validSignature = /v1=([0-9a-f]+)/.exec(valid)![1]!;
    expect((await postWebhook(world.app, payload, forged)).statusCode).toBe(400);
    expect((await postWebhook(world.app, `${payload} `, valid)).statusCode).toBe(400);
    const stale = signPayload(payload, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 3600);
    expect((await postWebhook(world.app, payload, stale)).statusCode).toBe(400);

    // Credentials where callers should never put them: a key in the query string, refused keys in
    // Authorization, a card number in a path and a query.
    const inQuery = await world.app.inject({ method: 'GET', url: `/v1/catalog?api_key=${used.apiKey}` });
    expect(inQuery.statusCode).toBe(401);
    const basic = `Basic ${Buffer.from('admin:hunter2-basic-password').toString('base64')}`;
    used.basicCredentials = basic.slice('Basic '.length);
    for (const authorization of [`Bearer ${used.revokedKey}`, 'Bearer not-a-key-at-all-123', basic]) {
      const refused = await world.app.inject({
        method: 'GET',
        url: '/v1/catalog',
        headers: { authorization },
      });
      expect(refused.statusCode).toBe(401);
    }
    for (const card of CARD_NUMBERS) {
      const response = await world.call(
        'GET',
        `/v1/customers/${encodeURIComponent(card)}?card=${encodeURIComponent(card)}`,
      );
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
    }

    // And a careless line, as a future bug would write it: every secret in a message, a field and an error.
    dependencies.logger.error(
      {
        err: new Error(`could not reach ${dependencies.config.database.url ?? ''} with ${STRIPE_SECRET_KEY}`),
        headers: {
          authorization: `Bearer ${used.apiKey}`,
          'proxy-authorization': basic,
          'stripe-signature': valid,
        },
        body: { card: CARD_NUMBERS[0], secret: used.endpointSecret, webhook: WEBHOOK_SECRET },
      },
      `careless: ${used.rotatedEndpointSecret} ${forged} ${CARD_NUMBERS[1]} ${used.customerToken}`,
    );

    await world.settle();
    const deadline = Date.now() + 10_000;
    while (receiver.requests() === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 25));
    await deliveryWorker.stop();
    logText = world.logText();
  }, 120_000);

  afterAll(async () => {
    await world?.closeAll();
    await receiver?.close();
  });

  it('captured the whole run: requests, webhooks, the worker and the deliveries, with credentials masked', () => {
    const lines = logText.split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThan(25);
    expect(logText).toContain('inbox worker started');
    expect(logText).toContain('"msg":"request completed"');
    expect(logText).toContain('webhook rejected: bad signature');
    expect(logText).toContain('careless:');
    expect(logText).toContain(REDACTED);
    expect(receiver.requests()).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
  });

  it.each([
    'apiKey',
    'revokedKey',
    'stripeSecretKey',
    'stripeWebhookSecret',
    'databasePassword',
    'endpointSecret',
    'rotatedEndpointSecret',
    'forgedSignature',
    'validSignature',
    'basicCredentials',
    'customerToken',
  ])('never writes the %s the run used', (name) => {
    const value = used[name];
    expect(value, name).toBeTruthy();
    // Not even a part: any 12 characters of it in a row (a mask that stops early leaves the rest behind).
    for (let start = 0; start + 12 <= value!.length; start += 1) {
      const part = value!.slice(start, start + 12);
      expect(logText.includes(part), `${name}: ${part}`).toBe(false);
    }
  });

  it.each(CREDENTIAL_SHAPES)('writes nothing shaped like %s', (_name, shape) => {
    expect(shape.exec(logText)?.[0]).toBeUndefined();
  });

  it('writes no card-shaped number at all', () => {
    expect(findCardNumbers(logText)).toEqual([]);
  });

  it.each(CARD_NUMBERS)('never writes the card number %s, with or without its separators', (card) => {
    expect(logText.includes(card)).toBe(false);
    expect(logText.includes(card.replace(/[ -]/g, ''))).toBe(false);
    expect(logText.includes(encodeURIComponent(card))).toBe(false);
  });
});
