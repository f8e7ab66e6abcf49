// The dead-letter queue and replay, over the inbox: list events by status and type, show one with its error
// history, requeue one or every dead event. Used by the admin routes and the CLI.
import type { Pool } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { InboxStatus } from '../webhooks/inbox/inbox-event.js';
import { findEvent, listEvents } from '../webhooks/inbox/list-events.js';
import { requeueEvents } from '../webhooks/inbox/requeue-events.js';

export type AdminEventsService = ReturnType<typeof createAdminEventsService>;

export function createAdminEventsService(options: { pool: Pool }) {
  const { pool } = options;
  return {
    list: (filter: { status?: InboxStatus; type?: string; startingAfter?: string; limit: number }) =>
      listEvents(pool, filter),

    async get(eventId: string) {
      const event = await findEvent(pool, eventId);
      if (event === undefined) throw new AppError('not_found', `id: no event ${eventId} in the inbox`);
      return event;
    },

    /** Requeues one event that was not applied; a processed or pending one is refused with the reason. */
    async replayOne(eventId: string): Promise<void> {
      const event = await findEvent(pool, eventId);
      if (event === undefined) throw new AppError('not_found', `id: no event ${eventId} in the inbox`);
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

    /** Requeues every dead event (of one type, if given); returns their ids. */
    replayDead: (type?: string) =>
      requeueEvents(pool, { status: 'dead', ...(type === undefined ? {} : { type }) }),
  };
}
