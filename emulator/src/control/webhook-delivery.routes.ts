// The control routes of webhook delivery: pause and resume, the delivery log, waiting until idle, resending.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../core/context.js';
import { invalidRequest } from '../core/errors.js';
import type { StripeEvent } from '../core/events.js';
import { jsonBody } from './json-body.js';

/** `/_emulator/webhooks/{pause,resume,deliveries,idle,resend/:eventId}`. JSON in, JSON out; no API key. */
export function registerWebhookDeliveryRoutes(app: FastifyInstance, context: EmulatorContext): void {
  const webhooks = context.webhooks;
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
      return {
        data: webhooks.log.list(filter),
        pending: webhooks.pending,
        paused: webhooks.isPaused,
        queues: webhooks.queueStates(),
        timers: webhooks.timersPending,
      };
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
