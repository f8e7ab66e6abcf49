// The /v1/webhook_endpoints routes: create, retrieve, update, delete, list.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest, missingParam } from '../core/errors.js';
import { paginate } from '../core/list.js';
import {
  applyMetadata,
  optionalBoolean,
  optionalString,
  optionalStringArray,
  requiredString,
  type Params,
} from '../core/params.js';
import { requestParams } from '../core/request-params.js';
import { assertKnownApiVersion } from '../versions/api-versions.js';
import { webhookEndpoints } from '../webhooks/endpoints.js';
import { createWebhookEndpoint, validUrl } from './webhook-endpoint-object.js';

export function registerWebhookEndpointRoutes(app: FastifyInstance, context: EmulatorContext): void {
  context.state.registerIdPrefix('we', 'webhook_endpoint');
  const table = webhookEndpoints(context.state);

  // The secret is part of the create response only, as on Stripe.
  app.post('/v1/webhook_endpoints', async (request) => {
    const params = requestParams(request);
    return createWebhookEndpoint(context, {
      url: requiredString(params, 'url'),
      enabled_events: enabledEvents(params, true) ?? ['*'],
      api_version: apiVersionParam(params),
      description: optionalString(params, 'description') ?? null,
      metadata: applyMetadata({}, params),
    });
  });

  app.get<{ Params: { id: string } }>('/v1/webhook_endpoints/:id', async (request) =>
    table.get(request.params.id),
  );

  app.post<{ Params: { id: string } }>('/v1/webhook_endpoints/:id', async (request) => {
    const params = requestParams(request);
    const endpoint = table.get(request.params.id);
    const url = optionalString(params, 'url');
    if (url) endpoint.url = validUrl(url);
    const events = enabledEvents(params, false);
    if (events) endpoint.enabled_events = events;
    const description = optionalString(params, 'description');
    if (description !== undefined) endpoint.description = description;
    const disabled = optionalBoolean(params, 'disabled');
    if (disabled !== undefined) endpoint.status = disabled ? 'disabled' : 'enabled';
    endpoint.metadata = applyMetadata(endpoint.metadata, params);
    return endpoint;
  });

  app.delete<{ Params: { id: string } }>('/v1/webhook_endpoints/:id', async (request) => {
    const endpoint = table.get(request.params.id);
    table.delete(endpoint.id);
    return { id: endpoint.id, object: 'webhook_endpoint', deleted: true };
  });

  app.get('/v1/webhook_endpoints', async (request) =>
    paginate(table.list(), requestParams(request), '/v1/webhook_endpoints'),
  );
}

function enabledEvents(params: Params, required: boolean): string[] | undefined {
  const events = optionalStringArray(params, 'enabled_events');
  if (events === undefined || events.length === 0) {
    if (required) throw missingParam('enabled_events');
    return undefined;
  }
  for (const [index, type] of events.entries()) {
    if (type !== '*' && !isEventTypeName(type)) {
      throw invalidRequest(
        `Invalid enabled_events[${index}]: must be '*' or an event type such as 'customer.created'.`,
        `enabled_events[${index}]`,
      );
    }
  }
  return events;
}

/** `customer.created`, `customer.subscription.trial_will_end`: two or more lowercase dot-separated words. */
function isEventTypeName(type: string): boolean {
  const words = type.split('.');
  return words.length >= 2 && words.every((word) => /^[a-z0-9_]+$/.test(word));
}

/** `api_version`: the version this endpoint's events are rendered in (Stripe's 400 for one it does not know). */
function apiVersionParam(params: Params): string | null {
  const version = optionalString(params, 'api_version') ?? null;
  if (version !== null) assertKnownApiVersion(version, 'api_version');
  return version;
}
