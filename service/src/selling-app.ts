// The selling part of the HTTP API: API-key authentication, rate limits and our Idempotency-Key on /v1/,
// the OpenAPI document at /docs, and the /v1/ routes. Called by app.ts.
import { registerAuthentication } from './auth/authentication.js';
import { registerRateLimits } from './auth/rate-limits.js';
import { registerCatalogRoutes } from './catalog/catalog.routes.js';
import { registerCheckoutRoutes } from './checkout/checkout.routes.js';
import { registerCustomerRoutes } from './customers/customers.routes.js';
import type { Dependencies } from './deps.js';
import { ErrorResponse } from './http/api-schemas.js';
import type { AppInstance } from './http/app-instance.js';
import { registerOpenApi } from './http/openapi.js';
import { registerIdempotency } from './idempotency/idempotency.plugin.js';
import { registerPortalRoutes } from './portal/portal.routes.js';
import { registerSubscriptionRoutes } from './subscriptions/subscriptions.routes.js';

export function registerSellingApi(app: AppInstance, dependencies: Dependencies): void {
  registerAuthentication(app, dependencies.apiKeys);
  registerIdempotency(app, {
    pool: dependencies.asyncCommitPool,
    retentionHours: dependencies.config.idempotency.retentionHours,
  });
  app.addSchema(ErrorResponse);
  // Plugins that watch route registration (OpenAPI, rate limits) load first; the routes come in a plugin after them.
  registerOpenApi(app);
  registerRateLimits(app, dependencies.config.rateLimit);
  void app.register(async (api: AppInstance) => {
    registerCatalogRoutes(api, dependencies);
    registerCustomerRoutes(api, dependencies);
    registerCheckoutRoutes(api, dependencies);
    registerSubscriptionRoutes(api, dependencies);
    registerPortalRoutes(api, dependencies);
  });
}
