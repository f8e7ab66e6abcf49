// POST /webhooks/stripe: in its own encapsulated plugin, whose only body parser keeps the raw bytes (the
// signature is over them), so no other route is affected. 200 after the event is committed (or was already
// stored), 400 for a bad signature or body, 503 when the database cannot take it, so Stripe retries.
import { Type } from 'typebox';
import type { AppInstance } from '../http/app-instance.js';
import type { WebhookIngestService } from './webhook-ingest.service.js';

const receivedResponse = Type.Object({
  received: Type.Literal(true),
  event_id: Type.String(),
  duplicate: Type.Boolean(),
});

const rejectedResponse = Type.Object({
  error: Type.Object({
    code: Type.Literal('bad_request'),
    message: Type.String(),
    request_id: Type.String(),
  }),
});

export function registerWebhookRoutes(
  app: AppInstance,
  dependencies: { webhookIngest: WebhookIngestService },
): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    scope.post(
      '/webhooks/stripe',
      {
        schema: { response: { 200: receivedResponse, 400: rejectedResponse } },
        // Browser security headers mean nothing to a server-to-server sender on the busiest route.
        helmet: false,
        // Stripe sends thousands of these; metrics count them and rejections are logged by the error handler.
        logLevel: 'warn',
      },
      async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const header = request.headers['stripe-signature'];
        const result = await dependencies.webhookIngest.receive(
          body,
          Array.isArray(header) ? header.join(',') : header,
        );
        if (result.outcome === 'rejected') {
          // The error handler's shape, sent directly: see webhook-ingest.service.ts.
          return reply.status(400).send({
            error: { code: 'bad_request' as const, message: result.reason, request_id: request.id },
          });
        }
        return {
          received: true as const,
          event_id: result.eventId,
          duplicate: result.outcome === 'duplicate',
        };
      },
    );
  });
}
