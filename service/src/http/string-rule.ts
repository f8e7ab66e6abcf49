// The one rule for every string a request carries into the API (path parameters, query, body — keys and values,
// at any depth up to MAX_NESTING_DEPTH; deeper JSON is refused): no NUL byte and no lone UTF-16 surrogate.
// PostgreSQL refuses both in text and jsonb, and Stripe in its parameters, so they would otherwise surface as 500s
// and 502s far from the request. Applied once, as a preValidation hook on every route, so no route can forget
// it; the answer is a 400 naming the field.
import { AppError } from '../errors.js';
import type { AppInstance } from './app-instance.js';

type RequestPart = 'params' | 'querystring' | 'body';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string breaks the rule, or undefined when it keeps it. */
export function describeUnacceptableString(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains a NUL byte, which is not accepted';
  if (loneSurrogate.test(value))
    return 'contains a lone UTF-16 surrogate (invalid Unicode), which is not accepted';
  return undefined;
}

interface Violation {
  /** As callers name the field: `metadata.plan`, `items[0].price`, `external_id`. */
  param: string;
  problem: string;
}

/**
 * How deep a request's JSON may nest. No schema of the API goes past three levels; without a bound, a 1 MB body of
 * brackets nests half a million deep and overflows the stack of every recursive walk after parsing (this one,
 * validation, the idempotency fingerprint's JSON.stringify), which would answer 500 instead of 400.
 */
export const MAX_NESTING_DEPTH = 32;

/** The first string in `value` (keys included) that breaks the rule, with its path ('' for `value` itself). */
export function findUnacceptableString(value: unknown, path = '', depth = 0): Violation | undefined {
  if (depth > MAX_NESTING_DEPTH && typeof value === 'object' && value !== null) {
    return { param: path, problem: `is nested more than ${MAX_NESTING_DEPTH} levels deep` };
  }
  if (typeof value === 'string') {
    const problem = describeUnacceptableString(value);
    return problem === undefined ? undefined : { param: path, problem };
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnacceptableString(item, `${path}[${index}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = describeUnacceptableString(key);
      if (keyProblem !== undefined) {
        return { param: path, problem: `a key ${keyProblem}` };
      }
      const found = findUnacceptableString(item, path === '' ? key : `${path}.${key}`, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Adds the rule to every route of `app` (register it on the root instance, before the routes). */
export function registerStringRule(app: AppInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const parts: Array<[RequestPart, unknown]> = [
      ['params', request.params],
      ['querystring', request.query],
      ['body', request.body],
    ];
    for (const [part, value] of parts) {
      const violation = findUnacceptableString(value);
      if (violation === undefined) continue;
      const field = violation.param === '' ? part : `${part}.${violation.param}`;
      const param = violation.param === '' ? part : violation.param;
      done(new AppError('validation_failed', `${field}: ${violation.problem}`, { param }));
      return;
    }
    done();
  });
}
