// The control routes of Stripe's request rate limit: set it, read what it did, turn it off.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { jsonBody } from './json-body.js';

/**
 * `POST /_emulator/rate-limit` `{ "requests_per_second": 25 }` turns it on (a full bucket, counts from zero);
 * `GET` shows the rate and how many requests were let through and answered 429; `DELETE` turns it off.
 */
export function registerRateLimitRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.post('/_emulator/rate-limit', async (request) => context.rateLimit.set(jsonBody(request)));
  app.get('/_emulator/rate-limit', async () => context.rateLimit.describe());
  app.delete('/_emulator/rate-limit', async () => {
    context.rateLimit.clear();
    return context.rateLimit.describe();
  });
}
