// The request hooks that fire injected API faults, and the request rate limit when one is set, on `/v1/`.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from './context.js';
import { StripeError } from './errors.js';
import { rateLimitExceeded } from './request-rate-limit.js';
import { isApiRequest, pathOf } from './request-params.js';

/**
 * Injected faults on `/v1/`: 5xx, 429 and dropped connections before the request executes (nothing happens,
 * nothing is saved for its idempotency key), latency while it executes (the key is held: a concurrent retry gets
 * 409), and a connection dropped after it executed (the result is saved, the client never sees it).
 */
export function registerFaultHooks(app: FastifyInstance, context: EmulatorContext): void {
  app.addHook('onRequest', (request, reply, done) => {
    if (!isApiRequest(request)) return done();
    // Like Stripe's limiter, ahead of everything: a limited request does nothing.
    if (!context.rateLimit.admit()) return done(rateLimitExceeded());
    const fault = context.faults.take(
      request.method,
      pathOf(request),
      (candidate) =>
        candidate.type === 'error' || candidate.type === 'rate_limit' || candidate.phase === 'before',
    );
    if (!fault) return done();
    if (fault.type === 'drop') {
      void reply.hijack();
      request.raw.socket.destroy();
      return done();
    }
    done(
      fault.type === 'rate_limit'
        ? rateLimitExceeded()
        : new StripeError(
            fault.status ?? 500,
            'api_error',
            'An unknown error occurred in the Stripe emulator.',
          ),
    );
  });

  app.addHook('preHandler', (request, _reply, done) => {
    if (!isApiRequest(request)) return done();
    const fault = context.faults.take(
      request.method,
      pathOf(request),
      (candidate) => candidate.type === 'latency',
    );
    if (fault?.latency_ms) setTimeout(done, fault.latency_ms);
    else done();
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    if (
      isApiRequest(request) &&
      context.faults.take(request.method, pathOf(request), (candidate) => candidate.phase === 'after')
    ) {
      void reply.hijack();
      request.raw.socket.destroy();
    }
    done(null, payload);
  });
}
