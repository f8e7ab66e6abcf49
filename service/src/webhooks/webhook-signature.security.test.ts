// Security suite, Stripe's webhooks: attacks on the Stripe-Signature header (authentication of Stripe's calls),
// an oversized body (resource consumption) and correctly signed bodies that are not what Stripe sends (unsafe
// consumption). Every refusal is a 400 (or 413) in our error shape and stores nothing; the real route over HTTP.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReferenceEvent, reissueEvent } from '../test-support/stripe-events.js';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';
import { postWebhook, type WebhookResponse } from '../test-support/webhook-delivery.js';

const SECRET = 'whsec_security_suite_current';
const PREVIOUS_SECRET = 'whsec_security_suite_previous';
const BODY_LIMIT = 64 * 1024;

const hmac = (secret: string, timestamp: number, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
const now = () => Math.floor(Date.now() / 1000);

let eventNumber = 0;
/** A real Stripe event under a fresh id, as text. */
function freshEvent(): { id: string; payload: string } {
  eventNumber += 1;
  const id = `evt_security_${eventNumber}_${Date.now()}`;
  return { id, payload: reissueEvent(readReferenceEvent('customer_updated'), id) };
}

describe('Stripe webhook endpoint (security suite)', () => {
  let database: TestDatabase;
  let testApp: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    testApp = await buildTestApp({
      databaseUrl: database.url,
      environment: {
        STRIPE_WEBHOOK_SECRET: `${SECRET},${PREVIOUS_SECRET}`,
        HTTP_BODY_LIMIT_BYTES: String(BODY_LIMIT),
      },
    });
  });

  afterAll(async () => {
    await testApp.close();
    await database.drop();
  });

  const stored = async (id: string) =>
    Number(
      (
        await testApp.dependencies.pool.query<{ count: string }>(
          'SELECT count(*) FROM stripe_events WHERE id = $1',
          [id],
        )
      ).rows[0]?.count,
    );

  function expectRefused(response: WebhookResponse, status: number, code: string, reason: RegExp): void {
    expect(response.statusCode, response.body).toBe(status);
    const error = response.json<{ error: { code: string; message: string; request_id: string } }>().error;
    expect(error.code).toBe(code);
    expect(error.message).toMatch(reason);
    expect(error.request_id).toBe(response.headers['x-request-id']);
  }

  describe('API2:2023 Broken Authentication — Stripe-Signature attacks', () => {
    const attacks: Array<[string, (payload: string) => string | undefined, RegExp]> = [
      ['no Stripe-Signature header', () => undefined, /missing_signature/],
      ['an empty header', () => '', /missing_signature/],
      [
        'a signature made with the wrong secret',
        (p) => `t=${now()},v1=${hmac('whsec_attacker', now(), p)}`,
        /no_matching_signature/,
      ],
      [
        'only a v0 signature (the old scheme), even a correct one',
        (p) => `t=${now()},v0=${hmac(SECRET, now(), p)}`,
        /malformed_signature/,
      ],
      ['a timestamp without any signature', () => `t=${now()}`, /malformed_signature/],
      [
        'a v1 that is not hex',
        (p) => `t=${now()},v1=${hmac(SECRET, now(), p).replace(/./g, 'z')}`,
        /malformed_signature/,
      ],
      [
        'a v1 one character short',
        (p) => `t=${now()},v1=${hmac(SECRET, now(), p).slice(1)}`,
        /malformed_signature/,
      ],
      ['a non-numeric timestamp', (p) => `t=soon,v1=${hmac(SECRET, now(), p)}`, /malformed_signature/],
      [
        'several v1, none valid',
        (p) => `t=${now()},v1=${hmac('a', now(), p)},v1=${hmac('b', now(), p)}`,
        /no_matching_signature/,
      ],
      [
        'a signature of another timestamp',
        (p) => `t=${now()},v1=${hmac(SECRET, now() - 60, p)}`,
        /no_matching_signature/,
      ],
      [
        'a timestamp 301 s old (just past the tolerance)',
        (p) => `t=${now() - 301},v1=${hmac(SECRET, now() - 301, p)}`,
        /timestamp_outside_tolerance/,
      ],
      [
        'a timestamp 301 s ahead (just past the tolerance)',
        (p) => `t=${now() + 301},v1=${hmac(SECRET, now() + 301, p)}`,
        /timestamp_outside_tolerance/,
      ],
      [
        'a timestamp ten years ahead',
        (p) => `t=${now() + 315_360_000},v1=${hmac(SECRET, now() + 315_360_000, p)}`,
        /timestamp_outside_tolerance/,
      ],
      ['the epoch as timestamp', (p) => `t=0,v1=${hmac(SECRET, 0, p)}`, /timestamp_outside_tolerance/],
      [
        'a second t= that tries to refresh an old signature',
        (p) => `t=${now() - 3600},v1=${hmac(SECRET, now() - 3600, p)},t=${now()}`,
        /no_matching_signature/,
      ],
      [
        'the current t= placed before an old one',
        (p) => `t=${now()},t=${now() - 3600},v1=${hmac(SECRET, now() - 3600, p)}`,
        /timestamp_outside_tolerance/,
      ],
    ];

    it.each(attacks)('refuses %s with 400 bad_request and stores nothing', async (_name, sign, reason) => {
      const { id, payload } = freshEvent();
      expectRefused(await postWebhook(testApp.app, payload, sign(payload)), 400, 'bad_request', reason);
      expect(await stored(id)).toBe(0);
    });

    it('refuses a correctly signed body changed by one byte', async () => {
      const { id, payload } = freshEvent();
      const header = `t=${now()},v1=${hmac(SECRET, now(), payload)}`;
      const oneByte = `${payload.slice(0, -1)} `;
      expect(oneByte).toHaveLength(payload.length);
      expectRefused(
        await postWebhook(testApp.app, oneByte, header),
        400,
        'bad_request',
        /no_matching_signature/,
      );
      expect(await stored(id)).toBe(0);
    });

    it('accepts several v1 of which one is valid (Stripe sends two during a secret roll)', async () => {
      const { id, payload } = freshEvent();
      const t = now();
      const header = `t=${t},v1=${hmac('whsec_other', t, payload)},v1=${hmac(SECRET, t, payload)}`;
      expect((await postWebhook(testApp.app, payload, header)).statusCode).toBe(200);
      expect(await stored(id)).toBe(1);
    });

    it.each([
      ['300 s old', -300],
      ['300 s ahead', 300],
      ['signed with the previous secret', 0],
    ])('accepts a signature at the tolerance edge: %s', async (name, offset) => {
      const { id, payload } = freshEvent();
      const t = now() + offset;
      const secret = name.includes('previous') ? PREVIOUS_SECRET : SECRET;
      expect(
        (await postWebhook(testApp.app, payload, `t=${t},v1=${hmac(secret, t, payload)}`)).statusCode,
      ).toBe(200);
      expect(await stored(id)).toBe(1);
    });

    it('refuses a replay of a captured delivery once its timestamp is past the tolerance', async () => {
      const { id, payload } = freshEvent();
      const capturedAt = now() - 301;
      const captured = `t=${capturedAt},v1=${hmac(SECRET, capturedAt, payload)}`;
      expectRefused(
        await postWebhook(testApp.app, payload, captured),
        400,
        'bad_request',
        /timestamp_outside_tolerance/,
      );
      expect(await stored(id)).toBe(0);
    });

    it('answers a replay within the tolerance as a duplicate and stores the event once', async () => {
      const { id, payload } = freshEvent();
      const header = `t=${now()},v1=${hmac(SECRET, now(), payload)}`;
      expect((await postWebhook(testApp.app, payload, header)).json()).toMatchObject({ duplicate: false });
      const replay = await postWebhook(testApp.app, payload, header);
      expect(replay.statusCode).toBe(200);
      expect(replay.json()).toMatchObject({ received: true, duplicate: true });
      expect(await stored(id)).toBe(1);
    });
  });

  describe('API4:2023 Unrestricted Resource Consumption — webhook bodies', () => {
    it('refuses a body over HTTP_BODY_LIMIT_BYTES with 413 payload_too_large, before checking the signature', async () => {
      const { id, payload } = freshEvent();
      const oversized = payload.replace(
        '"object": "event"',
        `"object": "event", "padding": "${'x'.repeat(BODY_LIMIT)}"`,
      );
      const header = `t=${now()},v1=${hmac(SECRET, now(), oversized)}`;
      expectRefused(await postWebhook(testApp.app, oversized, header), 413, 'payload_too_large', /too large/);
      expect(await stored(id)).toBe(0);
    });
  });

  describe('API10:2023 Unsafe Consumption of APIs — signed bodies that are not Stripe events', () => {
    const signed = (body: string) => `t=${now()},v1=${hmac(SECRET, now(), body)}`;
    const event = () => JSON.parse(freshEvent().payload) as Record<string, unknown>;
    const bodies: Array<[string, () => string, RegExp]> = [
      ['a JSON array', () => '[]', /not a Stripe event/],
      ['a JSON string', () => '"evt_1"', /not a Stripe event/],
      ['text that is not JSON', () => 'id=evt_1&type=invoice.paid', /not a Stripe event/],
      ['an event without an id', () => JSON.stringify({ ...event(), id: undefined }), /not a Stripe event/],
      [
        'an event whose id is not evt_',
        () => JSON.stringify({ ...event(), id: "x'; DROP TABLE stripe_events; --" }),
        /not a Stripe event/,
      ],
      ['an event with a numeric type', () => JSON.stringify({ ...event(), type: 42 }), /not a Stripe event/],
      [
        'an event created before 1970',
        () => JSON.stringify({ ...event(), created: -1 }),
        /not a Stripe event/,
      ],
      [
        'an event type that is not a type',
        () => JSON.stringify({ ...event(), type: "invoice.paid' OR 1=1" }),
        /not a Stripe event/,
      ],
      [
        'an event created after the year 9999',
        () => JSON.stringify({ ...event(), created: 253_402_300_800 }),
        /not a Stripe event/,
      ],
    ];

    it.each(bodies)('refuses %s with 400 bad_request, though signed', async (_name, make, reason) => {
      const body = make();
      const before = Number(
        (await testApp.dependencies.pool.query<{ count: string }>('SELECT count(*) FROM stripe_events'))
          .rows[0]?.count,
      );
      expectRefused(await postWebhook(testApp.app, body, signed(body)), 400, 'bad_request', reason);
      const after = Number(
        (await testApp.dependencies.pool.query<{ count: string }>('SELECT count(*) FROM stripe_events'))
          .rows[0]?.count,
      );
      expect(after).toBe(before);
    });

    it.each([
      [
        'an escaped NUL in a field',
        (payload: string) => payload.replace('"object": "event"', '"object": "event", "note": "a\\u0000b"'),
      ],
      [
        'a field nested 10 000 levels deep',
        (payload: string) => `{"deep": ${'['.repeat(10_000)}${']'.repeat(10_000)},${payload.slice(1)}`,
      ],
    ])(
      'stores a signed event with %s as its exact text (200): the worker, not the endpoint, reads it',
      async (_name, change) => {
        const { id, payload } = freshEvent();
        const body = change(payload);
        expect(body).not.toBe(payload);
        const response = await postWebhook(testApp.app, body, signed(body));
        expect(response.statusCode, response.body).toBe(200);
        const row = await testApp.dependencies.pool.query<{ payload: string }>(
          'SELECT payload FROM stripe_events WHERE id = $1',
          [id],
        );
        expect(row.rows[0]?.payload).toBe(body);
      },
    );
  });
});
