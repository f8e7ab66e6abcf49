// fast-check arbitraries for the property test over every route: values that fit a route's JSON Schema (so a
// request gets past validation into the services, the database and the emulator), hostile values (NUL, lone
// surrogates, huge numbers, wrong types, injection strings, `__proto__` keys, nesting), and the two mixed.
import fc from 'fast-check';
import type { JsonSchema } from './route-inventory.js';

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\uDBFF\uDBFF',
  '__proto__',
  'constructor',
  'prototype',
  "' OR '1'='1' --",
  "'; DROP TABLE customers; --",
  '$1',
  '%',
  '_',
  '\\',
  '../../etc/passwd',
  '%2e%2e%2f',
  '\r\nSet-Cookie: a=b',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${7*7}',
  '{"$gt":""}',
  '\u202eevil',
  '𝒳𝒴',
  'ｓhop',
  '9'.repeat(400),
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  'null',
  'true',
  'x'.repeat(5000),
];

const HOSTILE_NUMBERS = [
  0,
  -0,
  -1,
  0.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  2 ** 31,
  -(2 ** 63),
  Number.MIN_VALUE,
];

/** Keys that pollute prototypes or hit reserved names, beside ordinary ones. */
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', '\u0000k'];

/** An object with exactly these own entries, `__proto__` included as a plain own key (as JSON.parse makes it). */
export function objectFromEntries(
  entries: ReadonlyArray<readonly [string, unknown]>,
): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return object;
}

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

const hostileKey = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);

/** Any JSON value a caller could send, at most a few levels deep, hostile keys and strings included. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.constantFrom(...HOSTILE_NUMBERS),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc
      .array(fc.tuple(hostileKey, tie('value')), { maxLength: 3 })
      .map((entries) => objectFromEntries(entries)),
  ),
})).value;

/** Hostile values as a query string or path would carry them: strings only. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS).map(String) },
);

function stringFitting(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 40, 60);
  switch (schema.format) {
    case 'email':
      return fc.emailAddress().filter((email) => email.length <= (schema.maxLength ?? 512));
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return fc
        .date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') })
        .map((date) => date.toISOString());
    case 'uri':
      return fc.webUrl();
    default:
  }
  if (schema.pattern !== undefined) {
    // The app's own route schemas, not a caller's input.
    // eslint-disable-next-line security/detect-non-literal-regexp
    const pattern = new RegExp(schema.pattern);
    return fc
      .stringMatching(pattern)
      .filter((value) => value.length >= minLength && value.length <= (schema.maxLength ?? 255));
  }
  return fc.string({ minLength, maxLength: Math.max(minLength, maxLength) });
}

/** Values that satisfy the schema (as far as these keywords go): requests that reach the services. */
export function valueFitting(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (schema === undefined || depth > 4) return hostileValue;
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined) return fc.constantFrom(...schema.enum);
  if (schema.anyOf !== undefined)
    return fc.oneof(...schema.anyOf.map((option) => valueFitting(option, depth + 1)));
  if (schema.allOf !== undefined) {
    // Intersections of objects (TypeBox's Intersect): merge what each part generates.
    return fc
      .tuple(...schema.allOf.map((part) => valueFitting(part, depth + 1)))
      .map((parts) => Object.assign({}, ...parts.filter((part) => typeof part === 'object')) as unknown);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringFitting(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valueFitting(schema.items, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
      });
    case 'object':
      return objectFitting(schema, depth);
    default:
      return hostileValue;
  }
}

function objectFitting(schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  const properties = schema.properties ?? {};
  const record = fc.record(
    Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [name, valueFitting(property, depth + 1)]),
    ),
    { requiredKeys: (schema.required ?? []).filter((name) => name in properties) },
  );
  const valueSchema =
    Object.values(schema.patternProperties ?? {})[0] ??
    (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
  if (valueSchema === undefined) return record;
  // A Record (metadata): a few string keys with fitting values.
  return fc
    .tuple(
      record,
      fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), valueFitting(valueSchema, depth + 1)), {
        maxLength: 3,
      }),
    )
    .map(([fixed, extra]) => ({ ...objectFromEntries(extra), ...fixed }));
}

/** A fitting object with one field (or a new one: a hostile or mass-assignment key) set to a hostile value. */
export function objectWithOneHostileField(schema: JsonSchema): fc.Arbitrary<unknown> {
  const names = Object.keys(schema.properties ?? {});
  const extraKeys = ['__proto__', 'constructor', 'amount', 'unit_amount', 'currency', 'livemode', 'id'];
  return fc
    .tuple(valueFitting(schema), fc.constantFrom(...names, ...extraKeys), hostileValue)
    .map(([fitting, key, value]) => {
      const entries = Object.entries(
        typeof fitting === 'object' && fitting !== null ? (fitting as Record<string, unknown>) : {},
      ).filter(([name]) => name !== key);
      return objectFromEntries([...entries, [key, value]]);
    });
}

/** What a route's body may be sent as: fitting, fitting with one hostile field, or anything at all. */
export function bodyFor(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  if (schema === undefined) return fc.oneof(fc.constant(undefined), hostileValue);
  return fc.oneof(
    { weight: 2, arbitrary: valueFitting(schema) },
    { weight: 3, arbitrary: objectWithOneHostileField(schema) },
    { weight: 1, arbitrary: hostileValue },
  );
}

/** A path or query value: fitting the parameter's schema, one of `known` (ids that exist), or hostile text. */
export function textFor(schema: JsonSchema | undefined, known: readonly string[] = []): fc.Arbitrary<string> {
  const fitting = valueFitting(schema).map((value) =>
    typeof value === 'string' ? value : (JSON.stringify(value) ?? ''),
  );
  const choices = [
    { weight: 2, arbitrary: fitting },
    { weight: 2, arbitrary: hostileText },
  ];
  if (known.length > 0) choices.push({ weight: 2, arbitrary: fc.constantFrom(...known) });
  return fc.oneof(...choices);
}
