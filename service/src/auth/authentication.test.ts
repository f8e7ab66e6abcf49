import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSeededTestApp, type SeededTestApp } from '../test-support/seeded-test-app.js';

describe('API key authentication', () => {
  let world: SeededTestApp;

  beforeAll(async () => {
    world = await startSeededTestApp({ API_KEY_CACHE_TTL_MS: '0' });
  });
  afterAll(async () => {
    await world.closeAll();
  });

  const get = (authorization?: string) =>
    world.app.inject({
      method: 'GET',
      url: '/v1/catalog',
      headers: authorization === undefined ? {} : { authorization },
    });

  it('refuses a request without a key, with a malformed one and with an unknown one', async () => {
    for (const authorization of [
      undefined,
      'Basic abc',
      'Bearer bsk_short',
      `Bearer bsk_${'x'.repeat(43)}`,
    ]) {
      const response = await get(authorization);
      expect(response.statusCode, String(authorization)).toBe(401);
      expect(response.json().error.code).toBe('unauthorized');
    }
  });

  it('accepts a valid key, and refuses it once revoked', async () => {
    const { key, record } = await world.dependencies.apiKeys.create({
      name: 'temporary',
      scopes: ['billing'],
    });
    expect(key).toMatch(/^bsk_test_[A-Za-z0-9]{43}$/);
    expect((await get(`Bearer ${key}`)).statusCode).toBe(200);
    await world.dependencies.apiKeys.revoke(record.id);
    expect((await get(`Bearer ${key}`)).statusCode).toBe(401);
  });

  it('stores only a hash and a display prefix of the key, and records its use', async () => {
    const { key, record } = await world.dependencies.apiKeys.create({ name: 'hashed', scopes: ['billing'] });
    await get(`Bearer ${key}`);
    const rows = await world.dependencies.pool.query<{
      key_hash: Buffer;
      key_prefix: string;
      last_used_at: Date | null;
    }>('SELECT key_hash, key_prefix, last_used_at FROM api_keys WHERE id = $1', [record.id]);
    expect(rows.rows[0]?.key_hash.toString('utf8')).not.toContain(key.slice(4));
    expect(rows.rows[0]?.key_prefix).toBe(key.slice(0, 15));
    // Uses are written in batches (API_KEY_LAST_USED_FLUSH_MS), not per request.
    expect(rows.rows[0]?.last_used_at).toBeNull();
    await world.dependencies.apiKeys.flushLastUsed();
    const used = await world.dependencies.pool.query<{ last_used_at: Date | null }>(
      'SELECT last_used_at FROM api_keys WHERE id = $1',
      [record.id],
    );
    expect(used.rows[0]?.last_used_at).toBeInstanceOf(Date);
  });

  it('refuses unknown scopes when creating a key', async () => {
    await expect(world.dependencies.apiKeys.create({ name: 'bad', scopes: ['root'] })).rejects.toThrow(
      /scopes/,
    );
  });

  it('leaves health and unknown routes outside /v1/ unauthenticated', async () => {
    expect((await world.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });
});
