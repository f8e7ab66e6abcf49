// The Stripe CLI's `stripe trigger` recipe format: loading the files, resolving `${name:path}` references, form-encoding params.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One request of a recipe. `params` is JSON the CLI turns into form data; any string in it (and in `path`) may hold
 * references to earlier responses: `${customer:id}`, `${disputes_list:data.0.id}`, `${name:path|default}`, or
 * `${.env:NAME}` for an environment variable. `expected_error_type` lets the request fail with that Stripe error
 * type without failing the recipe.
 */
export interface RecipeRequest {
  name: string;
  path: string;
  method: 'get' | 'post' | 'delete';
  params?: Record<string, unknown>;
  expected_error_type?: string;
  idempotency_key?: string;
  headers?: Record<string, string>;
}

export interface TriggerRecipe {
  _meta: { template_version: number; aliases?: string[]; exclude_metadata?: boolean };
  fixtures: RecipeRequest[];
  env?: Record<string, string>;
}

/** A recipe file and the event it is named for (`customer.created.json` triggers `customer.created`). */
export interface NamedRecipe {
  event: string;
  recipe: TriggerRecipe;
}

export function loadTriggerRecipes(directory: string): NamedRecipe[] {
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      event: file.slice(0, -'.json'.length),
      recipe: JSON.parse(readFileSync(join(directory, file), 'utf8')) as TriggerRecipe,
    }));
}

/** Responses of the requests run so far, by request name (a failed, expected request stores nothing). */
export type RecipeResponses = Map<string, unknown>;

/**
 * Replaces every reference in `text`. As in the CLI, a reference to an unknown request name is an error, while a
 * path that finds nothing leaves the text as it was (or takes the reference's default value).
 */
export function resolveReferences(text: string, responses: RecipeResponses, env = process.env): string {
  if (text === '${time-now-RFC3339}') return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (text === '${generate-uuid}') return randomUUID();
  let result = '';
  let rest = text;
  for (;;) {
    const start = rest.indexOf('${');
    const end = start < 0 ? -1 : rest.indexOf('}', start);
    if (end < 0) return result + rest;
    result += rest.slice(0, start) + resolveReference(rest.slice(start, end + 1), responses, env);
    rest = rest.slice(end + 1);
  }
}

/** One `${name:path|default}`; text that is no reference (no `:`) stays as it is. */
function resolveReference(match: string, responses: RecipeResponses, env: NodeJS.ProcessEnv): string {
  const inner = match.slice(2, -1);
  const colon = inner.indexOf(':');
  if (colon <= 0) return match;
  const name = inner.slice(0, colon);
  const [path = '', fallback] = inner.slice(colon + 1).split('|', 2);
  if (name === '.env') return env[path] || (fallback ?? match);
  if (!responses.has(name)) throw new Error(`the recipe references an undeclared request name: ${name}`);
  const found = valueAt(responses.get(name), path);
  if (found === undefined || found === null || found === '') return fallback ?? match;
  // Numbers and booleans print as JSON does; hashes and arrays as their JSON, as gjson's String() gives them.
  return typeof found === 'string' ? found : JSON.stringify(found);
}

/** A dot path into a JSON value, array indexes as numbers (`data.0.id`), as gjson reads it. */
function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * The recipe's params as form fields, the way the CLI builds them: nested hashes as `a[b]`, arrays of scalars as
 * `a[]`, arrays of hashes as `a[0][b]` (the index counts hashes only), numbers without a trailing `.0`.
 */
export function recipeFormFields(
  params: Record<string, unknown> | undefined,
  responses: RecipeResponses,
): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  if (params) addHash(params, '', -1, responses, fields);
  return fields;
}

function addHash(
  hash: Record<string, unknown>,
  parent: string,
  index: number,
  responses: RecipeResponses,
  fields: Array<[string, string]>,
): void {
  for (const [key, value] of Object.entries(hash)) {
    const name = parent === '' ? key : index >= 0 ? `${parent}[${index}][${key}]` : `${parent}[${key}]`;
    addValue(name, value, responses, fields);
  }
}

function addValue(name: string, value: unknown, responses: RecipeResponses, fields: Array<[string, string]>) {
  if (typeof value === 'string') fields.push([name, resolveReferences(value, responses)]);
  else if (typeof value === 'number' || typeof value === 'boolean') fields.push([name, String(value)]);
  else if (Array.isArray(value)) addArray(value, name, responses, fields);
  else if (value !== null && typeof value === 'object')
    addHash(value as Record<string, unknown>, name, -1, responses, fields);
}

function addArray(
  values: unknown[],
  parent: string,
  responses: RecipeResponses,
  fields: Array<[string, string]>,
) {
  let index = -1;
  for (const value of values) {
    // The CLI sends strings, nested arrays and hashes of an array; JSON numbers and booleans in arrays it skips.
    if (typeof value === 'string') fields.push([`${parent}[]`, resolveReferences(value, responses)]);
    else if (Array.isArray(value)) addArray(value, parent, responses, fields);
    else if (value !== null && typeof value === 'object') {
      index += 1;
      addHash(value as Record<string, unknown>, parent, index, responses, fields);
    }
  }
}

/** `key=value&…` with the CLI's escaping: values query-escaped, brackets in keys left readable. */
export function encodeFormFields(fields: Array<[string, string]>): string {
  return fields
    .map(
      ([key, value]) => `${queryEscape(key).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${queryEscape(value)}`,
    )
    .join('&');
}

/** Go's url.QueryEscape: spaces as `+`, everything but unreserved characters percent-encoded. */
function queryEscape(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
