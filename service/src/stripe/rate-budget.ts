// The outbound Stripe budget: every gateway call takes one point of a per-second budget first, so our calls stay
// under Stripe's rate limits instead of collecting 429s. Counted by rate-limiter-flexible in 1-second windows,
// in Redis (all replicas together) when the process has a Redis connection, else in memory; a call over the
// budget waits for the next window, up to the configured wait, then is refused with 503.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { StripeBudgetSettings } from '../config/stripe-budget.js';
import { AppError } from '../errors.js';
import { stripeMetricsFor } from './stripe-metrics.js';

const KEY_PREFIX = 'billing-stripe-budget';
/** Waiters that wake for the same window spread their tries over this much, not all in one millisecond. */
const WAKE_SPREAD_MS = 20;

export interface StripeRateBudget {
  /** Resolves when the call may go to Stripe; throws AppError `stripe_rate_budget_exhausted` past the wait. */
  acquire: (operation: string) => Promise<void>;
}

export function createStripeRateBudget(
  settings: StripeBudgetSettings,
  options: { redis: Redis | undefined; registry: Registry; secretKey: string },
): StripeRateBudget {
  const metrics = stripeMetricsFor(options.registry);
  const limiter = createLimiter(settings, options.redis);
  // One budget per Stripe key and mode, as Stripe limits each account and mode: deployments with other keys
  // sharing a Redis count apart. The key is hashed: no secret is written to Redis.
  const keyDigest = createHash('sha256').update(options.secretKey).digest('hex').slice(0, 16);
  const key = `${settings.keyMode}:${keyDigest}`;

  /** The limiter's answer when the window is used up (how long until the next), or undefined: the call may go. */
  async function takePoint(): Promise<RateLimiterRes | undefined> {
    try {
      await limiter.consume(key, 1);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return rejection;
      throw rejection;
    }
  }

  // rate-limiter-flexible's RateLimiterQueue waits without a deadline in milliseconds and cannot drop a waiter
  // that gave up (it would still take a point later), so the wait is this loop: try, and while the window is
  // full and the next one opens within the deadline, sleep until it does and try again.
  async function acquire(operation: string): Promise<void> {
    const deadline = Date.now() + settings.maxWaitMs;
    for (let attempt = 0; ; attempt += 1) {
      const full = await takePoint();
      if (full === undefined) return;
      const untilNextWindowMs = Math.max(1, full.msBeforeNext);
      if (Date.now() + untilNextWindowMs > deadline) {
        metrics.budgetRefusals.inc({ operation });
        throw new AppError(
          'stripe_rate_budget_exhausted',
          `Our budget of ${settings.perSecond} Stripe calls per second is used up; retry shortly`,
          { retryAfterSeconds: Math.max(1, Math.ceil(untilNextWindowMs / 1000)) },
        );
      }
      if (attempt === 0) metrics.budgetWaits.inc({ operation });
      await sleep(untilNextWindowMs + Math.random() * WAKE_SPREAD_MS);
    }
  }

  return { acquire };
}

function createLimiter(settings: StripeBudgetSettings, redis: Redis | undefined): RateLimiterAbstract {
  const options = { points: settings.perSecond, duration: 1, keyPrefix: KEY_PREFIX };
  const inMemory = new RateLimiterMemory(options);
  if (redis === undefined) return inMemory;
  // Redis not ready or failing: this process counts on its own (the insurance limiter) rather than stall or
  // refuse every Stripe call during a Redis outage.
  return new RateLimiterRedis({
    ...options,
    storeClient: redis,
    rejectIfRedisNotReady: true,
    insuranceLimiter: inMemory,
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
