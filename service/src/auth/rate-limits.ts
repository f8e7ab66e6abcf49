// Rate limits on /v1/: per API key, per customer for customer tokens, and per client IP for requests without a valid key. In memory per process,
// or shared by every replica through Redis when REDIS_URL is set (fail-open if Redis is unreachable: an outage
// of the counter store must not take billing down).
import rateLimit from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import type { Config } from '../config/load-config.js';
import { AppError } from '../errors.js';
import type { AppInstance } from '../http/app-instance.js';
import { isApiRoute } from './authentication.js';

/** Registers the plugin on `app` itself (not encapsulated), before the routes it must see. */
export function registerRateLimits(app: AppInstance, settings: Config['rateLimit']): void {
  let redis: Redis | undefined;
  if (settings.redisUrl !== undefined) {
    redis = new Redis(settings.redisUrl, {
      connectTimeout: 500,
      maxRetriesPerRequest: 1,
      lazyConnect: false,
    });
    redis.on('error', (error) => app.log.warn({ error: error.message }, 'rate limit store (Redis) error'));
    const client = redis;
    app.addHook('onClose', async () => {
      await client.quit().catch(() => client.disconnect());
    });
  }
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
