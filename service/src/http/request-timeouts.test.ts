import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRawRequest } from '../test-support/raw-http.js';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';

// HTTP_REQUEST_TIMEOUT_MS is 500 ms here; each slow client would take 30 s to finish its request, so an answer
// that arrives while it is still writing proves the limit was applied (no timing is asserted).
const SLOW_PIECES = 300;
const PAUSE_MS = 100;

describe('HTTP_REQUEST_TIMEOUT_MS bounds receiving headers and body', () => {
  let testApp: TestApp;
  let port: number;

  beforeAll(async () => {
    testApp = await buildTestApp({ environment: { HTTP_REQUEST_TIMEOUT_MS: '500' } });
    await testApp.app.listen({ host: '127.0.0.1', port: 0 });
    port = (testApp.app.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await testApp.close();
  });

  const slowly = (head: string, rest: string) => [head, ...rest.split('')];

  it('408 in our shape for headers sent slowly', async () => {
    const response = await sendRawRequest({
      port,
      pieces: slowly(
        'GET /health/live HTTP/1.1\r\n',
        `Host: x\r\nX-Slow: ${'a'.repeat(SLOW_PIECES)}\r\n\r\n`,
      ),
      pauseMs: PAUSE_MS,
    });
    expect(response.closedEarly).toBe(true);
    expect(response.statusCode).toBe(408);
    expect(JSON.parse(response.body)).toMatchObject({
      error: { code: 'request_timeout', request_id: response.headers['x-request-id'] },
    });
  });

  it.each(['/v1/customers', '/webhooks/stripe'])('408 for a body sent slowly to %s', async (path) => {
    const body = `{"x":"${'a'.repeat(SLOW_PIECES)}"}`;
    const head =
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length}\r\n\r\n`;
    const response = await sendRawRequest({ port, pieces: slowly(head, body), pauseMs: PAUSE_MS });
    expect(response.closedEarly).toBe(true);
    expect(response.statusCode).toBe(408);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'request_timeout' } });
  });
});
