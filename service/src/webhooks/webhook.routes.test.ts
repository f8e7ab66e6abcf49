import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';
import { readReferenceEvent, reissueEvent, signPayload } from '../test-support/stripe-events.js';

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
    app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...(signature === undefined ? {} : { 'stripe-signature': signature }),
      },
      payload,
    });

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
