// The OpenAPI document of the /v1/ API, generated from the routes' TypeBox schemas: JSON at /docs/json, a
// browsable UI at /docs, served only when `served` (DOCS_ENABLED: off in production unless enabled); the
// document is built either way (`npm run openapi`). Routes outside /v1/ (health, webhooks) are left out.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { AppInstance } from './app-instance.js';

export function registerOpenApi(app: AppInstance, options: { served: boolean }): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'billing-service',
        version: '1.0.0',
        description:
          'Sell one-time purchases and subscriptions through Stripe, and open the customer portal. Every /v1/ route needs `Authorization: Bearer <API key>` with the route\'s scope (`billing` holds every non-admin scope), or on the customer-facing reads and the portal a customer token (`POST /v1/customer-tokens`); every POST accepts an `Idempotency-Key`. Errors are `{ "error": { "code", "message", "request_id", "param"? } }`.',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key (bsk_test_…, bsk_live_…) or a customer token (bct_…)',
          },
        },
      },
      security: [{ apiKey: [] }],
    },
    hideUntagged: true,
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, index) =>
        typeof json.$id === 'string' ? json.$id : `def-${index}`,
    },
  });
  if (options.served) {
    void app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  }
}
