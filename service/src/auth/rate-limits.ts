// Rate limits on /v1/: per API key, per customer for customer tokens, and per client IP for requests without a
// valid key. In memory per process, or shared by every replica through the process's Redis connection when
// REDIS_URL is set (fail-open if Redis is unreachable: an outage of the counter store must not take billing down).
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.js';
import { AppError } from '../errors.js';
import type { AppInstance } from '../http/app-instance.js';
import { isApiRoute } from './authentication.js';

/**
 * Registers the plugin on `app` itself (not encapsulated), before the routes it must see. `redis` is the
 * process's shared connection (redis/shared-redis.ts), closed with the dependencies, not here.
 */
export function registerRateLimits(
  app: AppInstance,
  settings: Config['rateLimit'],
  redis: Redis | undefined,
): void {
  void app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    timeWindow: settings.windowMs,
    max: (request, key) => (key.startsWith('ip:') ? settings.anonymousMax : settings.max),
    // A customer token counts per customer: each browser of one customer shares its budget.
    keyGenerator: (request) =>
      request.apiKey !== undefined
        ? `key:${request.apiKey.id}`
        : request.customerToken !== undefined
          ? `customer:${request.customerToken.customer}`
          : `ip:${request.ip}`,
    allowList: (request) => !isApiRoute(request.routeOptions.url),
    ...(redis === undefined ? {} : { redis, nameSpace: 'billing-rate-limit:', skipOnError: true }),
    errorResponseBuilder: (_request, context) =>
      new AppError(
        'rate_limited',
        `Rate limit exceeded: ${context.max} requests per ${context.after}; retry later`,
      ),
  });
}
