// The one Redis connection of a process (REDIS_URL): the API's rate limits and the Stripe call budget share it,
// and with it their counters across replicas. Unset REDIS_URL: no connection, each process counts in memory.
import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';

/**
 * Short timeouts and one retry per command: the users of this connection fall back (rate limits let requests
 * through, the Stripe budget counts in memory) rather than wait for a Redis that does not answer.
 */
export function createSharedRedis(redisUrl: string | undefined, logger: Logger): Redis | undefined {
  if (redisUrl === undefined) return undefined;
  const redis = new Redis(redisUrl, { connectTimeout: 500, maxRetriesPerRequest: 1, lazyConnect: false });
  redis.on('error', (error) => logger.warn({ error: error.message }, 'shared Redis error'));
  return redis;
}

export async function closeSharedRedis(redis: Redis | undefined): Promise<void> {
  if (redis === undefined) return;
  await redis.quit().catch(() => redis.disconnect());
}
