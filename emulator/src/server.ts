import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import qs from 'qs';
import type { EmulatorContext } from './core/context.js';
import { apiKeyOf } from './core/api-key.js';
import { isParamValidationError, StripeError } from './core/errors.js';
import { expandResponse } from './core/expand.js';
import { newId } from './core/ids.js';
import { optionalStringArray, type Params } from './core/params.js';
import { runInRequest } from './core/request-context.js';
import { registerControlRoutes } from './control/index.js';
import { registerPageRoutes } from './pages/index.js';
import { registerResourceRoutes } from './resources/index.js';

const QS_OPTIONS: qs.IParseOptions = { depth: 8, arrayLimit: 1000, parameterLimit: 10_000, allowDots: false };

/**
 * The parameters of a Stripe API request: the query string and the form body together, the body winning a name
 * both carry. The SDK sends GET and DELETE params in the query string (a DELETE also with an empty form body) and
 * POST params in the body, but Stripe reads both on every method.
 */
export function requestParams(request: FastifyRequest): Params {
  const body = request.body;
  const query = request.query as Params | undefined;
  const hasBody = body !== null && typeof body === 'object' && !Array.isArray(body);
  if (!hasBody) return query ?? {};
  if (!query || !request.url.includes('?')) return body as Params;
  return { ...query, ...(body as Params) };
}

/**
 * The emulator's HTTP server: Stripe's wire format (form bodies, qs-style nesting, `expand[]`, error bodies,
 * `Request-Id`) around the resource routes. Resources only read params and return objects.
 */
export function buildEmulatorServer(context: EmulatorContext): FastifyInstance {
  const app = Fastify({
    loggerInstance: context.logger,
    bodyLimit: 1_048_576,
    routerOptions: { querystringParser: (text: string) => qs.parse(text, QS_OPTIONS) },
    genReqId: () => newId('req', 14),
  });

  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      try {
        done(null, qs.parse(body as string, QS_OPTIONS));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );

  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('request-id', request.id);
    const idempotencyKey = request.headers['idempotency-key'];
    runInRequest(
      { id: request.id, idempotencyKey: typeof idempotencyKey === 'string' ? idempotencyKey : null },
      done,
    );
  });

  const apiKeys = new WeakMap<FastifyRequest, string>();
  // Hooks without an await take Fastify's callback form: no promise and no microtask per hook and request.
  app.addHook('onRequest', (request, reply, done) => {
    if (!isApiRequest(request)) return done();
    void reply.header('stripe-version', context.apiVersion);
    try {
      apiKeys.set(request, apiKeyOf(request.headers.authorization));
    } catch (error) {
      return done(error as Error);
    }
    done();
  });
  // Idempotency first: its preHandler takes the key before an injected latency holds the request, and its onSend
  // saves the result before an injected `drop after` destroys the socket.
  // Requests whose params failed validation: their idempotency key is released instead of saving the 400.
  const rejectedParams = new WeakSet<FastifyRequest>();
  registerIdempotencyHooks(app, context, (request) => apiKeys.get(request) ?? '', rejectedParams);
  registerFaultHooks(app, context);

  // Every Stripe object or list a route returns passes through `expand[]` here.
  // Error bodies are left alone (an expand error must not be expanded again).
  app.addHook('preSerialization', (request, reply, payload, done) => {
    if (
      !isApiRequest(request) ||
      reply.statusCode >= 400 ||
      payload === null ||
      typeof payload !== 'object'
    ) {
      return done(null, payload);
    }
    try {
      const paths = optionalStringArray(requestParams(request), 'expand') ?? [];
      done(null, expandResponse(context.state, payload, paths));
    } catch (error) {
      done(error as Error);
    }
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof StripeError) {
      if (isParamValidationError(error)) rejectedParams.add(request);
      return reply.status(error.statusCode).send(error.toBody());
    }
    const statusCode = (error as { statusCode?: number }).statusCode;
    if (statusCode && statusCode >= 400 && statusCode < 500) {
      // A body the parser could not read: nothing executed.
      rejectedParams.add(request);
      return reply
        .status(400)
        .send(new StripeError(400, 'invalid_request_error', (error as Error).message).toBody());
    }
    request.log.error({ err: error }, 'emulator internal error');
    return reply
      .status(500)
      .send(new StripeError(500, 'api_error', 'An unknown error occurred in the Stripe emulator.').toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    void reply
      .status(404)
      .send(
        new StripeError(
          404,
          'invalid_request_error',
          `Unrecognized request URL (${request.method}: ${request.url.split('?')[0]}).`,
        ).toBody(),
      );
  });

  registerResourceRoutes(app, context);
  registerPageRoutes(app, context);
  registerControlRoutes(app, context);
  return app;
}

function isApiRequest(request: FastifyRequest): boolean {
  return request.url.startsWith('/v1/');
}

function pathOf(request: FastifyRequest): string {
  const query = request.url.indexOf('?');
  return query < 0 ? request.url : request.url.slice(0, query);
}

/**
 * Injected faults on `/v1/`: 5xx, 429 and dropped connections before the request executes (nothing happens,
 * nothing is saved for its idempotency key), latency while it executes (the key is held: a concurrent retry gets
 * 409), and a connection dropped after it executed (the result is saved, the client never sees it).
 */
function registerFaultHooks(app: FastifyInstance, context: EmulatorContext): void {
  app.addHook('onRequest', (request, reply, done) => {
    if (!isApiRequest(request)) return done();
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
        ? new StripeError(
            429,
            'invalid_request_error',
            'Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.',
            { code: 'rate_limit' },
          )
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

/**
 * Stripe's idempotency on `POST /v1/...` with an `Idempotency-Key`: the key is taken once the request reaches its
 * route (after auth and edge faults), the serialized response is saved on send, and replays answer the saved
 * status and bytes with `Idempotent-Replayed: true` and the first request's id in `Original-Request`. A request
 * whose params failed validation saves nothing (Stripe only saves once the endpoint started executing).
 */
function registerIdempotencyHooks(
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
