import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import type { StripeEvent } from '../core/events.js';
import { deletePrice } from '../resources/catalog.js';

/**
 * The platform's control routes under `/_emulator/`: reset, state counts, API faults, webhook faults, delivery
 * pause/resume, the delivery log, waiting for deliveries to settle and resending an event. JSON in, JSON out;
 * no API key. The library API (`startEmulator()` result) calls the same functions.
 */
export function registerPlatformControlRoutes(app: FastifyInstance, context: EmulatorContext): void {
  app.post('/_emulator/reset', async () => {
    context.state.reset();
    return { reset: true, counts: context.state.counts() };
  });

  app.get('/_emulator/state', async () => emulatorSummary(context));

  // The Dashboard can delete a price; the API cannot. Tests of `price.deleted` handling use this.
  app.delete<{ Params: { id: string } }>('/_emulator/prices/:id', async (request) => {
    const price = deletePrice(context, request.params.id);
    return { id: price.id, object: 'price', deleted: true };
  });

  app.post('/_emulator/faults', async (request) => context.faults.add(jsonBody(request)));
  app.get('/_emulator/faults', async () => ({ data: context.faults.list() }));
  app.delete('/_emulator/faults', async () => {
    context.faults.clear();
    return { cleared: true };
  });
  app.delete<{ Params: { id: string } }>('/_emulator/faults/:id', async (request) => ({
    id: request.params.id,
    deleted: context.faults.remove(request.params.id),
  }));

  const webhooks = context.webhooks;
  app.post('/_emulator/webhooks/faults', async (request) => webhooks.faults.add(jsonBody(request)));
  app.get('/_emulator/webhooks/faults', async () => ({ data: webhooks.faults.list() }));
  app.delete('/_emulator/webhooks/faults', async () => {
    webhooks.faults.clear();
    return { cleared: true };
  });
  app.delete<{ Params: { id: string } }>('/_emulator/webhooks/faults/:id', async (request) => ({
    id: request.params.id,
    deleted: webhooks.faults.remove(request.params.id),
  }));

  app.post('/_emulator/webhooks/pause', async () => {
    webhooks.pause();
    return { paused: true, pending: webhooks.pending };
  });
  app.post('/_emulator/webhooks/resume', async () => {
    webhooks.resume();
    return { paused: false, pending: webhooks.pending };
  });

  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/_emulator/webhooks/deliveries',
    async (request) => {
      const { event_id, endpoint_id, event_type } = request.query;
      const filter = {
        ...(event_id ? { event_id } : {}),
        ...(endpoint_id ? { endpoint_id } : {}),
        ...(event_type ? { event_type } : {}),
      };
      return { data: webhooks.log.list(filter), pending: webhooks.pending, paused: webhooks.isPaused };
    },
  );

  app.get<{ Querystring: { timeout_ms?: string } }>('/_emulator/webhooks/idle', async (request) => {
    const timeoutMs = request.query.timeout_ms === undefined ? 10_000 : Number(request.query.timeout_ms);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > 600_000) {
      throw invalidRequest('timeout_ms must be an integer between 0 and 600000.', 'timeout_ms');
    }
    const idle = await webhooks.waitForIdle(timeoutMs);
    return { idle, pending: webhooks.pending };
  });

  app.post<{ Params: { eventId: string } }>('/_emulator/webhooks/resend/:eventId', async (request) => {
    const body = jsonBody(request);
    const endpoint = body.endpoint;
    if (endpoint !== undefined && typeof endpoint !== 'string') {
      throw invalidRequest('endpoint must be a webhook endpoint id.', 'endpoint');
    }
    const event = context.state.table<StripeEvent>('event').get(request.params.eventId);
    return { event: event.id, deliveries: webhooks.resend(event, endpoint) };
  });
}

/** What `GET /_emulator/state` answers: object counts per Stripe object name plus webhook queue figures. */
export function emulatorSummary(context: EmulatorContext) {
  return {
    counts: context.state.counts(),
    clock: context.clock.now(),
    api_version: context.apiVersion,
    webhooks: { pending: context.webhooks.pending, paused: context.webhooks.isPaused },
    faults: { api: context.faults.list().length, webhooks: context.webhooks.faults.list().length },
  };
}

function jsonBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw invalidRequest('Send a JSON object as the body.');
  return body as Record<string, unknown>;
}
