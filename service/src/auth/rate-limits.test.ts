import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { startSeededTestApp, type SeededTestApp } from '../test-support/seeded-test-app.js';
import { buildTestApp } from '../test-support/test-app.js';

// The Redis path runs when TEST_REDIS_URL is set (.ci/run sets it); the in-memory path always.
const redisUrl = process.env.TEST_REDIS_URL;
const stores = [
  { name: 'in memory', environment: {} as Record<string, string> },
  ...(redisUrl === undefined || redisUrl === ''
    ? []
    : [{ name: 'in Redis', environment: { REDIS_URL: redisUrl } }]),
];

describe.each(stores)('rate limits ($name)', ({ environment }) => {
  const worlds: SeededTestApp[] = [];
  afterAll(async () => {
    for (const world of worlds) await world.closeAll();
  });

  it('answers 429 with our error body and Retry-After past the per-key limit, counting each key apart', async () => {
    const world = await startSeededTestApp({
      ...environment,
      RATE_LIMIT_MAX: '3',
      RATE_LIMIT_WINDOW_MS: '60000',
    });
    worlds.push(world);
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1)
      statuses.push((await world.call('GET', '/v1/catalog')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await world.call('GET', '/v1/catalog');
    expect(limited.json().error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    const { key } = await world.dependencies.apiKeys.create({ name: 'other', scopes: ['billing'] });
    const other = await world.app.inject({
      method: 'GET',
      url: '/v1/catalog',
      headers: { authorization: `Bearer ${key}` },
    });
    expect(other.statusCode).toBe(200);
  });

  it('limits requests without a valid key per client IP', async () => {
    const world = await startSeededTestApp({ ...environment, RATE_LIMIT_ANONYMOUS_MAX: '2' });
    worlds.push(world);
    const ip = `10.0.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
    const statuses: number[] = [];
    for (let index = 0; index < 3; index += 1) {
      statuses.push(
        (await world.app.inject({ method: 'GET', url: '/v1/catalog', remoteAddress: ip })).statusCode,
      );
    }
    expect(statuses).toEqual([401, 401, 429]);
    expect(
      (await world.app.inject({ method: 'GET', url: '/health/live', remoteAddress: ip })).statusCode,
    ).toBe(200);
  });
});

// The Redis store needs a Redis server: registered only when TEST_REDIS_URL names one (.ci/run starts Redis and
// sets it), so a machine with nothing running reports no skipped test, and CI always runs it.
if (redisUrl !== undefined && redisUrl !== '')
  describe('rate limits shared through Redis', () => {
    it('counts one key across two replicas', async () => {
      const environment = { REDIS_URL: redisUrl ?? '', RATE_LIMIT_MAX: '3' };
      const world = await startSeededTestApp(environment);
      // A second replica: same database (so the same key), same Redis.
      const replica = await buildTestApp({
        databaseUrl: world.database.url,
        environment: { ...environment, LOG_LEVEL: 'warn', STRIPE_API_BASE: world.emulator.url },
      });
      try {
        const viaReplica = () =>
          replica.app.inject({
            method: 'GET',
            url: '/v1/catalog',
            headers: { authorization: `Bearer ${world.apiKey}` },
          });
        const statuses = [
          (await world.call('GET', '/v1/catalog')).statusCode,
          (await viaReplica()).statusCode,
          (await world.call('GET', '/v1/catalog')).statusCode,
          (await viaReplica()).statusCode,
        ];
        expect(statuses).toEqual([200, 200, 200, 429]);
      } finally {
        await replica.close();
        await world.closeAll();
      }
    });
  });
