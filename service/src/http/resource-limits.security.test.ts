// Security suite, resource limits: body size, header size, URL and field lengths, cart size and quantities,
// metadata size, pagination caps on every list route, and slow clients; each refused with its own 4xx, the
// process unharmed. Over a real socket where the limit is the HTTP server's.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAppRoutes, routeName } from '../test-support/route-inventory.js';
import { sendRawRequest, type RawResponse } from '../test-support/raw-http.js';
import {
  CANCEL_URL,
  startSeededTestApp,
  SUCCESS_URL,
  type SeededTestApp,
} from '../test-support/seeded-test-app.js';

const BODY_LIMIT = 32 * 1024;
const REQUEST_TIMEOUT_MS = 400;

const listRoutes = (await listAppRoutes()).filter(
  (route) =>
    route.url.startsWith('/v1/') &&
    route.method === 'GET' &&
    route.querystring?.properties?.limit !== undefined,
);

describe('API4:2023 Unrestricted Resource Consumption — limits', () => {
  let world: SeededTestApp;
  let port: number;

  beforeAll(async () => {
    world = await startSeededTestApp({
      HTTP_BODY_LIMIT_BYTES: String(BODY_LIMIT),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      CHECKOUT_MAX_QUANTITY: '50',
      RATE_LIMIT_MAX: '100000',
    });
    await world.app.listen({ host: '127.0.0.1', port: 0 });
    port = (world.app.server.address() as AddressInfo).port;
    expect(
      (await world.call('POST', '/v1/customers', { external_id: 'limits1', email: 'l1@example.com' }))
        .statusCode,
    ).toBe(201);
  });

  afterAll(async () => {
    await world.closeAll();
  });

  function expectError(response: { statusCode: number; body: string }, status: number, code: string): void {
    expect(response.statusCode, response.body).toBe(status);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code, request_id: expect.any(String) } });
  }
  const raw = (request: string, pauseMs?: number, pieces?: string[]): Promise<RawResponse> =>
    sendRawRequest({ port, pieces: pieces ?? [request], ...(pauseMs === undefined ? {} : { pauseMs }) });
  const cart = (changes: Record<string, unknown>) => ({
    customer: 'limits1',
    mode: 'payment',
    items: [{ lookup_key: 'mug', quantity: 1 }],
    success_url: SUCCESS_URL,
    cancel_url: CANCEL_URL,
    ...changes,
  });

  it.each([
    ['/v1/customers', { external_id: 'big1', email: 'big@example.com', name: 'x'.repeat(BODY_LIMIT) }],
    ['/v1/checkout/sessions', cart({ metadata: { note: 'x'.repeat(BODY_LIMIT) } })],
    [
      '/v1/webhook-endpoints',
      { url: 'https://shop.example/h', event_types: ['*'], pad: 'x'.repeat(BODY_LIMIT) },
    ],
  ])('refuses a body over HTTP_BODY_LIMIT_BYTES on %s with 413 payload_too_large', async (url, body) => {
    expectError(await world.call('POST', url, body), 413, 'payload_too_large');
  });

  it('refuses a chunked body that grows past the limit with 413, without a Content-Length', async () => {
    const chunk = 'x'.repeat(16 * 1024);
    const head = `POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${world.apiKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;
    const piece = `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
    expectError(await raw('', 0, [head, piece, piece, piece, '0\r\n\r\n']), 413, 'payload_too_large');
  });

  it('refuses headers over the limit with 431 request_header_fields_too_large', async () => {
    const response = await raw(
      `GET /v1/catalog HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
    );
    expectError(response, 431, 'request_header_fields_too_large');
  });

  it('refuses an Authorization header over the limit with 431, not by looking the key up', async () => {
    const response = await raw(
      `GET /v1/catalog HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer bsk_${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
    );
    expectError(response, 431, 'request_header_fields_too_large');
  });

  it('refuses a path parameter longer than the router accepts with 414 uri_too_long', async () => {
    expectError(await world.call('GET', `/v1/customers/${'a'.repeat(5000)}`), 414, 'uri_too_long');
  });

  it.each([
    [
      'an external_id over 255 characters',
      '/v1/customers',
      { external_id: 'a'.repeat(256), email: 'a@example.com' },
      'external_id',
    ],
    [
      'an email over 512 characters',
      '/v1/customers',
      { external_id: 'long1', email: `${'a'.repeat(520)}@example.com` },
      'email',
    ],
    [
      'more than 40 metadata keys',
      '/v1/customers',
      {
        external_id: 'meta1',
        email: 'm@example.com',
        metadata: Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`k${i}`, 'v'])),
      },
      'metadata',
    ],
    [
      'a metadata key over 40 characters',
      '/v1/customers',
      { external_id: 'meta2', email: 'm@example.com', metadata: { ['k'.repeat(41)]: 'v' } },
      'metadata',
    ],
    [
      'a metadata value over 500 characters',
      '/v1/customers',
      { external_id: 'meta3', email: 'm@example.com', metadata: { k: 'v'.repeat(501) } },
      'metadata.k',
    ],
    [
      'a cart of 101 items',
      '/v1/checkout/sessions',
      cart({ items: Array.from({ length: 101 }, () => ({ lookup_key: 'mug', quantity: 1 })) }),
      'items',
    ],
    [
      'a quantity over CHECKOUT_MAX_QUANTITY',
      '/v1/checkout/sessions',
      cart({ items: [{ lookup_key: 'mug', quantity: 51 }] }),
      'items[0].quantity',
    ],
    [
      'a quantity of 2^53',
      '/v1/checkout/sessions',
      cart({ items: [{ lookup_key: 'mug', quantity: 2 ** 53 }] }),
      'items[0].quantity',
    ],
    [
      'a success_url over 2048 characters',
      '/v1/checkout/sessions',
      cart({ success_url: `https://shop.example/${'a'.repeat(2048)}` }),
      'success_url',
    ],
    [
      'more than 20 event types on an endpoint',
      '/v1/webhook-endpoints',
      { url: 'https://shop.example/h', event_types: Array.from({ length: 21 }, () => '*') },
      'event_types',
    ],
    [
      'an endpoint URL over 2048 characters',
      '/v1/webhook-endpoints',
      { url: `https://shop.example/${'a'.repeat(2048)}`, event_types: ['*'] },
      'url',
    ],
  ])('refuses %s with 400 validation_failed', async (_name, url, body, param) => {
    const response = await world.call('POST', url, body);
    expectError(response, 400, 'validation_failed');
    expect(response.json<{ error: { param: string } }>().error.param).toBe(param);
  });

  const pagination = listRoutes.flatMap((route) => {
    const maximum = route.querystring?.properties?.limit?.maximum ?? 100;
    const url = route.url
      .replace(':external_id', 'limits1')
      .replace(':id', '00000000-0000-4000-8000-000000000001');
    return [String(maximum + 1), '0', '-1', '1e309', '-1e309'].map(
      (limit) => [routeName(route), limit, maximum, url] as const,
    );
  });

  it.each(pagination)(
    '%s refuses limit=%s (the cap is %s) with 400 validation_failed',
    async (_name, limit, _maximum, url) => {
      const response = await world.call('GET', `${url}?limit=${limit}`);
      expectError(response, 400, 'validation_failed');
      expect(response.json<{ error: { param: string } }>().error.param).toBe('limit');
    },
  );

  it('covers the list routes of the app with a pagination cap of at most 500', () => {
    expect(listRoutes.length).toBeGreaterThanOrEqual(5);
    for (const route of listRoutes) {
      expect(route.querystring?.properties?.limit?.maximum, routeName(route)).toBeLessThanOrEqual(500);
    }
  });

  it('answers a client that sends its headers too slowly with 408 request_timeout', async () => {
    const pieces = [
      'GET /v1/catalog HTTP/1.1\r\n',
      'Host: x\r\n',
      'X-A: 1\r\n',
      'X-B: 2\r\n',
      'X-C: 3\r\n',
      'X-D: 4\r\n',
      '\r\n',
    ];
    const response = await raw('', REQUEST_TIMEOUT_MS / 3, pieces);
    expectError(response, 408, 'request_timeout');
    expect(response.closedEarly).toBe(true);
  });

  it('answers a client that sends its body too slowly with 408 request_timeout', async () => {
    const body = JSON.stringify({ external_id: 'slow1', email: 'slow@example.com' });
    const head = `POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${world.apiKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const response = await raw('', REQUEST_TIMEOUT_MS / 4, [head, ...body.match(/.{1,4}/g)!]);
    expectError(response, 408, 'request_timeout');
    expect((await world.call('GET', '/v1/customers/slow1')).statusCode).toBe(404);
  });
});
