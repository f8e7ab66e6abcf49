import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';
import { readReferenceEvent, reissueEvent, signPayload } from '../test-support/stripe-events.js';
import { baseUrlOf, postWebhook } from '../test-support/webhook-delivery.js';

const secret = 'whsec_route_test_current';
const oldSecret = 'whsec_route_test_previous';

describe('POST /webhooks/stripe', () => {
  let database: TestDatabase;
  let testApp: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    testApp = await buildTestApp({
      databaseUrl: database.url,
      environment: { STRIPE_WEBHOOK_SECRET: `${secret},${oldSecret}` },
    });
  });

  afterAll(async () => {
    await testApp.close();
    await database.drop();
  });

  const post = (payload: string, signature: string | undefined, app = testApp.app) =>
    postWebhook(app, payload, signature);

  const storedRows = async (id: string) =>
    (
      await testApp.dependencies.pool.query<{
        payload: string;
        status: string;
        type: string;
        api_version: string;
        source: string;
        received_at: Date;
      }>('SELECT payload, status, type, api_version, source, received_at FROM stripe_events WHERE id = $1', [
        id,
      ])
    ).rows;

  it('stores a real signed event exactly as received, pending, and answers 200', async () => {
    const payload = readReferenceEvent('charge_refunded');
    const response = await post(payload, signPayload(payload, secret));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: true, event_id: JSON.parse(payload).id, duplicate: false });
    const id = (JSON.parse(payload) as { id: string }).id;
    const rows = await storedRows(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      payload,
      status: 'pending',
      type: 'charge.refunded',
      api_version: '2020-03-02',
      source: 'webhook',
    });
  });

  it('answers a duplicate delivery with 200 and changes nothing', async () => {
    const payload = reissueEvent(readReferenceEvent('invoice_paid'), 'evt_duplicate_route_test');
    expect((await post(payload, signPayload(payload, secret))).statusCode).toBe(200);
    const before = await storedRows('evt_duplicate_route_test');
    const again = await post(payload, signPayload(payload, oldSecret));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ received: true, event_id: 'evt_duplicate_route_test', duplicate: true });
    expect(await storedRows('evt_duplicate_route_test')).toEqual(before);
  });

  it('stores each of many concurrent deliveries once, duplicates included', async () => {
    const template = readReferenceEvent('product_updated');
    const payloads = Array.from({ length: 60 }, (_, index) =>
      reissueEvent(template, `evt_concurrent_${index % 40}`),
    );
    const responses = await Promise.all(
      payloads.map((payload) => post(payload, signPayload(payload, secret))),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(payloads.map(() => 200));
    const duplicates = responses.filter((response) => response.json<{ duplicate: boolean }>().duplicate);
    expect(duplicates).toHaveLength(20);
    const count = await testApp.dependencies.pool.query(
      "SELECT 1 FROM stripe_events WHERE id LIKE 'evt_concurrent_%'",
    );
    expect(count.rowCount).toBe(40);
  });

  it('accepts an event signed with the previous secret during a rotation', async () => {
    const payload = reissueEvent(readReferenceEvent('price_updated'), 'evt_rotation_route_test');
    expect((await post(payload, signPayload(payload, oldSecret))).statusCode).toBe(200);
    expect(await storedRows('evt_rotation_route_test')).toHaveLength(1);
  });

  const rejected: Array<[string, (payload: string) => string | undefined, RegExp]> = [
    ['a missing signature', () => undefined, /missing_signature/],
    ['a malformed signature', () => 't=abc,v1=zz', /malformed_signature/],
    [
      'a signature made with an unknown secret',
      (payload) => signPayload(payload, 'whsec_attacker'),
      /no_matching/,
    ],
    [
      'a signature older than 300 s',
      (payload) => signPayload(payload, secret, Math.floor(Date.now() / 1000) - 301),
      /timestamp_outside_tolerance/,
    ],
    [
      'a signature of another body',
      (payload) => signPayload(payload.replace('"livemode"', '"livemode" '), secret),
      /no_matching/,
    ],
  ];
  for (const [name, sign, reason] of rejected) {
    it(`rejects ${name} with 400 and stores nothing`, async () => {
      const id = `evt_rejected_${name.replaceAll(/\W/g, '_')}`;
      const payload = reissueEvent(readReferenceEvent('customer_updated'), id);
      const response = await post(payload, sign(payload));
      expect(response.statusCode).toBe(400);
      expect(response.json<{ error: { code: string; message: string } }>().error).toMatchObject({
        code: 'bad_request',
        message: expect.stringMatching(reason),
      });
      expect(await storedRows(id)).toEqual([]);
    });
  }

  it('rejects a correctly signed body that is not a Stripe event with 400', async () => {
    const payload = '{"hello":"world"}';
    const response = await post(payload, signPayload(payload, secret));
    expect(response.statusCode).toBe(400);
    expect(response.json<{ error: { message: string } }>().error.message).toMatch(/not a Stripe event/);
  });

  it('answers 503, so Stripe retries, when the database cannot store the event', async () => {
    const unreachable = await buildTestApp({
      environment: { STRIPE_WEBHOOK_SECRET: secret, DATABASE_CONNECTION_TIMEOUT_MS: '500' },
    });
    try {
      const payload = reissueEvent(readReferenceEvent('invoice_paid'), 'evt_database_down');
      const response = await post(payload, signPayload(payload, secret), unreachable.app);
      expect(response.statusCode).toBe(503);
      expect(response.json<{ error: { code: string } }>().error.code).toBe('service_unavailable');
      expect(response.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
      const failure = unreachable
        .logLines()
        .find((line) => line.msg === 'webhook not stored: database unavailable');
      expect(failure).toMatchObject({
        level: 50,
        event_id: 'evt_database_down',
        request_id: response.headers['x-request-id'],
      });
    } finally {
      await unreachable.close();
    }
  });

  it('counts deliveries by type and outcome', async () => {
    const metrics = await testApp.dependencies.metrics.registry.getSingleMetricAsString(
      'webhook_events_received_total',
    );
    expect(metrics).toMatch(/webhook_events_received_total\{type="charge.refunded",outcome="accepted"\} 1/);
    expect(metrics).toMatch(/type="invoice.paid",outcome="duplicate"\} 1/);
    expect(metrics).toMatch(/type="unverified",outcome="rejected"\} [6-9]/);
  });
});

