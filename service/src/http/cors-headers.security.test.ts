// Security suite, CORS and headers: only the configured browser origin gets CORS headers (never with credentials),
// every answer carries the browser security headers and our request id, a caller's malformed request id is
// replaced, and errors say nothing of the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSeededTestApp, type SeededTestApp } from '../test-support/seeded-test-app.js';

const ALLOWED_ORIGIN = 'https://app.example.com';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('API8:2023 Security Misconfiguration — CORS and headers', () => {
  let world: SeededTestApp;

  beforeAll(async () => {
    world = await startSeededTestApp({ CORS_ALLOWED_ORIGINS: ALLOWED_ORIGIN });
  });

  afterAll(async () => {
    await world.closeAll();
  });

  const preflight = (origin: string) =>
    world.app.inject({
      method: 'OPTIONS',
      url: '/v1/customers',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });

  it('answers a preflight from the allowed origin with that origin only, and no credentials', async () => {
    const response = await preflight(ALLOWED_ORIGIN);
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(String(response.headers['access-control-allow-methods'])).toContain('POST');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('exposes X-Request-Id to the allowed origin, and varies the answer by Origin', async () => {
    const response = await world.call('GET', '/v1/catalog', undefined, { origin: ALLOWED_ORIGIN });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(String(response.headers['access-control-expose-headers']).toLowerCase()).toContain('x-request-id');
    expect(String(response.headers.vary)).toContain('Origin');
  });

  it.each([
    ['another origin', 'https://evil.example'],
    ['the allowed origin as a prefix of another host', 'https://app.example.com.evil.example'],
    ['the allowed origin over http', 'http://app.example.com'],
    ['the allowed origin on another port', 'https://app.example.com:8443'],
    ['a subdomain of the allowed origin', 'https://sub.app.example.com'],
    ['the opaque origin null (sandboxed frames, file:)', 'null'],
  ])('gives %s no CORS headers, on a preflight or a request', async (_name, origin) => {
    const answered = await preflight(origin);
    expect(answered.headers['access-control-allow-origin']).toBeUndefined();
    expect(answered.headers['access-control-allow-credentials']).toBeUndefined();
    const request = await world.call('GET', '/v1/catalog', undefined, { origin });
    expect(request.statusCode).toBe(200);
    expect(request.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each([
    ['a /v1/ answer', 'GET', '/v1/catalog', 200],
    ['a validation error', 'GET', '/v1/customers/%20bad%20', 400],
    ['an unknown /v1/ path', 'GET', '/v1/no-such-route', 404],
    ['a health answer', 'GET', '/health/live', 200],
  ] as const)('sends the browser security headers on %s', async (_name, method, url, status) => {
    const response = await world.call(method, url);
    expect(response.statusCode).toBe(status);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(String(response.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(String(response.headers['content-security-policy'])).toContain("frame-ancestors 'self'");
    expect(response.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('answers errors as JSON in our shape only: no stack, no server or framework details', async () => {
    const response = await world.call('GET', '/v1/customers/nobody');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = response.json<Record<string, unknown>>();
    expect(Object.keys(body)).toEqual(['error']);
    const keys = Object.keys(body.error as object);
    expect(keys).toEqual(expect.arrayContaining(['code', 'message', 'request_id']));
    expect(keys.every((key) => ['code', 'message', 'request_id', 'param'].includes(key))).toBe(true);
    expect(response.body).not.toMatch(/stack|at [\w.]+ \(|node_modules|fastify|postgres/i);
    expect(response.headers.server).toBeUndefined();
  });

  it.each([
    ['too long', 'a'.repeat(500)],
    ['markup', '<script>alert(1)</script>'],
    ['spaces', 'id with spaces'],
    ['a log line break (encoded)', 'abc%0d%0aINJECTED'],
  ])('replaces a caller request id that is %s with its own', async (_name, requestId) => {
    const response = await world.call('GET', '/v1/catalog', undefined, { 'x-request-id': requestId });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  it('keeps a well-formed caller request id, so a caller can correlate', async () => {
    const response = await world.call('GET', '/v1/catalog', undefined, { 'x-request-id': 'client-req-42' });
    expect(response.headers['x-request-id']).toBe('client-req-42');
  });

  it.each(['PUT', 'PATCH', 'TRACE'] as const)(
    'answers %s on an API path with 404 not_found in our shape',
    async (method) => {
      const response = await world.app.inject({
        method,
        url: '/v1/customers',
        headers: { authorization: `Bearer ${world.apiKey}` },
      });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
    },
  );
});
