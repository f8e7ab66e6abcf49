import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';

describe('error handler', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await buildTestApp({ environment: { HTTP_BODY_LIMIT_BYTES: '200' } });
    const { app } = testApp;
    app.get('/test/missing-thing', async () => {
      throw new AppError('not_found', 'Customer cus_123 does not exist');
    });
    app.get('/test/unexpected', async () => {
      throw new Error('syntax error at or near "SELEC" in SELECT * FROM api_keys WHERE secret = $1');
    });
    app.post(
      '/test/orders',
      {
        schema: {
          body: Type.Object({
            email: Type.String({ format: 'email' }),
            items: Type.Array(Type.Object({ quantity: Type.Integer({ minimum: 1 }) })),
          }),
        },
      },
      async () => ({ ok: true }),
    );
    await app.ready();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('renders an AppError with its status, code, message and the request id', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/test/missing-thing' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: {
        code: 'not_found',
        message: 'Customer cus_123 does not exist',
        request_id: response.headers['x-request-id'],
      },
    });
  });

  it('names the field and the rule when a value breaks the schema', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/test/orders',
      payload: { email: 'someone@example.com', items: [{ quantity: 0 }] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: { code: 'validation_failed', message: 'body.items.0.quantity: must be >= 1' },
    });
  });

  it('names a missing required field', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/test/orders',
      payload: { items: [] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: { code: 'validation_failed', message: 'body.email: is required' },
    });
  });

  it('answers 500 without stack, SQL or the original message for an unexpected error, and logs it', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/test/unexpected' });
    expect(response.statusCode).toBe(500);
    const body = response.json<{ error: Record<string, unknown> }>();
    expect(body).toEqual({
      error: {
        code: 'internal',
        message: 'Internal server error',
        request_id: response.headers['x-request-id'],
      },
    });
    expect(response.body).not.toMatch(/SELECT|api_keys|stack|\.ts:/);

    const logged = testApp.logLines().find((line) => line.msg === 'request failed');
    expect(logged).toMatchObject({ level: 50, request_id: response.headers['x-request-id'] });
    expect(JSON.stringify(logged)).toContain('api_keys');
  });

  it('answers 404 not_found in the error shape for an unknown route', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/no/such/route?token=abc' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      error: { code: 'not_found', message: 'No route for GET /no/such/route' },
    });
  });

  it('answers 400 bad_request for malformed JSON', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/test/orders',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'bad_request' } });
  });

  it('answers 413 payload_too_large above HTTP_BODY_LIMIT_BYTES', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/test/orders',
      payload: { email: 'someone@example.com', items: Array.from({ length: 50 }, () => ({ quantity: 1 })) },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('answers 415 unsupported_media_type for a body type the API does not read', async () => {
    const response = await testApp.app.inject({
      method: 'POST',
      url: '/test/orders',
      headers: { 'content-type': 'application/xml' },
      payload: '<order/>',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });
});
