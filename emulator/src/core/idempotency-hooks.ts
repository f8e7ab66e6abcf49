// The request hooks of Stripe's idempotency on `POST /v1/` with an `Idempotency-Key`.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from './context.js';
import { isApiRequest, pathOf, requestParams } from './request-params.js';

/**
 * Stripe's idempotency on `POST /v1/...` with an `Idempotency-Key`: the key is taken once the request reaches its
 * route (after auth and edge faults), the serialized response is saved on send, and replays answer the saved
 * status and bytes with `Idempotent-Replayed: true` and the first request's id in `Original-Request`. A request
 * whose params failed validation saves nothing (Stripe only saves once the endpoint started executing).
 */
export function registerIdempotencyHooks(
  app: FastifyInstance,
  context: EmulatorContext,
  apiKeyFor: (request: FastifyRequest) => string,
  rejectedParams: WeakSet<FastifyRequest>,
): void {
  const held = new WeakMap<FastifyRequest, { scope: string; key: string }>();

  app.addHook('preHandler', (request, reply, done) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || typeof key !== 'string' || key === '' || !isApiRequest(request)) {
      return done();
    }
    if (request.is404) return done();
    const scope = apiKeyFor(request);
    void reply.header('idempotency-key', key);
    const outcome = context.idempotency.begin(scope, key, 'POST', pathOf(request), requestParams(request));
    if (outcome.kind === 'reject') return done(outcome.error);
    if (outcome.kind === 'execute') {
      held.set(request, { scope, key });
      void reply.header('original-request', request.id);
      return done();
    }
    // Answering from a callback hook: send, and do not call done.
    void reply
      .header('idempotent-replayed', 'true')
      .header('original-request', outcome.response.requestId)
      .code(outcome.response.statusCode)
      .type('application/json; charset=utf-8')
      .send(outcome.response.body);
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    const holder = held.get(request);
    if (!holder) return done(null, payload);
    held.delete(request);
    const body =
      typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
    if (body === null || rejectedParams.has(request)) context.idempotency.abandon(holder.scope, holder.key);
    else
      context.idempotency.complete(holder.scope, holder.key, {
        statusCode: reply.statusCode,
        body,
        requestId: request.id,
      });
    done(null, payload);
  });

  // A request that never reached onSend (client gone mid-flight) must not hold its key forever.
  app.addHook('onResponse', (request, _reply, done) => {
    const holder = held.get(request);
    if (holder) context.idempotency.abandon(holder.scope, holder.key);
    done();
  });
}