// The endpoint is answered by node:http ahead of the Fastify app: what Fastify would otherwise give it is checked
// here, over real HTTP.
describe('POST /webhooks/stripe, the HTTP edges', () => {
  const bodyLimit = 8192;
  let database: TestDatabase;
  let testApp: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    testApp = await buildTestApp({
      databaseUrl: database.url,
      environment: { STRIPE_WEBHOOK_SECRET: secret, HTTP_BODY_LIMIT_BYTES: String(bodyLimit) },
    });
  });

  afterAll(async () => {
    await testApp.close();
    await database.drop();
  });

  const countStored = async () =>
    Number((await testApp.dependencies.pool.query('SELECT count(*) FROM stripe_events')).rows[0].count);

  it('refuses a body over the limit with 413 in the error shape, declared or chunked, and stores nothing', async () => {
    const event = JSON.parse(readReferenceEvent('customer_updated')) as Record<string, unknown>;
    const large = JSON.stringify({ ...event, id: 'evt_too_large', padding: 'x'.repeat(bodyLimit) });
    const declared = await postWebhook(testApp.app, large, signPayload(large, secret));
    expect(declared.statusCode).toBe(413);
    expect(declared.json()).toEqual({
      error: {
        code: 'payload_too_large',
        message: 'Request body is too large',
        request_id: declared.headers['x-request-id'],
      },
    });
    expect(declared.headers.connection).toBe('close');

    const chunks = [Buffer.from(large.slice(0, 5000)), Buffer.from(large.slice(5000))];
    const chunked = await fetch(`${await baseUrlOf(testApp.app)}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signPayload(large, secret) },
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(next);
        },
      }),
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    expect(await countStored()).toBe(0);
  });

  it('honours a well-formed X-Request-Id, ignores the query string, and sends no browser headers', async () => {
    const payload = reissueEvent(readReferenceEvent('invoice_paid'), 'evt_edges_request_id');
    const response = await postWebhook(
      testApp.app,
      payload,
      signPayload(payload, secret),
      { 'x-request-id': 'trace-123', origin: 'https://app.example.com' },
      '/webhooks/stripe?attempt=2',
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-request-id']).toBe('trace-123');
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['x-content-type-options']).toBeUndefined();
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(await countStored()).toBe(1);
  });

  it('leaves other methods on the path to the app, which answers 404', async () => {
    const response = await fetch(`${await baseUrlOf(testApp.app)}/webhooks/stripe`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('times every answer in the HTTP latency metric, by status', async () => {
    const payload = reissueEvent(readReferenceEvent('invoice_paid'), 'evt_edges_metrics');
    await postWebhook(testApp.app, payload, 'v1=forged');
    const metric = await testApp.dependencies.metrics.registry.getSingleMetricAsString(
      'http_request_duration_seconds',
    );
    expect(metric).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/webhooks\/stripe",status_code="200"\} 1/,
    );
    expect(metric).toMatch(/route="\/webhooks\/stripe",status_code="400"\} 1/);
    expect(metric).toMatch(/route="\/webhooks\/stripe",status_code="413"\} 2/);
  });

  it('asks the sender to close the connection once the service is draining', async () => {
    testApp.dependencies.readiness.markShuttingDown();
    const payload = reissueEvent(readReferenceEvent('invoice_paid'), 'evt_edges_draining');
    const response = await postWebhook(testApp.app, payload, signPayload(payload, secret));
    expect(response.statusCode).toBe(200);
    expect(response.headers.connection).toBe('close');
  });
});
