// Stripe's search query language over a table (`field:'v'`, `~`, `>`, `metadata['k']`, AND/OR).
import { invalidRequest } from './errors.js';
import { searchPage, type SearchResult } from './list.js';
import { requiredString, type Params } from './params.js';
import type { StripeObject, Table } from './store.js';

/** Reads one searchable field of an object; metadata is handled by the compiler. */
export type SearchField<T> = (row: T) => string | number | boolean | null | undefined;

const CLAUSE =
  /^(-?)(metadata\[(?:'([^']+)'|"([^"]+)")\]|[a-z_]+)\s*(:|~|>=|<=|>|<)\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+)|(null))$/;

/** A `GET /v1/<resources>/search` answer: `query` compiled over `fields`, the matching rows as a search page. */
export function searchTable<T extends StripeObject & { metadata?: unknown }>(
  table: Table<T>,
  params: Params,
  fields: Record<string, SearchField<T>>,
  url: string,
): SearchResult<T> {
  const matches = compileSearchQuery(requiredString(params, 'query'), fields);
  return searchPage(table.list(matches), params, url);
}

/**
 * Stripe's search query language, the part integrations use: `field:'value'` (exact, case-insensitive),
 * `field~'value'` (substring), `field>123` / `>=` / `<` / `<=` on numbers, `metadata['key']:'value'`,
 * `field:null`, a leading `-` to negate, clauses joined by AND or OR (not both in one query).
 */
export function compileSearchQuery<T extends { metadata?: unknown }>(
  query: string,
  fields: Record<string, SearchField<T>>,
): (row: T) => boolean {
  const trimmed = query.trim();
  if (trimmed === '') throw invalidRequest('The search query is empty.', 'query');
  if (/\sOR\s/.test(trimmed) && /\sAND\s/.test(trimmed)) {
    throw invalidRequest('Search queries cannot mix AND and OR.', 'query');
  }
  const joinedByOr = /\sOR\s/.test(trimmed);
  const clauses = trimmed
    .split(joinedByOr ? /\s+OR\s+/ : /\s+AND\s+/)
    .map((text) => compileClause(text.trim(), fields));
  return joinedByOr
    ? (row) => clauses.some((clause) => clause(row))
    : (row) => clauses.every((clause) => clause(row));
}

function compileClause<T extends { metadata?: unknown }>(
  text: string,
  fields: Record<string, SearchField<T>>,
): (row: T) => boolean {
  const match = CLAUSE.exec(text);
  if (!match) throw invalidRequest(`Invalid search query clause: ${text}`, 'query');
  const [, negate, field = '', singleKey, doubleKey, operator = ':', single, double, number, nullWord] =
    match;
  const metadataKey = singleKey ?? doubleKey;
  const read: SearchField<T> | undefined =
    metadataKey !== undefined
      ? (row) => (row.metadata as Record<string, string> | undefined)?.[metadataKey]
      : fields[field];
  if (!read) {
    throw invalidRequest(
      `Field '${field}' is an unsupported search field. Supported fields: ${Object.keys(fields).join(', ')}, metadata.`,
      'query',
    );
  }
  const expected = single ?? double;
  const test = (row: T): boolean => {
    const actual = read(row);
    if (nullWord !== undefined) return actual === null || actual === undefined;
    if (number !== undefined) return compareNumber(actual, operator, Number(number));
    if (actual === null || actual === undefined || expected === undefined) return false;
    const value = String(actual).toLowerCase();
    const wanted = expected.replace(/\\(.)/g, '$1').toLowerCase();
    if (operator === '~') return value.includes(wanted);
    if (operator === ':') return value === wanted;
    return compareNumber(actual, operator, Number(wanted));
  };
  return negate ? (row) => !test(row) : test;
}

function compareNumber(actual: unknown, operator: string, expected: number): boolean {
  if (typeof actual !== 'number') return false;
  switch (operator) {
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    default:
      return actual === expected;
  }
}
