// The OpenAPI document of the /v1/ API, generated from the routes' TypeBox schemas: JSON at /docs/json, a
// browsable UI at /docs. Routes outside /v1/ (health, webhooks) are left out: they are not for API callers.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { AppInstance } from './app-instance.js';

export function registerOpenApi(app: AppInstance): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'billing-service',
        version: '1.0.0',
        description:
          'Sell one-time purchases and subscriptions through Stripe, and open the customer portal. Every /v1/ route needs `Authorization: Bearer <API key>`; every POST accepts an `Idempotency-Key`. Errors are `{ "error": { "code", "message", "request_id", "param"? } }`.',
      },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (bsk_…)' } },
      },
      security: [{ apiKey: [] }],
    },
    hideUntagged: true,
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json.$id === 'string' ? json.$id : `def-${index}`,
    },
  });
  void app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
}
