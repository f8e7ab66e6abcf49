// GET /v1/events?after=<cursor>: the change feed — every event of the outgoing webhooks, in commit order, for
// callers who prefer pulling. Keep `next_cursor` and pass it as `after` next time; nothing is skipped.
import { Type } from 'typebox';
import { errorResponses } from '../http/api-schemas.js';
import type { AppInstance } from '../http/app-instance.js';
import type { OutboxService } from './outbox.service.js';
import { OutgoingEventSchema } from './outbox.schemas.js';

export function registerEventFeedRoutes(app: AppInstance, dependencies: { outbox: OutboxService }): void {
  app.get(
    '/v1/events',
    {
      schema: {
        tags: ['events'],
        summary: 'The change feed: events after a cursor, in commit order',
        querystring: Type.Object({
          after: Type.String({
            pattern: '^[0-9]{1,18}$',
            default: '0',
            description: 'The next_cursor of the previous page; 0 (the default) starts at the beginning',
          }),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        }),
        response: {
          200: Type.Object(
            { data: Type.Array(OutgoingEventSchema), next_cursor: Type.String(), has_more: Type.Boolean() },
            { examples: [{ data: [], next_cursor: '42', has_more: false }] },
          ),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const feed = await dependencies.outbox.readFeed(Number(request.query.after), request.query.limit);
      return { data: feed.data, next_cursor: feed.nextCursor, has_more: feed.hasMore };
    },
  );
}
