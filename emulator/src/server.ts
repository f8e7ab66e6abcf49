import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import qs from 'qs';
import type { EmulatorContext } from './core/context.js';
import { StripeError } from './core/errors.js';
import { expandResponse } from './core/expand.js';
import { newId } from './core/ids.js';
import { optionalStringArray, type Params } from './core/params.js';
import { runInRequest } from './core/request-context.js';
import { registerControlRoutes } from './control/index.js';
import { registerPageRoutes } from './pages/index.js';
import { registerResourceRoutes } from './resources/index.js';

const QS_OPTIONS: qs.IParseOptions = { depth: 8, arrayLimit: 1000, parameterLimit: 10_000, allowDots: false };

/** The parameters of a Stripe API request: the form body for POST, the query string otherwise. */
export function requestParams(request: FastifyRequest): Params {
  const body = request.body;
  if (body && typeof body === 'object' && !Array.isArray(body)) return body as Params;
  return (request.query ?? {}) as Params;
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

  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/v1/')) return;
    checkApiKey(request.headers.authorization);
  });

  // Every Stripe object or list a route returns passes through `expand[]` here.
  app.addHook('preSerialization', async (request, _reply, payload) => {
    if (!request.url.startsWith('/v1/') || payload === null || typeof payload !== 'object') return payload;
    const paths = optionalStringArray(requestParams(request), 'expand') ?? [];
    return expandResponse(context.state, payload, paths);
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof StripeError) {
      return reply.status(error.statusCode).send(error.toBody());
    }
    const statusCode = (error as { statusCode?: number }).statusCode;
    if (statusCode && statusCode >= 400 && statusCode < 500) {
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

function checkApiKey(authorization: string | undefined): void {
  if (!authorization) {
    throw new StripeError(
      401,
      'invalid_request_error',
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    );
  }
  const key = authorization.startsWith('Bearer ')
    ? authorization.slice('Bearer '.length)
    : authorization.startsWith('Basic ')
      ? (Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8').split(':')[0] ?? '')
      : '';
  if (!/^(sk|rk)_test_[A-Za-z0-9_]+$/.test(key)) {
    throw new StripeError(401, 'invalid_request_error', `Invalid API Key provided: ${maskKey(key)}`, {
      code: 'api_key_invalid',
    });
  }
}

function maskKey(key: string): string {
  return key.length <= 8
    ? '*'.repeat(key.length)
    : `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
}
