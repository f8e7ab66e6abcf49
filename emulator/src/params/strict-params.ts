// Strict parameters: every /v1/ endpoint refuses a parameter it does not take, as Stripe does, from one schema table.
import type { FastifyInstance, RouteOptions } from 'fastify';
import { invalidRequest } from '../core/errors.js';
import type { Params } from '../core/params.js';
import { isApiRequest, requestParams } from '../core/request-params.js';
import derivedSchemas from './param-schemas.json' with { type: 'json' };

/**
 * The parameters one endpoint takes: `true` for a value, `"*"` for a hash of any keys (metadata), a nested
 * schema for a hash; an array of hashes takes its element's schema. Derived from the pinned SDK's params types
 * (`param-schemas.json`, by `scripts/derive-param-schemas.ts`), keyed `METHOD /path` with `:` for each path
 * parameter.
 */
export type ParamSchema = { [name: string]: true | '*' | ParamSchema };

const DERIVED = derivedSchemas as Record<string, ParamSchema>;

/**
 * Endpoints the SDK has no method for (Stripe's private ones, which the Stripe CLI calls) declare their schema
 * here, in the same shape; so does `GET /v1/account` (its SDK params are only `expand`), whose prefix would
 * otherwise pull in every Connect `/v1/accounts` schema.
 */
const UNLISTED_SCHEMAS: Record<string, ParamSchema> = {
  'GET /v1/account': {},
  'GET /v1/payment_pages/:': {},
  'POST /v1/payment_pages/:/confirm': {
    expected_amount: true,
    expected_payment_method_type: true,
    payment_method: true,
  },
};

/**
 * Parameters the API still takes that the pinned SDK's types no longer list: `payment_method_types` (the SDK
 * leaves it to automatic payment methods), a customer's legacy `coupon` and a promotion code's `coupon` (before
 * `promotion[coupon]`), all sent by the Stripe CLI's trigger recipes, which run without a `Stripe-Version`, in the
 * account's default version.
 */
const UNTYPED_PARAMS: Record<string, ParamSchema> = {
  'POST /v1/checkout/sessions': { payment_method_types: true },
  'POST /v1/customers': { coupon: true },
  'POST /v1/customers/:': { coupon: true },
  'POST /v1/payment_intents': { payment_method_types: true },
  'POST /v1/promotion_codes': { coupon: true },
  'POST /v1/payment_intents/:': { payment_method_types: true },
  'POST /v1/setup_intents': { payment_method_types: true },
  'POST /v1/setup_intents/:': { payment_method_types: true },
};

/** `/v1/customers/:id/sources/:source` → `/v1/customers/:/sources/:`. */
function schemaKey(method: string, url: string): string {
  return `${method === 'HEAD' ? 'GET' : method} ${url.replace(/:[A-Za-z_]+/g, ':')}`;
}

export function paramSchemaFor(method: string, url: string): ParamSchema | undefined {
  const key = schemaKey(method, url);
  const schema = UNLISTED_SCHEMAS[key] ?? DERIVED[key];
  const untyped = UNTYPED_PARAMS[key];
  return schema && untyped ? { ...schema, ...untyped } : schema;
}

/**
 * Throws Stripe's 400 for the first parameter `schema` does not name:
 * `Received unknown parameter: line_items[0][colour]` (`param` the same path, `code: parameter_unknown`).
 */
export function assertKnownParams(params: Params, schema: ParamSchema): void {
  const unknown = firstUnknown(params, schema, '');
  if (!unknown) return;
  const suggestion = unknown.includes('[') ? undefined : closestName(unknown, Object.keys(schema));
  throw invalidRequest(
    `Received unknown parameter: ${unknown}${suggestion ? `. Did you mean ${suggestion}?` : ''}`,
    unknown,
    'parameter_unknown',
  );
}

function firstUnknown(value: Params, schema: ParamSchema, prefix: string): string | undefined {
  for (const [name, entry] of Object.entries(value)) {
    const path = prefix ? `${prefix}[${name}]` : name;
    const rule = name === 'expand' && !prefix ? true : schema[name];
    if (rule === undefined) return path;
    if (rule === true || rule === '*' || typeof entry !== 'object' || entry === null) continue;
    const unknown = Array.isArray(entry)
      ? firstUnknownInList(entry as unknown[], rule, path)
      : isIndexed(entry as Params, rule)
        ? firstUnknownInList(Object.values(entry), rule, path, Object.keys(entry))
        : firstUnknown(entry as Params, rule, path);
    if (unknown) return unknown;
  }
  return undefined;
}

function firstUnknownInList(
  items: unknown[],
  schema: ParamSchema,
  path: string,
  indexes: string[] = items.map((_, index) => String(index)),
): string | undefined {
  for (const [position, item] of items.entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
    const unknown = firstUnknown(item as Params, schema, `${path}[${indexes[position]}]`);
    if (unknown) return unknown;
  }
  return undefined;
}

/** qs keeps a sparse or long indexed list (`items[0]`, `items[5]`) as a hash keyed by index. */
function isIndexed(value: Params, schema: ParamSchema): boolean {
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => /^\d+$/.test(key) && schema[key] === undefined);
}

/** A name one or two edits away (a typo), as Stripe's "Did you mean" suggests. */
function closestName(name: string, candidates: string[]): string | undefined {
  if (name.length < 4) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Gives every `/v1/` route its schema when it is registered (a route without one fails the emulator's start, so
 * no endpoint can accept anything) and checks each request's params against it before the handler runs.
 */
export function registerStrictParams(app: FastifyInstance): void {
  const schemas = new Map<string, ParamSchema>();
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith('/v1/')) return;
    for (const method of [route.method].flat()) {
      const schema = paramSchemaFor(method, route.url);
      if (!schema)
        throw new Error(`No parameter schema for ${method} ${route.url} (see params/strict-params.ts)`);
      schemas.set(schemaKey(method, route.url), schema);
    }
  });
  app.addHook('preHandler', (request, _reply, done) => {
    if (!isApiRequest(request)) return done();
    const schema = schemas.get(schemaKey(request.method, request.routeOptions.url ?? ''));
    try {
      if (schema) assertKnownParams(requestParams(request), schema);
    } catch (error) {
      return done(error as Error);
    }
    done();
  });
}
