// Security suite, API keys: authentication (mode prefixes, expiry, rotation, legacy keys, where the key may be
// sent) and function-level authorization (every route's scope from route-access.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeAccess } from '../route-access.js';
import { startSeededTestApp, type SeededTestApp } from '../test-support/seeded-test-app.js';
import { createApiKeysService } from './api-keys.service.js';
import { NARROW_SCOPES, grantsScope, type ApiKeyScope } from './scopes.js';

/** A concrete URL for a route pattern: every path parameter filled in. */
function concreteUrl(pattern: string): string {
  return pattern
    .replace(':external_id', 'scope_probe_customer')
    .replace(':feature', 'sso')
    .replace('/events/:id', '/events/evt_scope_probe')
    .replace(':id', 'sub_scope_probe');
}

const routes = Object.entries(routeAccess).map(([route, access]) => {
  const [method = '', pattern = ''] = route.split(' ');
  return { route, method: method as 'GET' | 'POST', url: concreteUrl(pattern), scope: access.scope };
});

describe('API2:2023 Broken Authentication — API keys', () => {
  let world: SeededTestApp;
  beforeAll(async () => {
    world = await startSeededTestApp({ API_KEY_CACHE_TTL_MS: '0' });
  });
  afterAll(async () => {
    await world.closeAll();
  });
  const get = (authorization?: string, url = '/v1/catalog') =>
    world.app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });

  it('makes keys visibly of the deployment mode: bsk_test_ on a test-mode deployment', async () => {
    const { key, record } = await world.dependencies.apiKeys.create({ name: 'visible', scopes: ['billing'] });
    expect(key).toMatch(/^bsk_test_[A-Za-z0-9]{43}$/);
    expect(record.mode).toBe('test');
    expect(record.key_prefix).toBe(key.slice(0, 15));
    expect((await get(`Bearer ${key}`)).statusCode).toBe(200);
  });

  it('refuses a bsk_live_ key on a test-mode deployment with 401 api_key_wrong_mode', async () => {
    const liveIssuer = createApiKeysService({
      pool: world.dependencies.pool,
      logger: world.dependencies.logger,
      mode: 'live',
      cacheTtlMs: 0,
    });
    const { key } = await liveIssuer.create({ name: 'live', scopes: ['billing', 'admin'] });
    expect(key).toMatch(/^bsk_live_/);
    const response = await get(`Bearer ${key}`);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('api_key_wrong_mode');
    await liveIssuer.close();
  });

  it('refuses a bsk_test_ key on a live deployment, and accepts that deployment its own live keys', async () => {
    const live = createApiKeysService({
      pool: world.dependencies.pool,
      logger: world.dependencies.logger,
      mode: 'live',
      cacheTtlMs: 0,
    });
    const { key: testKey } = await world.dependencies.apiKeys.create({ name: 'test', scopes: ['billing'] });
    expect(await live.verify(testKey)).toEqual({ ok: false, refusal: 'wrong_mode' });
    const { key: liveKey } = await live.create({ name: 'live', scopes: ['billing'] });
    expect(await live.verify(liveKey)).toMatchObject({ ok: true });
    await live.close();
  });

  it('keeps a legacy bsk_ key (no mode prefix) working in both modes, listed as legacy', async () => {
    const legacyKey = `bsk_${'L'.repeat(20)}${Date.now()}${'q'.repeat(10)}`;
    await world.dependencies.apiKeys.ensure({ key: legacyKey, name: 'legacy', scopes: ['billing'] });
    expect((await get(`Bearer ${legacyKey}`)).statusCode).toBe(200);
    const live = createApiKeysService({
      pool: world.dependencies.pool,
      logger: world.dependencies.logger,
      mode: 'live',
      cacheTtlMs: 0,
    });
    expect(await live.verify(legacyKey)).toMatchObject({ ok: true });
    await live.close();
    const listed = (await world.dependencies.apiKeys.list()).find((record) => record.name === 'legacy');
    expect(listed?.mode).toBeNull();
  });

  it('refuses an expired key with 401 api_key_expired, and accepts it before its expiry', async () => {
    const soon = await world.dependencies.apiKeys.create({
      name: 'future',
      scopes: ['billing'],
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    expect((await get(`Bearer ${soon.key}`)).statusCode).toBe(200);
    const past = await world.dependencies.apiKeys.create({
      name: 'past',
      scopes: ['billing'],
      expiresAt: new Date(Date.now() - 1000),
    });
    const response = await get(`Bearer ${past.key}`);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('api_key_expired');
  });

  it('expires an expired key at once even while its verification is cached', async () => {
    const cached = createApiKeysService({
      pool: world.dependencies.pool,
      logger: world.dependencies.logger,
      mode: 'test',
      cacheTtlMs: 60_000,
    });
    const { key, record } = await cached.create({
      name: 'short',
      scopes: ['billing'],
      expiresAt: new Date(Date.now() + 300),
    });
    expect(await cached.verify(key)).toMatchObject({ ok: true });
    await world.dependencies.pool.query(
      `UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [record.id],
    );
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await cached.verify(key)).toEqual({ ok: false, refusal: 'expired' });
    await cached.close();
  });

  it('rotates a key: a new key with the same name and scopes, the old one working until the overlap ends', async () => {
    const { key: oldKey, record } = await world.dependencies.apiKeys.create({
      name: 'rotating',
      scopes: ['customers:read', 'entitlements:read'],
    });
    const rotated = await world.dependencies.apiKeys.rotate(record.id, 3_600_000);
    expect(rotated.key).toMatch(/^bsk_test_/);
    expect(rotated.key).not.toBe(oldKey);
    expect(rotated.record).toMatchObject({ name: 'rotating', rotated_from: record.id, expires_at: null });
    expect(rotated.record.scopes).toEqual(['customers:read', 'entitlements:read']);
    const overlapEnd = rotated.previous.expires_at!.getTime();
    expect(overlapEnd).toBeGreaterThan(Date.now() + 3_500_000);
    expect(overlapEnd).toBeLessThanOrEqual(Date.now() + 3_600_000);
    const url = '/v1/entitlements/nobody/sso';
    expect((await get(`Bearer ${oldKey}`, url)).statusCode).toBe(404);
    expect((await get(`Bearer ${rotated.key}`, url)).statusCode).toBe(404);
  });

  it('rotation with no overlap stops the old key at once; a revoked or unknown key cannot be rotated', async () => {
    const { key: oldKey, record } = await world.dependencies.apiKeys.create({
      name: 'now',
      scopes: ['billing'],
    });
    const rotated = await world.dependencies.apiKeys.rotate(record.id, 0);
    expect((await get(`Bearer ${oldKey}`)).json().error.code).toBe('api_key_expired');
    expect((await get(`Bearer ${rotated.key}`)).statusCode).toBe(200);
    await world.dependencies.apiKeys.revoke(rotated.record.id);
    await expect(world.dependencies.apiKeys.rotate(rotated.record.id, 1000)).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(
      world.dependencies.apiKeys.rotate('00000000-0000-0000-0000-000000000000', 1000),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(world.dependencies.apiKeys.rotate('not-a-uuid', 1000)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('refuses a revoked key with 401 unauthorized and its own message', async () => {
    const { key, record } = await world.dependencies.apiKeys.create({ name: 'revoked', scopes: ['billing'] });
    await world.dependencies.apiKeys.revoke(record.id);
    const response = await get(`Bearer ${key}`);
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toMatchObject({
      code: 'unauthorized',
      message: 'This API key has been revoked',
    });
  });

  it.each([
    ['no header', undefined],
    ['Basic scheme', `Basic ${Buffer.from('user:pass').toString('base64')}`],
    ['empty bearer', 'Bearer '],
    ['short key', 'Bearer bsk_short'],
    ['unknown mode prefix', `Bearer bsk_prod_${'a'.repeat(43)}`],
    ['unknown key', `Bearer bsk_test_${'a'.repeat(43)}`],
    ['two tokens', `Bearer bsk_test_${'a'.repeat(43)} bsk_test_${'b'.repeat(43)}`],
    ['SQL in the key', "Bearer bsk_test_' OR '1'='1"],
  ])('answers 401 for %s', async (_name, authorization) => {
    const response = await get(authorization);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthorized');
  });

  it('ignores a key sent in the query string (keys travel only in the Authorization header)', async () => {
    for (const name of ['api_key', 'key', 'access_token', 'authorization']) {
      const response = await world.app.inject({
        method: 'GET',
        url: `/v1/catalog?${name}=${encodeURIComponent(world.apiKey)}`,
      });
      expect(response.statusCode, name).toBe(401);
    }
  });

  it('refuses a key made with an unknown scope', async () => {
    await expect(
      world.dependencies.apiKeys.create({ name: 'x', scopes: ['billing', 'root'] }),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(world.dependencies.apiKeys.create({ name: 'x', scopes: [] })).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('writes last_used_at in one batch per flush, never per request', async () => {
    const { key, record } = await world.dependencies.apiKeys.create({ name: 'batched', scopes: ['billing'] });
    for (let index = 0; index < 5; index += 1) await get(`Bearer ${key}`);
    const before = await world.dependencies.pool.query<{ last_used_at: Date | null }>(
      'SELECT last_used_at FROM api_keys WHERE id = $1',
      [record.id],
    );
    expect(before.rows[0]?.last_used_at).toBeNull();
    await world.dependencies.apiKeys.flushLastUsed();
    const after = await world.dependencies.pool.query<{ last_used_at: Date | null }>(
      'SELECT last_used_at FROM api_keys WHERE id = $1',
      [record.id],
    );
    expect(after.rows[0]?.last_used_at).toBeInstanceOf(Date);
  });
});

describe('API5:2023 Broken Function Level Authorization — scopes per route', () => {
  let world: SeededTestApp;
  const keys = new Map<ApiKeyScope, string>();
  beforeAll(async () => {
    world = await startSeededTestApp({ API_KEY_CACHE_TTL_MS: '0' });
    for (const scope of ['billing', 'admin', ...NARROW_SCOPES] as const) {
      keys.set(scope, (await world.dependencies.apiKeys.create({ name: scope, scopes: [scope] })).key);
    }
  });
  afterAll(async () => {
    await world.closeAll();
  });
  const send = (route: (typeof routes)[number], key: string) =>
    world.app.inject({
      method: route.method,
      url: route.url,
      headers: { authorization: `Bearer ${key}` },
      ...(route.method === 'POST' ? { payload: {} } : {}),
    });

  it('has one access row per /v1/ route, each answered by a route', async () => {
    expect(routes.length).toBeGreaterThanOrEqual(19);
    for (const route of routes) {
      const response = await send(route, keys.get(route.scope === 'billing' ? 'billing' : route.scope)!);
      expect(response.statusCode, route.route).not.toBe(401);
      expect(response.statusCode, route.route).not.toBe(403);
      expect(response.body, route.route).not.toContain('No route for');
    }
  });

  it.each(routes)('$route: 403 for every scope that does not grant $scope', async (route) => {
    for (const [scope, key] of keys) {
      const response = await send(route, key);
      if (grantsScope([scope], route.scope)) {
        expect([401, 403], `${scope} on ${route.route}`).not.toContain(response.statusCode);
      } else {
        expect(response.statusCode, `${scope} on ${route.route}`).toBe(403);
        expect(response.json().error.code).toBe('forbidden');
      }
    }
  });

  it('lets billing act on every non-admin route, and a :write scope read the same resource', () => {
    expect(grantsScope(['billing'], 'customers:read')).toBe(true);
    expect(grantsScope(['billing'], 'admin')).toBe(false);
    expect(grantsScope(['admin'], 'customers:read')).toBe(false);
    expect(grantsScope(['customers:write'], 'customers:read')).toBe(true);
    expect(grantsScope(['customers:read'], 'customers:write')).toBe(false);
    expect(grantsScope(['subscriptions:write'], 'entitlements:read')).toBe(false);
    expect(grantsScope(['customers:write'], 'billing')).toBe(false);
  });

  it('refuses to build an app with a /v1/ route missing from the access table', async () => {
    const { default: Fastify } = await import('fastify');
    const { registerAuthentication } = await import('./authentication.js');
    const app = Fastify();
    const noOwner = async () => undefined;
    registerAuthentication(app as never, {
      ...world.dependencies,
      owners: { order: noOwner, invoice: noOwner, subscription: noOwner },
    });
    expect(() => app.get('/v1/unlisted', async () => ({}))).toThrow(/GET \/v1\/unlisted has no row/);
    await app.close();
  });
});
