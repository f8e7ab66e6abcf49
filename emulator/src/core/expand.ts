// `expand[]`: replacing ids in a response with the objects they name.
import { invalidRequest } from './errors.js';
import type { EmulatorState, StripeObject } from './store.js';

const MAX_EXPAND_DEPTH = 4;

/**
 * Applies `expand[]` paths to a response: each dot path names a field holding an id, which is replaced by the object
 * with that id. On a list, paths start with `data.`. Returns a copy; stored objects are never modified.
 * An unknown or non-expandable path is Stripe's 400 on `expand`.
 */
export function expandResponse(state: EmulatorState, body: unknown, paths: string[]): unknown {
  if (paths.length === 0) return body;
  const copy = structuredClone(body);
  for (const path of paths) {
    const parts = path.split('.');
    if (parts.length > MAX_EXPAND_DEPTH) {
      throw invalidRequest(`You cannot expand more than ${MAX_EXPAND_DEPTH} levels of a property.`, 'expand');
    }
    expandPath(state, copy, parts, path);
  }
  return copy;
}

function expandPath(state: EmulatorState, node: unknown, parts: string[], fullPath: string): void {
  if (node === null || node === undefined || typeof node !== 'object') return;
  const [head, ...rest] = parts;
  if (head === undefined) return;
  if (Array.isArray(node)) {
    for (const item of node) expandPath(state, item, parts, fullPath);
    return;
  }
  const record = node as Record<string, unknown>;
  if (!(head in record)) {
    throw invalidRequest(
      `This property cannot be expanded (${head}). You may want to try expanding 'data.${fullPath}' instead.`,
      'expand',
    );
  }
  let value = record[head];
  const resolve = (id: string): StripeObject => {
    const found = state.findById(id);
    if (!found) throw invalidRequest(`This property cannot be expanded (${fullPath}).`, 'expand');
    return structuredClone<StripeObject>(found);
  };
  if (typeof value === 'string') {
    value = resolve(value);
    record[head] = value;
  } else if (Array.isArray(value) && value.some((entry) => typeof entry === 'string')) {
    // A list of ids (`discounts`) expands element by element.
    value = value.map((entry: unknown) => (typeof entry === 'string' ? resolve(entry) : entry));
    record[head] = value;
  }
  if (rest.length > 0) expandPath(state, value, rest, fullPath);
}
