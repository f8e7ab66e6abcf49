// Every route the app serves, read from the app itself (Fastify's onRoute hook on a throwaway app that contacts
// nothing), with its request schemas: for tests that must cover each route, including routes added later.
import { buildTestApp } from './test-app.js';

/** A JSON Schema as the routes declare them (TypeBox schemas are plain JSON Schema objects). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  default?: unknown;
}

export interface RouteInventoryEntry {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
  /** Fastify's pattern: `/v1/customers/:external_id`. */
  url: string;
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
}

/** `GET /v1/catalog` */
export const routeName = (route: Pick<RouteInventoryEntry, 'method' | 'url'>): string =>
  `${route.method} ${route.url}`;

/** The routes of the app (HEAD, which Fastify adds to each GET, left out), in registration order. */
export async function listAppRoutes(): Promise<RouteInventoryEntry[]> {
  const testApp = await buildTestApp({ environment: { LOG_LEVEL: 'silent' } });
  const routes: RouteInventoryEntry[] = [];
  testApp.app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const schema = (route.schema ?? {}) as { params?: unknown; querystring?: unknown; body?: unknown };
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      routes.push({
        method: method as RouteInventoryEntry['method'],
        url: route.url,
        ...(schema.params === undefined ? {} : { params: schema.params as JsonSchema }),
        ...(schema.querystring === undefined ? {} : { querystring: schema.querystring as JsonSchema }),
        ...(schema.body === undefined ? {} : { body: schema.body as JsonSchema }),
      });
    }
  });
  await testApp.app.ready();
  await testApp.close();
  return routes;
}

/** The path parameter names of a Fastify pattern, in order (`:external_id`, and `*` as `*`). */
export function pathParameterNames(url: string): string[] {
  return [...url.matchAll(/:(\w+)|\*/g)].map((match) => match[1] ?? '*');
}

/** The pattern with each parameter replaced by its (already encoded) value. */
export function fillPath(url: string, values: Record<string, string>): string {
  return url.replace(/:(\w+)|\*/g, (_whole, name: string | undefined) => values[name ?? '*'] ?? 'x');
}

/**
 * Percent-encodes any string, lone surrogates included (as WTF-8 bytes, e.g. %ED%A0%80, which is how such a
 * string arrives when a client encodes it byte by byte): encodeURIComponent throws on them.
 */
export function encodeAnyString(value: string): string {
  let encoded = '';
  for (const character of value) {
    const code = character.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      const bytes = [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
      encoded += bytes.map((byte) => `%${byte.toString(16).toUpperCase()}`).join('');
    } else {
      encoded += encodeURIComponent(character);
    }
  }
  return encoded;
}
