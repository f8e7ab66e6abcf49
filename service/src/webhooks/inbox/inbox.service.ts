// The inbox as other features use it: the dead-letter queue and its replay (the admin routes and the CLI) — list
// events by status and type, show one with its error history, requeue one or every dead event. The SQL stays in
// the operation files beside it; the worker, the sweep and the endpoint use those directly.
import type { Pool } from '../../db/pool.js';
import { AppError } from '../../errors.js';
import type { InboxEventRecord } from './inbox-event.js';
import type { InboxStatus } from './inbox-statuses.js';
import { findEvent, listEvents } from './list-events.js';
import { requeueEvents } from './requeue-events.js';

export interface InboxEventFilter {
  status?: InboxStatus;
  type?: string;
  /** Cursor: the last event id of the previous page. */
  startingAfter?: string;
  limit: number;
}

export interface InboxService {
  /** Events newest first, by status and type, a page at a time. */
  list(filter: InboxEventFilter): Promise<{ data: InboxEventRecord[]; hasMore: boolean }>;
  /** One event with its payload as received; not_found if the inbox has none of that id. */
  get(eventId: string): Promise<InboxEventRecord & { payload: string }>;
  /** Requeues one event that was not applied; a processed or pending one is refused (conflict) with the reason. */
  replayOne(eventId: string): Promise<void>;
  /** Requeues every dead event (of one type, if given); returns their ids. */
  replayDead(type?: string): Promise<string[]>;
}

export function createInboxService(options: { pool: Pool }): InboxService {
  const { pool } = options;

  async function get(eventId: string) {
    const event = await findEvent(pool, eventId);
    if (event === undefined) throw new AppError('not_found', `id: no event ${eventId} in the inbox`);
    return event;
  }

  return {
    list: (filter) => listEvents(pool, filter),
    get,

    async replayOne(eventId) {
      const event = await get(eventId);
      const requeued = await requeueEvents(pool, { ids: [eventId] });
      if (requeued.length === 0) {
        throw new AppError(
          'conflict',
          event.status === 'processed'
            ? `Event ${eventId} was applied already; replaying it would apply it twice`
            : `Event ${eventId} is ${event.status}: it will be applied without a replay`,
        );
      }
    },

    replayDead: (type) => requeueEvents(pool, { status: 'dead', ...(type === undefined ? {} : { type }) }),
  };
}
