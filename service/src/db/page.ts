// A page of a cursor-paginated list, as the list routes answer it: the rows, and whether more follow the last.
import { AppError } from '../errors.js';

export interface PageRequest {
  /** The id of the last row of the page before; the list continues after it. */
  startingAfter?: string | undefined;
  limit: number;
}

export interface Page<Item> {
  data: Item[];
  hasMore: boolean;
}

/** A page from rows fetched with `limit + 1`: the extra row only says that there is more. */
export function pageOf<Item>(rows: Item[], limit: number): Page<Item> {
  return { data: rows.slice(0, limit), hasMore: rows.length > limit };
}

/** A cursor that names nothing in the list is refused (rather than answered with an empty page). */
export function unknownCursor(what: string, cursor: string): AppError {
  return new AppError('validation_failed', `starting_after: ${cursor} is not ${what}`, {
    param: 'starting_after',
  });
}
