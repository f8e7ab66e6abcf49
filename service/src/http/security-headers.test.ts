import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import type { AppInstance } from './app-instance.js';
import { registerSecurityHeaders } from './security-headers.js';

describe('security headers', () => {
  // Behind a trusted proxy, X-Forwarded-Proto says whether the browser's request was HTTPS.
  const app = Fastify({ trustProxy: true }) as unknown as AppInstance;

  beforeAll(async () => {
    registerSecurityHeaders(app);
    app.get('/test/secured', async () => ({ ok: true }));
    app.get('/test/unsecured', { config: { securityHeaders: false } }, async () => ({ ok: true }));
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
  });

  it("sets helmet's headers on every route, also on repeated requests, with HSTS over HTTPS", async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await app.inject({
        method: 'GET',
        url: '/test/secured',
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['content-security-policy']).toContain('upgrade-insecure-requests');
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    }
  });

  it('sends neither HSTS nor upgrade-insecure-requests over plain HTTP', async () => {
    for (const headers of [{}, { 'x-forwarded-proto': 'http' }]) {
      const response = await app.inject({ method: 'GET', url: '/test/secured', headers });
      expect(response.headers['strict-transport-security']).toBeUndefined();
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('leaves out routes declared with config.securityHeaders false', async () => {
    const unsecured = await app.inject({ method: 'GET', url: '/test/unsecured' });
    expect(unsecured.statusCode).toBe(200);
    expect(unsecured.headers['content-security-policy']).toBeUndefined();
    expect(unsecured.headers['x-content-type-options']).toBeUndefined();
  });
});

describe('security headers and CORS in the app', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await buildTestApp({
      environment: { CORS_ALLOWED_ORIGINS: 'https://app.example.com' },
    });
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('applies to health, the docs and /v1/ routes, also to a 404 under /v1/', async () => {
    for (const url of ['/health/live', '/docs/json', '/v1/customers/nobody', '/v1/no-such-route']) {
      const response = await testApp.app.inject({
        method: 'GET',
        url,
        headers: { origin: 'https://app.example.com' },
      });
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['access-control-allow-origin'], url).toBe('https://app.example.com');
      expect(response.headers['x-request-id'], url).toBeTruthy();
    }
  });
});
