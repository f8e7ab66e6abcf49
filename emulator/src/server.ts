// The emulator's Fastify app: wire format, API key, expand, error rendering, the /v1/ hooks.
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import qs from 'qs';
import { catchUpGlobalClock } from './billing/time-engine.js';
import type { EmulatorContext } from './core/context.js';
import { apiKeyOf } from './core/api-key.js';
import { isParamValidationError, StripeError } from './core/errors.js';
import { expandResponse } from './core/expand.js';
import { newId } from './core/ids.js';
import { registerFaultHooks } from './core/fault-hooks.js';
import { registerIdempotencyHooks } from './core/idempotency-hooks.js';
import { optionalStringArray } from './core/params.js';
import { isApiRequest, requestParams } from './core/request-params.js';
import { runInRequest } from './core/request-context.js';
import { registerControlRoutes } from './control/index.js';
import { registerPageRoutes } from './pages/index.js';
import { registerStrictParams } from './params/strict-params.js';
import { assertKnownApiVersion, renderForVersion } from './versions/api-versions.js';
import { registerResourceRoutes } from './resources/index.js';

const QS_OPTIONS: qs.IParseOptions = { depth: 8, arrayLimit: 1000, parameterLimit: 10_000, allowDots: false };

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
  /** The `Stripe-Version` a request named, when it is not the emulator's own. */
  const olderVersions = new WeakMap<FastifyRequest, string>();
  // Hooks without an await take Fastify's callback form: no promise and no microtask per hook and request.
  app.addHook('onRequest', (request, reply, done) => {
    if (!isApiRequest(request)) return done();
    const version = request.headers['stripe-version'];
    void reply.header('stripe-version', typeof version === 'string' ? version : context.apiVersion);
    try {
      apiKeys.set(request, apiKeyOf(request.headers.authorization));
      if (typeof version === 'string' && version !== context.apiVersion) {
        assertKnownApiVersion(version);
        olderVersions.set(request, version);
      }
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
  registerStrictParams(app);
  // Work that fell due on the global clock as wall time passed (expiries, renewals) runs before each API call.
  app.addHook('onRequest', (request, _reply, done) => {
    if (!isApiRequest(request)) return done();
    try {
      catchUpGlobalClock(context);
    } catch (error) {
      return done(error as Error);
    }
    done();
  });

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
      const expanded = expandResponse(context.state, payload, paths);
      const version = olderVersions.get(request);
      done(
        null,
        version === undefined
          ? expanded
          : renderForVersion(expanded, version, (name, id) => context.state.table(name).find(id)),
      );
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
