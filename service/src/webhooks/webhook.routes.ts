// POST /webhooks/stripe: in its own encapsulated plugin, whose only body parser keeps the raw bytes (the
// signature is over them), so no other route is affected. 200 after the event is committed (or was already
// stored), 400 for a bad signature or body, 503 when the database cannot take it, so Stripe retries.
import { Type } from 'typebox';
import type { AppInstance } from '../http/app-instance.js';
import type { WebhookIngestService } from './webhook-ingest.service.js';

const receivedResponse = Type.Object({
  received: Type.Literal(true),
  duplicate: Type.Boolean(),
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
        schema: { response: { 200: receivedResponse } },
        // Stripe sends thousands of these; metrics count them and rejections are logged by the error handler.
        logLevel: 'warn',
      },
      async (request) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const header = request.headers['stripe-signature'];
        const outcome = await dependencies.webhookIngest.receive(
          body,
          Array.isArray(header) ? header.join(',') : header,
        );
        return { received: true as const, duplicate: outcome === 'duplicate' };
      },
    );
  });
}
