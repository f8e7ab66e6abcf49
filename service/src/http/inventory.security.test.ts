// Security suite, inventory: the API the app serves is exactly the one it documents (every /v1/ route in the
// OpenAPI document, each declaring its authentication errors), one version only, and paths that merely look
// like a route (other versions, other case, trailing slashes, dot segments) reach nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAppRoutes, routeName } from '../test-support/route-inventory.js';
import { startSeededTestApp, type SeededTestApp } from '../test-support/seeded-test-app.js';

const apiRoutes = (await listAppRoutes()).filter((route) => route.url.startsWith('/v1/'));

interface Operation {
  responses?: Record<string, unknown>;
  security?: unknown;
}

describe('API9:2023 Improper Inventory Management — one documented API', () => {
  let world: SeededTestApp;
  let paths: Record<string, Record<string, Operation>>;

  beforeAll(async () => {
    world = await startSeededTestApp();
    paths = (world.app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> }).paths;
  });

  afterAll(async () => {
    await world.closeAll();
  });

  it('documents exactly the /v1/ routes the app serves', () => {
    const documented = Object.entries(paths).flatMap(([url, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${url.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(documented.sort()).toEqual(apiRoutes.map(routeName).sort());
  });

  it.each(apiRoutes.map((route) => [routeName(route), route] as const))(
    '%s declares its 400, 401, 403 and 429 answers',
    (_name, route) => {
      const operation = paths[route.url.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      expect(Object.keys(operation?.responses ?? {})).toEqual(
        expect.arrayContaining(['400', '401', '403', '429']),
      );
    },
  );

  it.each([
    ['another version', '/v2/catalog'],
    ['no version', '/catalog'],
    ['an upper-case version', '/V1/catalog'],
    ['a trailing slash', '/v1/catalog/'],
    ['a doubled slash', '/v1//catalog'],
    ['a dot segment to a health route', '/v1/../v1/admin/../health/live'],
    ['an encoded slash', '/v1%2Fcatalog'],
  ])('serves nothing at %s (404 not_found in our shape)', async (_name, url) => {
    const response = await world.call('GET', url);
    expect(response.statusCode, `${url}: ${response.body}`).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
