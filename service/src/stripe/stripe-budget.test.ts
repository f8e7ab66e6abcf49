// The outbound Stripe budget against the emulator's request rate limit: under the limit, a burst is queued and
// refused by us (503) rather than by Stripe (429); over it, the same burst collects Stripe's 429s.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { startEmulator, type RunningEmulator } from 'stripe-emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { closeSharedRedis, createSharedRedis } from '../redis/shared-redis.js';
import { createStripeGateway, type StripeGateway } from './gateway.js';

const logger = createLogger({ level: 'silent', pretty: false, secrets: [] });
const EMULATOR_LIMIT_PER_SECOND = 20;
const BURST = 40;

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ logLevel: 'silent' });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.reset();
  const response = await fetch(`${emulator.url}/_emulator/rate-limit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ requests_per_second: EMULATOR_LIMIT_PER_SECOND }),
  });
  expect(response.status).toBe(200);
});

/** How many requests the emulator answered 429 since the limit was set. */
async function emulatorLimited(): Promise<number> {
  const response = await fetch(`${emulator.url}/_emulator/rate-limit`);
  return ((await response.json()) as { limited: number }).limited;
}

interface GatewayUnderTest {
  stripe: StripeGateway;
  metrics: () => Promise<string>;
}

/**
 * A gateway as deps.ts builds one, against the emulator, with its own Stripe key (a budget is counted per key,
 * so gateways of one test share it only when they share a key and a Redis).
 */
function gateway(options: {
  perSecond: number;
  maxWaitMs: number;
  secretKey?: string;
  redis?: Redis | undefined;
}): GatewayUnderTest {
  const registry = createMetrics().registry;
  const stripe = createStripeGateway(
    {
      secretKey: options.secretKey ?? `sk_test_budget_${randomBytes(8).toString('hex')}`,
      apiBase: emulator.url,
      timeoutMs: 10_000,
      maxNetworkRetries: 0,
      // The breaker would open on the 429s of the over-budget case; it is not what this test is about.
      breaker: { errorThresholdPercentage: 100, volumeThreshold: 1000, resetTimeoutMs: 1000 },
    },
    logger,
    registry,
    {
      settings: { perSecond: options.perSecond, maxWaitMs: options.maxWaitMs, keyMode: 'test' },
      redis: options.redis,
    },
  );
  return { stripe, metrics: () => registry.metrics() };
}

interface BurstResult {
  succeeded: number;
  /** Our error code for each call that failed. */
  failures: AppError[];
}

async function burst(stripe: StripeGateway, count: number): Promise<BurstResult> {
  const settled = await Promise.allSettled(
    Array.from({ length: count }, () => stripe.listProducts({ limit: 1 })),
  );
  return {
    succeeded: settled.filter((result) => result.status === 'fulfilled').length,
    failures: settled.flatMap((result) => {
      if (result.status === 'fulfilled') return [];
      if (!(result.reason instanceof AppError)) throw result.reason;
      return [result.reason];
    }),
  };
}

const codes = (result: BurstResult) => [...new Set(result.failures.map((failure) => failure.code))];

/** The value of a counter summed over its labels, from the Prometheus text. */
function counterTotal(metricsText: string, name: string): number {
  return metricsText
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe('the outbound Stripe budget against Stripe rate limiting (emulated at 20 requests/s)', () => {
  it('with a budget under the limit (15/s), a burst of 40 sees no Stripe 429: calls wait, the rest get our 503', async () => {
    const { stripe, metrics } = gateway({ perSecond: 15, maxWaitMs: 1500 });
    const result = await burst(stripe, BURST);

    expect(await emulatorLimited()).toBe(0);
    expect(codes(result)).toEqual(['stripe_rate_budget_exhausted']);
    // The first window's 15 go at once; waiters take the next window's; the rest would wait past 1.5 s.
    expect(result.succeeded).toBeGreaterThan(15);
    for (const failure of result.failures) {
      expect(failure.statusCode).toBe(503);
      expect(failure.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    }
    const text = await metrics();
    expect(counterTotal(text, 'stripe_rate_budget_refusals_total')).toBe(result.failures.length);
    expect(counterTotal(text, 'stripe_rate_budget_waits_total')).toBeGreaterThan(0);
    expect(text).toMatch(/stripe_rate_budget_refusals_total\{operation="products.list"\}/);
  });

  it('with a budget above the limit, the same burst collects Stripe 429s (stripe_rate_limited)', async () => {
    const { stripe, metrics } = gateway({ perSecond: 1000, maxWaitMs: 1500 });
    const result = await burst(stripe, BURST);

    expect(await emulatorLimited()).toBeGreaterThan(0);
    expect(codes(result)).toEqual(['stripe_rate_limited']);
    expect(counterTotal(await metrics(), 'stripe_rate_budget_refusals_total')).toBe(0);
  });

  it('with no wait allowed, refuses at once what the window has no room for, without reaching Stripe', async () => {
    const { stripe } = gateway({ perSecond: 5, maxWaitMs: 0 });
    const result = await burst(stripe, 15);

    expect(await emulatorLimited()).toBe(0);
    expect(result.succeeded).toBeGreaterThanOrEqual(5);
    expect(codes(result)).toEqual(['stripe_rate_budget_exhausted']);
    // Refused calls never reached the emulator: it let through only what succeeded.
    const state = (await (await fetch(`${emulator.url}/_emulator/rate-limit`)).json()) as {
      admitted: number;
    };
    expect(state.admitted).toBe(result.succeeded);
  });

  it('does not count budget refusals as Stripe failures: the circuit stays closed', async () => {
    const registry = createMetrics().registry;
    const stripe = createStripeGateway(
      {
        secretKey: `sk_test_budget_${randomBytes(8).toString('hex')}`,
        apiBase: emulator.url,
        timeoutMs: 10_000,
        maxNetworkRetries: 0,
        breaker: { errorThresholdPercentage: 10, volumeThreshold: 3, resetTimeoutMs: 10_000 },
      },
      logger,
      registry,
      { settings: { perSecond: 2, maxWaitMs: 0, keyMode: 'test' }, redis: undefined },
    );
    const result = await burst(stripe, 12);
    expect(result.failures.length).toBeGreaterThanOrEqual(5);
    expect(stripe.circuit.state()).toBe('closed');
    stripe.circuit.shutdown();
  });
});

// Two replicas share one budget only through Redis: runs when TEST_REDIS_URL names a Redis (.ci/run starts one
// and sets it), so a machine without one reports no skipped test, and CI always runs it.
const redisUrl = process.env.TEST_REDIS_URL;
if (redisUrl !== undefined && redisUrl !== '')
  describe('the outbound Stripe budget shared by two replicas through Redis', () => {
    const connections: Redis[] = [];
    // Until its connection is ready, a process counts in memory (the budget's fallback): wait for it, as a
    // replica that has been up for a moment has.
    const connect = async () => {
      const redis = createSharedRedis(redisUrl, logger);
      if (redis === undefined) throw new Error('TEST_REDIS_URL did not give a connection');
      connections.push(redis);
      if (redis.status !== 'ready') await once(redis, 'ready');
      return redis;
    };
    afterAll(async () => {
      for (const redis of connections) await closeSharedRedis(redis);
    });

    // Each replica's budget (15/s) is under the emulated limit (20/s); only their sum is over it.
    const replicas = async (redis: () => Promise<Redis | undefined>) => {
      const secretKey = `sk_test_budget_${randomBytes(8).toString('hex')}`;
      const pair: GatewayUnderTest[] = [];
      for (let replica = 0; replica < 2; replica += 1)
        pair.push(gateway({ perSecond: 15, maxWaitMs: 1500, secretKey, redis: await redis() }));
      return pair;
    };
    const burstBoth = async (pair: GatewayUnderTest[]) =>
      Promise.all(pair.map(({ stripe }) => burst(stripe, BURST / 2)));

    it('counts both replicas in one budget: a burst through both sees no Stripe 429', async () => {
      const results = await burstBoth(await replicas(connect));
      expect(await emulatorLimited()).toBe(0);
      const failures = results.flatMap((result) => result.failures);
      expect([...new Set(failures.map((failure) => failure.code))]).toEqual(['stripe_rate_budget_exhausted']);
      expect(results.reduce((sum, result) => sum + result.succeeded, 0)).toBeGreaterThan(15);
    });

    it('in memory each replica counts alone, so the same burst through both collects Stripe 429s', async () => {
      const results = await burstBoth(await replicas(async () => undefined));
      expect(await emulatorLimited()).toBeGreaterThan(0);
      const failures = results.flatMap((result) => result.failures);
      expect(failures.map((failure) => failure.code)).toContain('stripe_rate_limited');
    });
  });
