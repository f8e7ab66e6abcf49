// One rule for the numbers a request carries, after validation: every number is finite. Ajv refuses Infinity in
// JSON, but a string it coerces to a number (`?limit=1e309`, `"amount": "1e309"`) becomes Infinity after its type
// and range checks have passed, and then fails in PostgreSQL ("invalid input syntax for type bigint") or at
// Stripe as a 500. Applied once, as a preHandler hook on every route; the answer is a 400 naming the field.
import { AppError } from '../errors.js';
import type { AppInstance } from './app-instance.js';

/** The path of the first non-finite number in `value` ('' for `value` itself), as callers name fields. */
export function findNonFiniteNumber(value: unknown, path = ''): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNonFiniteNumber(item, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = findNonFiniteNumber(item, path === '' ? key : `${path}.${key}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Adds the rule to every route of `app` (register it on the root instance, before the routes). */
export function registerFiniteNumberRule(app: AppInstance): void {
  app.addHook('preHandler', (request, _reply, done) => {
    for (const [part, value] of [
      ['params', request.params],
      ['querystring', request.query],
      ['body', request.body],
    ] as const) {
      const param = findNonFiniteNumber(value);
      if (param === undefined) continue;
      const field = param === '' ? part : `${part}.${param}`;
      done(
        new AppError('validation_failed', `${field}: must be a finite number`, {
          param: param === '' ? part : param,
        }),
      );
      return;
    }
    done();
  });
}
