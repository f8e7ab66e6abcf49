import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import { isWellFormedRequestId } from './request-id.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await buildTestApp();
    testApp.app.get('/test/echo-id', async (request) => ({ id: request.id }));
    await testApp.app.ready();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('honours a well-formed incoming X-Request-Id and echoes it', async () => {
    const response = await testApp.app.inject({
      method: 'GET',
      url: '/test/echo-id',
      headers: { 'x-request-id': 'req_01HZX3.upstream:42' },
    });
    expect(response.headers['x-request-id']).toBe('req_01HZX3.upstream:42');
    expect(response.json()).toEqual({ id: 'req_01HZX3.upstream:42' });
  });

  it('replaces a malformed incoming id with a generated one', async () => {
    for (const malformed of ['has spaces', 'a'.repeat(129), '"><script>', '-leading-dash']) {
      const response = await testApp.app.inject({
        method: 'GET',
        url: '/test/echo-id',
        headers: { 'x-request-id': malformed },
      });
      expect(response.headers['x-request-id'], malformed).toMatch(uuidPattern);
    }
  });

  it('generates a distinct id for each request without one', async () => {
    const first = await testApp.app.inject({ method: 'GET', url: '/test/echo-id' });
    const second = await testApp.app.inject({ method: 'GET', url: '/test/echo-id' });
    expect(first.headers['x-request-id']).toMatch(uuidPattern);
    expect(second.headers['x-request-id']).toMatch(uuidPattern);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it('puts the id in the error body and in the log lines of the request', async () => {
    const response = await testApp.app.inject({
      method: 'GET',
      url: '/nowhere',
      headers: { 'x-request-id': 'trace-abc-123' },
    });
    expect(response.headers['x-request-id']).toBe('trace-abc-123');
    expect(response.json()).toMatchObject({ error: { request_id: 'trace-abc-123' } });
    const lines = testApp.logLines().filter((line) => line.request_id === 'trace-abc-123');
    expect(lines.map((line) => line.msg)).toContain('request completed');
  });

  it('accepts ids made of letters, digits and . _ : - up to 128 characters', () => {
    expect(isWellFormedRequestId('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(true);
    expect(isWellFormedRequestId('a'.repeat(128))).toBe(true);
    expect(isWellFormedRequestId('')).toBe(false);
    expect(isWellFormedRequestId('line\nbreak')).toBe(false);
  });
});
