// Reading request parameters one at a time with Stripe's 400s, and applying metadata.
import { invalidRequest, missingParam } from './errors.js';

/**
 * Request parameters as the SDK sends them: form-encoded, nested with brackets (`metadata[plan]=pro`,
 * `line_items[0][price]=price_…`, `expand[]=customer`), parsed by `qs` into plain objects and arrays of strings.
 * These readers coerce and validate one parameter each and throw Stripe's 400 with `param` set.
 * An empty string means "unset" (Stripe's convention for clearing a field): readers return null for it.
 */
export type Params = Record<string, unknown>;

export function optionalString(params: Params, name: string): string | null | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (value === '') return null;
  if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${name}`, name);
  return value;
}

export function requiredString(params: Params, name: string): string {
  const value = optionalString(params, name);
  if (value === undefined || value === null) throw missingParam(name);
  return value;
}

export function optionalInteger(params: Params, name: string): number | null | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (value === '') return null;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^-?\d+$/.test(text))
    throw invalidRequest(`Invalid integer: ${describeValue(value)}`, name);
  return Number(text);
}

export function optionalBoolean(params: Params, name: string): boolean | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw invalidRequest(`Invalid boolean: ${describeValue(value)}`, name);
}

export function optionalEnum<T extends string>(
  params: Params,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const value = optionalString(params, name);
  if (value === undefined || value === null) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw invalidRequest(`Invalid ${name}: must be one of ${allowed.join(', ')}`, name);
  }
  return value as T;
}

/** A nested hash (`shipping[address][city]`); null when sent empty. */
export function optionalHash(params: Params, name: string): Params | null | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (value === '') return null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequest(`Invalid hash: ${name}`, name);
  }
  return value as Params;
}

/** An array sent as `name[]=a&name[]=b` or `name[0]=a&name[1]=b` (qs turns both into an array). */
export function optionalArray(params: Params, name: string): unknown[] | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (Array.isArray(value)) return value as unknown[];
  // qs keeps sparse or very long indexed arrays as objects keyed by index.
  if (typeof value === 'object' && value !== null) {
    return Object.keys(value)
      .sort((a, b) => Number(a) - Number(b))
      .map((key) => (value as Params)[key]);
  }
  throw invalidRequest(`Invalid array: ${name}`, name);
}

export function optionalStringArray(params: Params, name: string): string[] | undefined {
  const values = optionalArray(params, name);
  if (values === undefined) return undefined;
  return values.map((value, index) => {
    if (typeof value !== 'string')
      throw invalidRequest(`Invalid string: ${name}[${index}]`, `${name}[${index}]`);
    return value;
  });
}

/**
 * Applies a `metadata` param to existing metadata as Stripe does: keys merge, a key set to "" is removed,
 * `metadata=""` clears everything. At most 50 keys, keys ≤ 40 chars, values ≤ 500 chars.
 */
export function applyMetadata(existing: Record<string, string>, params: Params): Record<string, string> {
  const value = params.metadata;
  if (value === undefined) return existing;
  if (value === '') return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequest('Invalid hash: metadata', 'metadata');
  }
  const merged = { ...existing };
  for (const [key, entry] of Object.entries(value as Params)) {
    if (typeof entry !== 'string')
      throw invalidRequest(`Invalid metadata value for ${key}`, `metadata[${key}]`);
    if (key.length > 40)
      throw invalidRequest('Metadata keys can be at most 40 characters.', `metadata[${key}]`);
    if (entry.length > 500)
      throw invalidRequest('Metadata values can be at most 500 characters.', `metadata[${key}]`);
    if (entry === '') delete merged[key];
    else merged[key] = entry;
  }
  if (Object.keys(merged).length > 50) throw invalidRequest('Metadata can have at most 50 keys.', 'metadata');
  return merged;
}

/** A param value as it appears in an error message (a nested hash where a scalar was expected shows as JSON). */
function describeValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
