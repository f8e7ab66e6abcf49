// Security suite, property-based: bounded random inputs (fitting the schema, one field hostile, or anything at all:
// NUL, lone surrogates, huge numbers, wrong types, nesting, `__proto__` keys) to every route the app serves, with
// the real database and the emulator behind it; every answer is 2xx or a 4xx in our error shape, never a 5xx.
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpStatusByErrorCode } from '../errors.js';
import {
  encodeAnyString,
  fillPath,
  listAppRoutes,
  pathParameterNames,
  routeName,
  type RouteInventoryEntry,
} from '../test-support/route-inventory.js';
import { bodyFor, hostileText, textFor } from '../test-support/schema-arbitraries.js';
import {
  CANCEL_URL,
  startSeededTestApp,
  SUCCESS_URL,
  type SeededTestApp,
} from '../test-support/seeded-test-app.js';

// Bounded: about 20 requests per route keeps the file to seconds on a shared two-core machine.
const RUNS_PER_ROUTE = 20;

const routes = await listAppRoutes();
const KNOWN_ERROR_CODES = new Set(Object.keys(httpStatusByErrorCode));
/** Answers seen, by status: the inputs must reach past validation too, not only be refused by it. */
const statusesSeen = new Map<number, number>();

/** 2xx, or a 4xx whose body is `{ error: { code, message, request_id } }` with a known code and our request id. */
function expectNoServerError(response: LightMyRequestResponse, sent: string): void {
  expect(response.statusCode, sent).toBeGreaterThanOrEqual(200);
  expect(response.statusCode, `${sent} → ${response.body.slice(0, 300)}`).toBeLessThan(500);
  if (response.statusCode < 400) return;
  const body = response.json<{ error?: { code?: unknown; message?: unknown; request_id?: unknown } }>();
  expect(KNOWN_ERROR_CODES.has(String(body.error?.code)), `${sent} → ${response.body}`).toBe(true);
  expect(typeof body.error?.message === 'string' && body.error.message.length > 0, sent).toBe(true);
  expect(body.error?.request_id, sent).toBe(response.headers['x-request-id']);
}

describe('API8:2023 Security Misconfiguration — random inputs to every route (fast-check)', () => {
  let world: SeededTestApp;
  /** Ids that exist, per path parameter name, so that some requests reach a real object. */
  const known: Record<string, string[]> = { external_id: ['user_prop'], feature: ['sso', 'pro'], id: [] };

  beforeAll(async () => {
    world = await startSeededTestApp({ RATE_LIMIT_MAX: '10000000', RATE_LIMIT_ANONYMOUS_MAX: '10000000' });
    const customer = await world.call('POST', '/v1/customers', {
      external_id: 'user_prop',
      email: 'prop@example.com',
    });
    expect(customer.statusCode).toBe(201);
    const session = await world.call('POST', '/v1/checkout/sessions', {
      customer: 'user_prop',
      mode: 'payment',
      items: [{ lookup_key: 'mug', quantity: 1 }],
      success_url: SUCCESS_URL,
      cancel_url: CANCEL_URL,
    });
    expect(session.statusCode).toBe(201);
    const endpoint = await world.call('POST', '/v1/webhook-endpoints', {
      url: 'https://shop.example/hooks',
      event_types: ['*'],
    });
    expect(endpoint.statusCode).toBe(201);
    known.id = [session.json<{ id: string }>().id, endpoint.json<{ id: string }>().id];
  });

  afterAll(async () => {
    await world.closeAll();
  });

  it('finds every route of the app, each path parameter with a declared schema', () => {
    const apiRoutes = routes.filter((route) => route.url.startsWith('/v1/'));
    expect(apiRoutes.length).toBeGreaterThanOrEqual(30);
    for (const route of apiRoutes) {
      for (const name of pathParameterNames(route.url)) {
        expect(route.params?.properties?.[name], `${routeName(route)}: ${name}`).toBeDefined();
      }
    }
  });

  it.each(routes.map((route) => [routeName(route), route] as const))(
    '%s: only 2xx or 4xx in the error shape',
    async (_name, route: RouteInventoryEntry) => {
      const parameterNames = pathParameterNames(route.url);
      const queryProperties = Object.entries(route.querystring?.properties ?? {});
      const queryEntry = fc.oneof(
        hostileText.chain((key) => hostileText.map((value) => [key, value] as const)),
        ...queryProperties.map(([name, schema]) => textFor(schema).map((value) => [name, value] as const)),
      );
      const request = fc.record({
        params: fc.tuple(
          ...parameterNames.map((name) => textFor(route.params?.properties?.[name], known[name])),
        ),
        query: fc.array(queryEntry, { maxLength: 4 }),
        body:
          route.method === 'GET' || route.method === 'DELETE' ? fc.constant(undefined) : bodyFor(route.body),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ params, query, body }) => {
          const values = Object.fromEntries(
            parameterNames.map((name, index) => [name, encodeAnyString(params[index] ?? '')]),
          );
          const search = query.map(([key, value]) => `${encodeAnyString(key)}=${encodeAnyString(value)}`);
          const url = fillPath(route.url, values) + (search.length > 0 ? `?${search.join('&')}` : '');
          const response = await world.app.inject({
            method: route.method,
            url,
            headers: {
              authorization: `Bearer ${world.apiKey}`,
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
          });
          const sent = `${route.method} ${url} ${body === undefined ? '' : JSON.stringify(body).slice(0, 300)}`;
          statusesSeen.set(response.statusCode, (statusesSeen.get(response.statusCode) ?? 0) + 1);
          expectNoServerError(response, sent);
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    },
  );

  it('reached past validation: successes and answers only a service gives (404, 409) among the runs', () => {
    const count = (predicate: (status: number) => boolean) =>
      [...statusesSeen].filter(([status]) => predicate(status)).reduce((sum, [, seen]) => sum + seen, 0);
    expect(count((status) => status >= 200 && status < 300)).toBeGreaterThan(routes.length);
    expect(count((status) => status === 404 || status === 409)).toBeGreaterThan(0);
    expect(count((status) => status === 400)).toBeGreaterThan(0);
  });
});
