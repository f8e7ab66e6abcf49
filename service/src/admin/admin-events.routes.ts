// Admin routes (API keys with the admin scope) over the inbox: the dead letters and their replay.
import { Type } from 'typebox';
import { errorResponses } from '../http/api-schemas.js';
import type { AppInstance } from '../http/app-instance.js';
import type { InboxEventRecord } from '../webhooks/inbox/inbox-event.js';
import type { InboxService } from '../webhooks/inbox/inbox.service.js';
import { INBOX_STATUSES } from '../webhooks/inbox/inbox-statuses.js';

const Status = Type.Union(INBOX_STATUSES.map((status) => Type.Literal(status)));
const EventSummary = Type.Object({
  id: Type.String(),
  type: Type.String(),
  api_version: Type.Union([Type.String(), Type.Null()]),
  created: Type.String({ format: 'date-time' }),
  source: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  next_attempt_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  received_at: Type.String({ format: 'date-time' }),
  processed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const ErrorEntry = Type.Object({
  attempt: Type.Integer(),
  at: Type.String(),
  error: Type.String(),
  worker: Type.Union([Type.String(), Type.Null()]),
});
const exampleEvent = {
  id: 'evt_1QxYz2ABCdef',
  type: 'invoice.paid',
  api_version: '2026-10-28.endive',
  created: '2026-11-27T06:00:00.000Z',
  source: 'webhook',
  status: 'dead',
  attempts: 12,
  next_attempt_at: null,
  last_error: 'AppError (stripe_unavailable): Stripe is unavailable; retry shortly',
  received_at: '2026-11-27T06:00:01.000Z',
  processed_at: null,
};

const EventDetail = Type.Intersect(
  [EventSummary, Type.Object({ error_history: Type.Array(ErrorEntry), payload: Type.String() })],
  {
    examples: [
      {
        ...exampleEvent,
        error_history: [
          {
            attempt: 1,
            at: '2026-11-27T06:00:02.000Z',
            error: 'AppError (stripe_unavailable): …',
            worker: 'host:4242:a1b2c3',
          },
        ],
        payload: '{"id":"evt_1QxYz2ABCdef","object":"event","type":"invoice.paid", …}',
      },
    ],
  },
);

const EventIdParams = Type.Object({ id: Type.String({ pattern: '^evt_[A-Za-z0-9_]+$', maxLength: 255 }) });

function summary(event: InboxEventRecord) {
  const waiting = event.status === 'pending' || event.status === 'failed';
  return {
    id: event.id,
    type: event.type,
    api_version: event.api_version,
    created: event.stripe_created.toISOString(),
    source: event.source,
    status: event.status,
    attempts: event.attempts,
    next_attempt_at: waiting ? event.run_at.toISOString() : null,
    last_error: event.last_error,
    received_at: event.received_at.toISOString(),
    processed_at: event.processed_at?.toISOString() ?? null,
  };
}

export function registerAdminEventRoutes(app: AppInstance, dependencies: { inbox: InboxService }): void {
  const { inbox } = dependencies;

  app.get(
    '/v1/admin/events',
    {
      schema: {
        tags: ['admin'],
        summary: 'Inbox events, newest first, by status and type (cursor pagination)',
        querystring: Type.Object({
          status: Type.Optional(Status),
          type: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          starting_after: Type.Optional(Type.String({ maxLength: 255 })),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
        }),
        response: {
          200: Type.Object(
            { data: Type.Array(EventSummary), has_more: Type.Boolean() },
            { examples: [{ data: [exampleEvent], has_more: false }] },
          ),
          ...errorResponses(),
        },
      },
    },
    async (request) => {
      const { status, type, starting_after: startingAfter, limit } = request.query;
      const page = await inbox.list({
        limit,
        ...(status === undefined ? {} : { status: status }),
        ...(type === undefined ? {} : { type }),
        ...(startingAfter === undefined ? {} : { startingAfter }),
      });
      return { data: page.data.map(summary), has_more: page.hasMore };
    },
  );

  app.get(
    '/v1/admin/events/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'One inbox event with its error history and payload as received',
        params: EventIdParams,
        response: { 200: EventDetail, ...errorResponses(404) },
      },
    },
    async (request) => {
      const event = await inbox.get(request.params.id);
      return { ...summary(event), error_history: event.error_history, payload: event.payload };
    },
  );

  app.post(
    '/v1/admin/events/:id/replay',
    {
      schema: {
        tags: ['admin'],
        summary: 'Apply a dead, failed or ignored event again (refused for an applied one)',
        params: EventIdParams,
        response: {
          200: Type.Object(
            { id: Type.String(), status: Type.Literal('pending') },
            { examples: [{ id: 'evt_1QxYz2ABCdef', status: 'pending' }] },
          ),
          ...errorResponses(404, 409),
        },
      },
    },
    async (request, reply) => {
      await inbox.replayOne(request.params.id);
      return reply.status(200).send({ id: request.params.id, status: 'pending' as const });
    },
  );

  app.post(
    '/v1/admin/events/replay',
    {
      schema: {
        tags: ['admin'],
        summary: 'Apply every dead event again, optionally of one type',
        body: Type.Object(
          { type: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
          { additionalProperties: false, examples: [{ type: 'invoice.paid' }, {}] },
        ),
        response: {
          200: Type.Object(
            { replayed: Type.Integer(), ids: Type.Array(Type.String()) },
            { examples: [{ replayed: 2, ids: ['evt_1QxYz2ABCdef', 'evt_1QxYz3GHIjkl'] }] },
          ),
          ...errorResponses(),
        },
      },
    },
    async (request, reply) => {
      const ids = await inbox.replayDead(request.body.type);
      return reply.status(200).send({ replayed: ids.length, ids });
    },
  );
}
