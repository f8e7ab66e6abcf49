// Security suite, what is not public by default: the docs in production, readiness reasons, the existence of
// /v1/ paths, development's network exposure, and the configuration that decides them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { buildMetricsApp } from '../observability/metrics-app.js';
import { buildTestApp, type TestApp } from '../test-support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../test-support/test-database.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  STRIPE_API_BASE: '',
  STRIPE_SECRET_KEY: 'sk_live_notused',
  ALLOWED_REDIRECT_ORIGINS: 'https://shop.example',
};

describe('API8:2023 Security Misconfiguration — not public by default', () => {
  let database: TestDatabase;
  let testApp: TestApp;
  let adminKey: string;
  let billingKey: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    testApp = await buildTestApp({ databaseUrl: database.url, environment: { API_KEY_CACHE_TTL_MS: '0' } });
    adminKey = (await testApp.dependencies.apiKeys.create({ name: 'admin', scopes: ['admin'] })).key;
    billingKey = (await testApp.dependencies.apiKeys.create({ name: 'billing', scopes: ['billing'] })).key;
  });
  afterAll(async () => {
    await testApp.close();
    await database.drop();
  });

  it('serves /docs and /docs/json outside production', async () => {
    expect((await testApp.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
    expect((await testApp.app.inject({ method: 'GET', url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('hides /docs and /docs/json in production unless DOCS_ENABLED=true', async () => {
    const hidden = await buildTestApp({ databaseUrl: database.url, environment: PRODUCTION });
    const shown = await buildTestApp({
      databaseUrl: database.url,
      environment: { ...PRODUCTION, DOCS_ENABLED: 'true' },
    });
    try {
      for (const url of ['/docs', '/docs/json', '/docs/static/index.html']) {
        expect((await hidden.app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
      }
      expect((await shown.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
      // The document itself is still built (npm run openapi) whether or not it is served.
      await hidden.app.ready();
      expect(Object.keys((hidden.app.swagger() as { paths: object }).paths).length).toBeGreaterThan(10);
    } finally {
      await hidden.close();
      await shown.close();
    }
  });

  it('gives anonymous and non-admin callers readiness without reasons; admin keys and the metrics listener get them', async () => {
    {
      const ask = (authorization?: string) =>
        testApp.app.inject({
          method: 'GET',
          url: '/health/ready',
          headers: authorization === undefined ? {} : { authorization },
        });
      for (const authorization of [
        undefined,
        `Bearer ${billingKey}`,
        'Bearer bsk_test_forged',
        'Bearer bct_x.y',
      ]) {
        const response = await ask(authorization);
        expect(response.statusCode, authorization).toBe(200);
        for (const check of response.json<{ checks: Array<Record<string, unknown>> }>().checks) {
          expect(Object.keys(check).sort(), authorization).toEqual(['latency_ms', 'name', 'status']);
        }
      }
      const admin = await ask(`Bearer ${adminKey}`);
      const stripe = admin
        .json<{ checks: Array<Record<string, unknown>> }>()
        .checks.find((check) => check.name === 'stripe');
      expect(stripe).toMatchObject({ status: 'pass', detail: 'closed' });

      const { metrics, logger, readiness } = testApp.dependencies;
      const metricsApp = buildMetricsApp({ metrics, logger, readiness });
      const internal = await metricsApp.inject({ method: 'GET', url: '/health/ready' });
      await metricsApp.close();
      expect(
        internal
          .json<{ checks: Array<Record<string, unknown>> }>()
          .checks.find((check) => check.name === 'stripe'),
      ).toHaveProperty('detail', 'closed');
    }
  });

  it.each([
    '/v1/no-such-route',
    '/v1/',
    '/v1',
    '/v1/admin/secret-thing',
    '/v1/customers/x/y/z',
    '/v1/../v1/x',
  ])('answers the unmatched %s with 401 before 404', async (url) => {
    for (const method of ['GET', 'POST', 'DELETE', 'PUT'] as const) {
      const anonymous = await testApp.app.inject({ method, url });
      expect(anonymous.statusCode, `${method} ${url}`).toBe(401);
      expect(anonymous.json().error.code).toBe('unauthorized');
      const forged = await testApp.app.inject({
        method,
        url,
        headers: { authorization: 'Bearer bsk_test_nope' },
      });
      expect(forged.statusCode).toBe(401);
    }
    const known = await testApp.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${billingKey}` },
    });
    expect(known.statusCode).toBe(404);
    expect(known.json().error.code).toBe('not_found');
  });

  it('keeps unmatched paths outside /v1/ a plain 404', async () => {
    for (const url of ['/', '/admin', '/v10/x', '/.env']) {
      expect((await testApp.app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
  });

  it('binds development to 127.0.0.1 and production to 0.0.0.0 unless HOST is set', () => {
    expect(parseConfig({}).http.host).toBe('127.0.0.1');
    expect(parseConfig({ NODE_ENV: 'test' }).http.host).toBe('127.0.0.1');
    expect(
      parseConfig({ ...PRODUCTION, STRIPE_API_BASE: undefined, DATABASE_URL: 'postgres://u@db/b' }).http.host,
    ).toBe('0.0.0.0');
    expect(parseConfig({ HOST: '0.0.0.0' }).http.host).toBe('0.0.0.0');
    expect(
      parseConfig({
        ...PRODUCTION,
        STRIPE_API_BASE: undefined,
        HOST: '10.0.0.5',
        DATABASE_URL: 'postgres://u@db/b',
      }).http.host,
    ).toBe('10.0.0.5');
  });

  it.each([
    ['false', false],
    ['true', true],
    ['2', 2],
    ['10.0.0.1', ['10.0.0.1']],
    ['10.0.0.0/8, ::1', ['10.0.0.0/8', '::1']],
  ])('reads TRUST_PROXY=%s', (value, expected) => {
    expect(parseConfig({ TRUST_PROXY: value }).http.trustProxy).toEqual(expected);
  });

  it.each(['yes', '10.0.0.0/33', 'proxy.internal', '10.0.0.1,'])('refuses TRUST_PROXY=%s', (value) => {
    expect(() => parseConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
  });

  it('trusts X-Forwarded-For only from a trusted proxy', async () => {
    const behindProxy = await buildTestApp({ environment: { TRUST_PROXY: '127.0.0.1' } });
    const direct = await buildTestApp();
    try {
      for (const [app, expected] of [
        [behindProxy.app, '203.0.113.9'],
        [direct.app, '127.0.0.1'],
      ] as const) {
        app.get('/test/ip', async (request) => ({ ip: request.ip, protocol: request.protocol }));
        const response = await app.inject({
          method: 'GET',
          url: '/test/ip',
          remoteAddress: '127.0.0.1',
          headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' },
        });
        expect(response.json().ip).toBe(expected);
        expect(response.headers['strict-transport-security'] !== undefined).toBe(expected === '203.0.113.9');
      }
    } finally {
      await behindProxy.close();
      await direct.close();
    }
  });
});
