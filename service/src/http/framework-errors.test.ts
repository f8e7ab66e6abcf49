import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRawRequest, type RawResponse } from '../test-support/raw-http.js';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function expectOurErrorShape(response: RawResponse, statusCode: number, code: string): void {
  expect(response.statusCode).toBe(statusCode);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const requestId = response.headers['x-request-id'];
  expect(requestId).toBeDefined();
  expect(JSON.parse(response.body)).toEqual({
    error: { code, message: expect.any(String), request_id: requestId },
  });
}

describe('errors raised before our routes answer in our error shape, with X-Request-Id', () => {
  let testApp: TestApp;
  let port: number;
  const get = (path: string, headers = '') =>
    sendRawRequest({
      port,
      pieces: [`GET ${path} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`],
    });

  beforeAll(async () => {
    testApp = await buildTestApp();
    await testApp.app.listen({ host: '127.0.0.1', port: 0 });
    port = (testApp.app.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('400 for a path that is not valid percent-encoding', async () => {
    expectOurErrorShape(await get('/v1/entitlements/%E0%A4%A/sso'), 400, 'bad_request');
  });

  it('400 for a path holding an encoded lone surrogate (invalid UTF-8)', async () => {
    expectOurErrorShape(await get('/v1/entitlements/%ED%A0%80/sso'), 400, 'bad_request');
  });

  it('414 for a path parameter longer than the router accepts', async () => {
    expectOurErrorShape(await get(`/v1/entitlements/${'a'.repeat(5000)}/sso`), 414, 'uri_too_long');
  });

  it('431 for headers over the limit', async () => {
    expectOurErrorShape(
      await get('/health/live', `X-Big: ${'a'.repeat(20_000)}\r\n`),
      431,
      'request_header_fields_too_large',
    );
  });

  it('400 for a request that is not HTTP', async () => {
    const response = await sendRawRequest({ port, pieces: ['NOT HTTP AT ALL\r\n\r\n'] });
    expectOurErrorShape(response, 400, 'bad_request');
    expect(response.headers['x-request-id']).toMatch(UUID);
  });

  it('a caller id that fits the router (255 characters, the schema maximum) reaches the route', async () => {
    const response = await get(`/v1/entitlements/${'a'.repeat(255)}/sso`);
    // Unauthenticated: the route's own hooks ran, so the router accepted the parameter.
    expectOurErrorShape(response, 401, 'unauthorized');
  });
});
