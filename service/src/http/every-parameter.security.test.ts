// Security suite, NUL and lone surrogates in every parameter: each path parameter, query parameter and body field
// of every /v1/ route (read from the app, so a new route or field is covered without editing this file) gets a
// NUL byte and a lone UTF-16 surrogate (paths and bodies: a query string cannot carry one), and is refused with
// 400 naming it; nothing is stored or sent to Stripe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeAnyString,
  fillPath,
  listAppRoutes,
  pathParameterNames,
  routeName,
  type JsonSchema,
  type RouteInventoryEntry,
} from '../test-support/route-inventory.js';
import { startSeededTestApp, type SeededTestApp } from '../test-support/seeded-test-app.js';

const NUL = 'ab\u0000cd';
const LONE_SURROGATE = 'ab\uD800cd';

const apiRoutes = (await listAppRoutes()).filter((route) => route.url.startsWith('/v1/'));

/** A value each path parameter's schema accepts, so that only the parameter under test is wrong. */
const FITTING_PATH_VALUES: Record<string, string> = {
  external_id: 'user_1',
  feature: 'sso',
  delivery_id: '00000000-0000-4000-8000-000000000001',
};
function fittingPathValue(route: RouteInventoryEntry, name: string): string {
  const schema = route.params?.properties?.[name];
  if (schema?.format === 'uuid') return '00000000-0000-4000-8000-000000000001';
  const prefix = /^\^([a-z]+_)/.exec(schema?.pattern ?? '')?.[1];
  if (prefix !== undefined) return `${prefix}test1`;
  return FITTING_PATH_VALUES[name] ?? 'x1';
}

/** The body fields of a schema as the error names them: `name`, and one level down `items[0].price`. */
function bodyFieldPaths(
  schema: JsonSchema | undefined,
): Array<{ param: string; body: (value: string) => unknown }> {
  const fields: Array<{ param: string; body: (value: string) => unknown }> = [];
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    fields.push({ param: name, body: (value) => ({ [name]: value }) });
    for (const inner of Object.keys(property.items?.properties ?? {})) {
      fields.push({ param: `${name}[0].${inner}`, body: (value) => ({ [name]: [{ [inner]: value }] }) });
    }
  }
  return fields;
}

interface ParameterCase {
  name: string;
  route: string;
  method: RouteInventoryEntry['method'];
  url: string;
  body?: unknown;
  param: string;
  /** The code expected: a lone surrogate in a path is not valid UTF-8 percent-encoding, refused by the router. */
  code: 'validation_failed' | 'bad_request';
}

function casesFor(route: RouteInventoryEntry, bad: string, what: string): ParameterCase[] {
  const names = pathParameterNames(route.url);
  const fittingPath = (except?: string, value?: string) =>
    fillPath(
      route.url,
      Object.fromEntries(
        names.map((name) => [
          name,
          name === except ? encodeAnyString(value!) : fittingPathValue(route, name),
        ]),
      ),
    );
  const cases: ParameterCase[] = names.map((name) => ({
    name: `${routeName(route)}: path ${name}, ${what}`,
    route: routeName(route),
    method: route.method,
    url: fittingPath(name, bad),
    param: name,
    code: bad === LONE_SURROGATE ? 'bad_request' : 'validation_failed',
  }));
  // A query string cannot carry a lone surrogate: its invalid UTF-8 stays undecoded text (request-parsing shows it).
  const queryNames = bad === LONE_SURROGATE ? [] : Object.keys(route.querystring?.properties ?? {});
  for (const name of queryNames) {
    cases.push({
      name: `${routeName(route)}: query ${name}, ${what}`,
      route: routeName(route),
      method: route.method,
      url: `${fittingPath()}?${name}=${encodeAnyString(bad)}`,
      param: name,
      code: 'validation_failed',
    });
  }
  for (const field of bodyFieldPaths(route.body)) {
    cases.push({
      name: `${routeName(route)}: body ${field.param}, ${what}`,
      route: routeName(route),
      method: route.method,
      url: fittingPath(),
      body: field.body(bad),
      param: field.param,
      code: 'validation_failed',
    });
  }
  return cases;
}

const cases = apiRoutes.flatMap((route) => [
  ...casesFor(route, NUL, 'NUL'),
  ...casesFor(route, LONE_SURROGATE, 'lone surrogate'),
]);

describe('API8:2023 Security Misconfiguration — NUL and lone surrogates in every parameter', () => {
  let world: SeededTestApp;
  let stripeObjects: () => number;
  let storedRows: () => Promise<number>;

  beforeAll(async () => {
    world = await startSeededTestApp({ RATE_LIMIT_MAX: '100000' });
    expect(
      (await world.call('POST', '/v1/customers', { external_id: 'user_1', email: 'a@example.com' }))
        .statusCode,
    ).toBe(201);
    stripeObjects = () =>
      Object.values(world.emulator.summary().counts).reduce((sum, count) => sum + count, 0);
    storedRows = async () =>
      Number(
        (
          await world.dependencies.pool.query<{ rows: string }>(
            `SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM checkout_sessions)
                  + (SELECT count(*) FROM webhook_endpoints) + (SELECT count(*) FROM order_refunds) AS rows`,
          )
        ).rows[0]?.rows,
      );
  });

  afterAll(async () => {
    await world.closeAll();
  });

  it('covers every /v1/ route with at least one parameter or field', () => {
    const covered = new Set(cases.map((entry) => entry.route));
    const withInputs = apiRoutes.filter(
      (route) =>
        pathParameterNames(route.url).length > 0 ||
        Object.keys(route.querystring?.properties ?? {}).length > 0 ||
        Object.keys(route.body?.properties ?? {}).length > 0,
    );
    expect(withInputs.length).toBeGreaterThan(25);
    for (const route of withInputs) expect(covered.has(routeName(route)), routeName(route)).toBe(true);
  });

  it.each(cases)('$name: 400 $code naming it', async ({ method, url, body, param, code }) => {
    const [objectsBefore, rowsBefore] = [stripeObjects(), await storedRows()];
    const response = await world.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${world.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    expect(response.statusCode, response.body).toBe(400);
    const error = response.json<{ error: { code: string; param?: string; request_id: string } }>().error;
    expect(error.code).toBe(code);
    if (code === 'validation_failed') expect(error.param).toBe(param);
    expect(error.request_id).toBe(response.headers['x-request-id']);
    expect([stripeObjects(), await storedRows()]).toEqual([objectsBefore, rowsBefore]);
  });
});
