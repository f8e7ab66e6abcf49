import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';

describe('security headers', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await buildTestApp();
    // In a plugin, like the app's routes, so that it loads after the plugins that watch route registration.
    void testApp.app.register(async (scope) => {
      scope.get('/test/secured', async () => ({ ok: true }));
      scope.get('/test/unsecured', { helmet: false }, async () => ({ ok: true }));
      scope.get('/test/own-policy', { helmet: { frameguard: { action: 'deny' } } }, async () => ({
        ok: true,
      }));
    });
    await testApp.app.ready();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it("sets helmet's headers on every route, also on repeated requests", async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await testApp.app.inject({ method: 'GET', url: '/test/secured' });
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    }
  });

  it('leaves out routes declared with helmet: false, and applies a route its own helmet options', async () => {
    const unsecured = await testApp.app.inject({ method: 'GET', url: '/test/unsecured' });
    expect(unsecured.headers['content-security-policy']).toBeUndefined();
    expect(unsecured.headers['x-content-type-options']).toBeUndefined();

    const ownPolicy = await testApp.app.inject({ method: 'GET', url: '/test/own-policy' });
    expect(ownPolicy.headers['x-frame-options']).toBe('DENY');
    expect(ownPolicy.headers['x-content-type-options']).toBe('nosniff');
  });
});
