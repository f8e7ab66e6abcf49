// The calling application's webhook endpoints: create (secret shown once), list, show, delete, rotate the
// secret, enable again (admin), the delivery log and a retry of one delivery.
import { Type } from 'typebox';
import { errorResponses, IdempotencyKeyHeader, PageQuerystring } from '../http/api-schemas.js';
import type { AppInstance } from '../http/app-instance.js';
import { OUTBOX_EVENT_TYPES } from '../outbox/outbox.service.js';
import type {
  DeliveryRow,
  WebhookEndpointRow,
  WebhookEndpointsService,
} from './webhook-endpoints.service.js';

const EventType = Type.Union(
  [...OUTBOX_EVENT_TYPES, '*'].map((type) => Type.Literal(type)),
  {
    description: 'An event type, or * for all',
  },
);
const Uuid = Type.String({ format: 'uuid' });
const EndpointParams = Type.Object({ id: Uuid });
const Timestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

const EndpointView = Type.Object(
  {
    id: Uuid,
    url: Type.String(),
    event_types: Type.Array(Type.String()),
    status: Type.String({ description: 'enabled, or disabled after failing deliveries for 3 days' }),
    disabled_reason: Type.Union([Type.String(), Type.Null()]),
    previous_secret_expires_at: Timestamp,
    created_at: Type.String({ format: 'date-time' }),
  },
  {
    examples: [
      {
        id: '3f2a9c1e-7b6d-4e5f-8a9b-0c1d2e3f4a5b',
        url: 'https://app.example.com/billing-webhooks',
        event_types: ['entitlements.changed', 'order.paid'],
        status: 'enabled',
        disabled_reason: null,
        previous_secret_expires_at: null,
        created_at: '2026-11-27T09:00:00.000Z',
      },
    ],
  },
);
const EndpointWithSecret = Type.Intersect([
  EndpointView,
  Type.Object({ secret: Type.String({ description: 'Shown only now: verify signatures with it' }) }),
]);
const DeliveryView = Type.Object({
  id: Uuid,
  event: Uuid,
  event_type: Type.String(),
  sequence: Type.Integer(),
  status: Type.String({ description: 'pending, delivered or failed' }),
  attempts: Type.Integer(),
  next_attempt_at: Timestamp,
  last_status_code: Type.Union([Type.Integer(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  delivered_at: Timestamp,
  created_at: Type.String({ format: 'date-time' }),
});

const iso = (date: Date | null) => date?.toISOString() ?? null;

function endpointView(endpoint: WebhookEndpointRow) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    event_types: endpoint.event_types,
    status: endpoint.status,
    disabled_reason: endpoint.disabled_reason,
    previous_secret_expires_at: iso(endpoint.previous_secret_expires_at),
    created_at: endpoint.created_at.toISOString(),
  };
}

function deliveryView(delivery: DeliveryRow & { event_type: string }) {
  return {
    id: delivery.id,
    event: delivery.event_id,
    event_type: delivery.event_type,
    sequence: Number(delivery.customer_sequence),
    status: delivery.status,
    attempts: delivery.attempts,
    next_attempt_at: delivery.status === 'pending' ? delivery.next_attempt_at.toISOString() : null,
    last_status_code: delivery.last_status_code,
    last_error: delivery.last_error,
    delivered_at: iso(delivery.delivered_at),
    created_at: delivery.created_at.toISOString(),
  };
}

export function registerWebhookEndpointRoutes(
  app: AppInstance,
  dependencies: { webhookEndpoints: WebhookEndpointsService },
): void {
  const { webhookEndpoints } = dependencies;
  const tags = ['webhook endpoints'];

  app.post(
    '/v1/webhook-endpoints',
    {
      schema: {
        tags,
        summary: 'Register an endpoint of your application for our events (the secret is shown once)',
        headers: IdempotencyKeyHeader,
        body: Type.Object(
          {
            url: Type.String({ minLength: 1, maxLength: 2048 }),
            event_types: Type.Array(EventType, { minItems: 1, maxItems: 20 }),
          },
          {
            additionalProperties: false,
            examples: [{ url: 'https://app.example.com/billing-webhooks', event_types: ['*'] }],
          },
        ),
        response: { 201: EndpointWithSecret, ...errorResponses() },
      },
    },
    async (request, reply) => {
      const endpoint = await webhookEndpoints.create({
        url: request.body.url,
        eventTypes: request.body.event_types,
      });
      return reply.status(201).send({ ...endpointView(endpoint), secret: endpoint.secret });
    },
  );

  app.get(
    '/v1/webhook-endpoints',
    {
      schema: {
        tags,
        summary: 'Every endpoint (without secrets)',
        response: { 200: Type.Object({ data: Type.Array(EndpointView) }), ...errorResponses() },
      },
    },
    async () => ({ data: (await webhookEndpoints.list()).map(endpointView) }),
  );

  app.get(
    '/v1/webhook-endpoints/:id',
    {
      schema: {
        tags,
        summary: 'One endpoint',
        params: EndpointParams,
        response: { 200: EndpointView, ...errorResponses(404) },
      },
    },
    async (request) => endpointView(await webhookEndpoints.get(request.params.id)),
  );

  app.delete(
    '/v1/webhook-endpoints/:id',
    {
      schema: {
        tags,
        summary: 'Delete an endpoint: nothing more is sent to it',
        params: EndpointParams,
        response: {
          200: Type.Object({ id: Uuid, deleted: Type.Literal(true) }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => {
      await webhookEndpoints.delete(request.params.id);
      return { id: request.params.id, deleted: true as const };
    },
  );

  app.post(
    '/v1/webhook-endpoints/:id/rotate-secret',
    {
      schema: {
        tags,
        summary: 'A new secret (shown once); the old one signs too until the overlap ends',
        params: EndpointParams,
        headers: IdempotencyKeyHeader,
        body: Type.Object(
          { overlap_hours: Type.Integer({ minimum: 0, maximum: 168, default: 24 }) },
          { additionalProperties: false, examples: [{ overlap_hours: 24 }] },
        ),
        response: { 200: EndpointWithSecret, ...errorResponses(404) },
      },
    },
    async (request) => {
      const endpoint = await webhookEndpoints.rotateSecret(request.params.id, request.body.overlap_hours);
      return { ...endpointView(endpoint), secret: endpoint.secret };
    },
  );

  app.post(
    '/v1/webhook-endpoints/:id/enable',
    {
      schema: {
        tags,
        summary: 'Enable an endpoint again (admin): its failed deliveries go out again, in order',
        params: EndpointParams,
        response: {
          200: Type.Object({ endpoint: EndpointView, requeued: Type.Integer() }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => {
      const { endpoint, requeued } = await webhookEndpoints.enable(request.params.id);
      return { endpoint: endpointView(endpoint), requeued };
    },
  );

  app.get(
    '/v1/webhook-endpoints/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'The delivery log of an endpoint, newest first (cursor pagination)',
        params: EndpointParams,
        querystring: PageQuerystring(Uuid),
        response: {
          200: Type.Object({ data: Type.Array(DeliveryView), has_more: Type.Boolean() }),
          ...errorResponses(404),
        },
      },
    },
    async (request) => {
      const page = await webhookEndpoints.listDeliveries(request.params.id, {
        startingAfter: request.query.starting_after,
        limit: request.query.limit,
      });
      return { data: page.data.map(deliveryView), has_more: page.hasMore };
    },
  );

  app.post(
    '/v1/webhook-endpoints/:id/deliveries/:delivery_id/retry',
    {
      schema: {
        tags,
        summary: 'Send one delivery again now (a replay when it was delivered)',
        params: Type.Object({ id: Uuid, delivery_id: Uuid }),
        headers: IdempotencyKeyHeader,
        response: {
          200: Type.Object({ id: Uuid, status: Type.Literal('pending') }),
          ...errorResponses(404),
        },
      },
    },
    async (request, reply) => {
      await webhookEndpoints.retryDelivery(request.params.id, request.params.delivery_id);
      return reply.status(200).send({ id: request.params.delivery_id, status: 'pending' as const });
    },
  );
}
