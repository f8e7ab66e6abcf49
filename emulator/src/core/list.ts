// Stripe's list objects and cursor pagination, and the `created` filter lists share.
import { invalidRequest, resourceMissing } from './errors.js';
import { optionalInteger, optionalString, type Params } from './params.js';
import type { StripeObject } from './store.js';

export interface ListObject<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/**
 * Stripe's cursor pagination over rows that are already newest first: `limit` (1–100, default 10),
 * `starting_after` (rows after that id) and `ending_before` (rows before that id, still returned newest first).
 */
export function paginate<T extends StripeObject>(rows: T[], params: Params, url: string): ListObject<T> {
  const limit = optionalInteger(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalidRequest('Invalid limit: must be between 1 and 100.', 'limit');
  const startingAfter = optionalString(params, 'starting_after');
  const endingBefore = optionalString(params, 'ending_before');
  if (startingAfter && endingBefore) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.');
  }
  if (startingAfter) {
    const index = rows.findIndex((row) => row.id === startingAfter);
    if (index < 0) throw resourceMissing('object', startingAfter, 'starting_after');
    const rest = rows.slice(index + 1);
    return { object: 'list', data: rest.slice(0, limit), has_more: rest.length > limit, url };
  }
  if (endingBefore) {
    const index = rows.findIndex((row) => row.id === endingBefore);
    if (index < 0) throw resourceMissing('object', endingBefore, 'ending_before');
    const before = rows.slice(0, index);
    return { object: 'list', data: before.slice(-limit), has_more: before.length > limit, url };
  }
  return { object: 'list', data: rows.slice(0, limit), has_more: rows.length > limit, url };
}

/**
 * Filters on `created` as Stripe accepts it: an exact integer or a hash of gt / gte / lt / lte.
 */
export function matchesCreated(created: number, params: Params): boolean {
  const filter = params.created;
  if (filter === undefined || filter === '') return true;
  if (typeof filter === 'string') return created === Number(filter);
  if (typeof filter !== 'object' || filter === null)
    throw invalidRequest('Invalid created filter', 'created');
  const bounds = filter as Params;
  const bound = (name: string) => optionalInteger(bounds, name) ?? undefined;
  const gt = bound('gt');
  const gte = bound('gte');
  const lt = bound('lt');
  const lte = bound('lte');
  return (
    (gt === undefined || created > gt) &&
    (gte === undefined || created >= gte) &&
    (lt === undefined || created < lt) &&
    (lte === undefined || created <= lte)
  );
}

export interface SearchResult<T> {
  object: 'search_result';
  data: T[];
  has_more: boolean;
  next_page: string | null;
  url: string;
  total_count?: number;
}

/** Stripe's search pagination: `page` is an opaque cursor (here the offset, base64url), `limit` 1–100. */
export function searchPage<T extends StripeObject>(rows: T[], params: Params, url: string): SearchResult<T> {
  const limit = optionalInteger(params, 'limit') ?? 10;
  if (limit < 1 || limit > 100) throw invalidRequest('Invalid limit: must be between 1 and 100.', 'limit');
  const page = optionalString(params, 'page');
  const offset = page ? Number(Buffer.from(page, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw invalidRequest('Invalid page cursor.', 'page');
  const data = rows.slice(offset, offset + limit);
  const hasMore = rows.length > offset + limit;
  return {
    object: 'search_result',
    data,
    has_more: hasMore,
    next_page: hasMore ? Buffer.from(String(offset + limit), 'utf8').toString('base64url') : null,
    url,
  };
}
