// The /v1/events routes: retrieve and list.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import type { StripeEvent } from '../core/events.js';
import { matchesCreated, paginate } from '../core/list.js';
import { optionalBoolean, optionalString, optionalStringArray } from '../core/params.js';
import { requestParams } from '../core/request-params.js';
import { matchesEventType } from '../webhooks/webhook-faults.js';

/** Stripe lists only the events of the last 30 days (counted from when each was recorded, see recordedAt). */
const EVENT_RETENTION_SECONDS = 30 * 24 * 60 * 60;

export function registerEventRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('evt', 'event');
  const table = context.state.table<StripeEvent>('event');

  app.get<{ Params: { id: string } }>('/v1/events/:id', async (request) => table.get(request.params.id));

  // Newest first; `type` takes one type or a `customer.*` wildcard, `types[]` up to 20 exact types.
  app.get('/v1/events', async (request) => {
    const params = requestParams(request);
    const type = optionalString(params, 'type');
    const types = optionalStringArray(params, 'types');
    if (type && types)
      throw invalidRequest('You may only specify one of these parameters: type, types.', 'types');
    if (types && types.length > 20) throw invalidRequest('You may pass at most 20 types.', 'types');
    const deliverySuccess = optionalBoolean(params, 'delivery_success');
    const oldest = context.clock.now() - EVENT_RETENTION_SECONDS;
    const rows = table.list(
      (event) =>
        context.events.recordedAt(event) >= oldest &&
        (!type || matchesEventType(type, event.type)) &&
        (!types || types.includes(event.type)) &&
        (deliverySuccess === undefined || (event.pending_webhooks === 0) === deliverySuccess) &&
        matchesCreated(event.created, params),
    );
    return paginate(rows, params, '/v1/events');
  });
}
