// buildApp(dependencies): the HTTP API — plugins, the explicit list of routes (who may call each: route-access.ts),
// the error handler — and, in front of it on the same server, Stripe's webhook endpoint (POST /webhooks/stripe,
// webhooks/webhook-endpoint.ts); HTTPS when TLS is configured. It neither listens nor reads the environment
// (only the certificate files it is told about); server.ts and the tests decide how it runs.
import cors from '@fastify/cors';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController } from 'fastify';
import type { Dependencies } from './deps.js';
import { registerHealthRoutes } from './health/health.routes.js';
import type { AppInstance } from './http/app-instance.js';
import { registerConnectionDraining } from './http/connection-draining.js';
import { registerErrorHandler } from './http/error-handler.js';
import { createClientErrorHandler, sendFrameworkError } from './http/framework-errors.js';
import { logCompletedRequest } from './http/request-log.js';
import { REQUEST_ID_HEADER, generateRequestId, registerRequestIdHeader } from './http/request-id.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { registerStringRule } from './http/string-rule.js';
import { createApiServer, watchCertificate } from './http/tls.js';
import { registerHttpMetrics } from './observability/http-metrics.js';
import { registerRequestTracing, traceRequests, type RequestListener } from './observability/http-tracing.js';
import { isTracingEnabled } from './observability/tracing.js';
import { registerAdminEventRoutes } from './admin/admin-events.routes.js';
import { authenticateUnmatched, holdsAdminKey, registerAuthentication } from './auth/authentication.js';
import { registerCustomerTokenRoutes } from './auth/customer-tokens.routes.js';
import { registerRateLimits } from './auth/rate-limits.js';
import { registerCatalogRoutes } from './catalog/catalog.routes.js';
import { registerCheckoutRoutes } from './checkout/checkout.routes.js';
import { registerCustomerRoutes } from './customers/customers.routes.js';
import { registerEntitlementRoutes } from './entitlements/entitlements.routes.js';
import { ErrorResponse } from './http/api-schemas.js';
import { registerOpenApi } from './http/openapi.js';
import { registerIdempotency } from './idempotency/idempotency.plugin.js';
import { registerInvoiceRoutes } from './invoices/invoices.routes.js';
import { registerOrderRoutes } from './orders/orders.routes.js';
import { registerEventFeedRoutes } from './outbox/events.routes.js';
import { registerWebhookEndpointRoutes } from './outgoing-webhooks/webhook-endpoints.routes.js';
import { registerPortalRoutes } from './portal/portal.routes.js';
import { registerSubscriptionRoutes } from './subscriptions/subscriptions.routes.js';
import { createWebhookEndpoint, isWebhookRequest } from './webhooks/webhook-endpoint.js';

export type { AppInstance } from './http/app-instance.js';

/** A hop count as Fastify's trust function: the nearest `hops` proxies are trusted. */
function trustedProxies(trustProxy: Dependencies['config']['http']['trustProxy']) {
  if (typeof trustProxy !== 'number') return trustProxy;
  return (_address: string, hop: number) => hop < trustProxy;
}

export function buildApp(dependencies: Dependencies): AppInstance {
  const { http } = dependencies.config;
  const webhookEndpoint = createWebhookEndpoint({
    webhookIngest: dependencies.webhookIngest,
    metrics: dependencies.metrics,
    logger: dependencies.logger,
    readiness: dependencies.readiness,
    bodyLimitBytes: http.bodyLimitBytes,
  });
  const app = Fastify({
    loggerInstance: dependencies.logger,
    genReqId: generateRequestId,
    // genReqId reads X-Request-Id itself, so that a malformed one is replaced rather than trusted.
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'request_id', disableRequestLogging: true }),
    bodyLimit: http.bodyLimitBytes,
    // A path parameter may be as long as its schema allows (external ids: 255 characters, percent-encoded up to
    // three times that); longer ones get 414 from the router.
    routerOptions: { maxParamLength: 1024 },
    // Stripe's webhooks are answered by node:http ahead of the app (webhooks/webhook-endpoint.ts says why);
    // every other request is the app's. With a server factory, the server's timeouts are set here.
    serverFactory: (appHandler) => {
      const handle: RequestListener = (request, response) => {
        if (isWebhookRequest(request)) webhookEndpoint(request, response);
        else appHandler(request, response);
      };
      const server = createApiServer(
        serverTimeouts(http.requestTimeoutMs),
        isTracingEnabled() ? traceRequests(handle) : handle,
        http.tls,
      );
      server.keepAliveTimeout = http.keepAliveTimeoutMs;
      server.setTimeout(http.connectionTimeoutMs);
      return server;
    },
    // Errors raised before our routes (bad percent-encoding, a too long parameter, header overflow, request
    // timeout) are answered in our error shape too.
    frameworkErrors: sendFrameworkError,
    clientErrorHandler: createClientErrorHandler(dependencies.logger),
    // While draining, requests already on an open connection are served (with Connection: close) instead of
    // getting Fastify's own 503 body; readiness already tells the load balancer to go elsewhere.
    return503OnClosing: false,
    // X-Forwarded-For/-Proto/-Host only from the proxies TRUST_PROXY names (request.ip, request.protocol).
    trustProxy: trustedProxies(http.trustProxy),
    // Unknown body fields are refused with a precise error instead of silently dropped (a typo in
    // "quantity" must not go unnoticed); formats such as email and uri are checked.
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  if (http.tls !== undefined) {
    const stopWatching = watchCertificate(app.server, http.tls, dependencies.logger);
    app.addHook('onClose', (_instance, done) => {
      stopWatching();
      done();
    });
  }
  const authenticators = {
    apiKeys: dependencies.apiKeys,
    customerTokens: dependencies.customerTokens,
    owners: {
      order: dependencies.orders.findCustomerOf,
      invoice: dependencies.invoices.findCustomerOf,
      subscription: dependencies.subscriptions.findCustomerOf,
    },
  };

  // What every route has: its request id echoed, metrics, one log line, Connection: close while draining, the
  // one error shape, one rule for the strings it accepts (no NUL, no lone surrogate), browser security headers
  // and CORS. Hooks are callback-style: an async hook costs a promise on every request.
  registerRequestIdHeader(app);
  if (isTracingEnabled()) registerRequestTracing(app);
  registerHttpMetrics(app, dependencies.metrics);
  app.addHook('onResponse', logCompletedRequest);
  registerConnectionDraining(app, dependencies.readiness);
  registerErrorHandler(app, async (request) =>
    /^\/v1(\/|\?|$)/.test(request.url) ? authenticateUnmatched(request, authenticators) : undefined,
  );
  registerStringRule(app);
  registerSecurityHeaders(app);
  void app.register(cors, {
    origin: http.corsAllowedOrigins.length > 0 ? http.corsAllowedOrigins : false,
    exposedHeaders: [REQUEST_ID_HEADER],
  });

  registerHealthRoutes(app, {
    readiness: dependencies.readiness,
    mayReadDetails: (request) => holdsAdminKey(request, dependencies.apiKeys),
  });

  app.addSchema(ErrorResponse);
  // OpenAPI watches route registration, so it loads before the routes.
  registerOpenApi(app, { served: http.docsEnabled });

  // Every /v1/ route: an API key with the scope its row in route-access.ts requires (or a customer token where the
  // row allows one), rate limits per key, and our Idempotency-Key on POST. Their hooks live in this plugin only, so the health routes never
  // run them.
  void app.register(async (api: AppInstance) => {
    registerAuthentication(api, authenticators);
    registerIdempotency(api, {
      pool: dependencies.asyncCommitPool,
      retentionHours: dependencies.config.idempotency.retentionHours,
    });
    // The rate limiter watches route registration too: the routes come in a plugin after it.
    registerRateLimits(api, dependencies.config.rateLimit);
    void api.register(async (routes: AppInstance) => {
      registerCatalogRoutes(routes, dependencies);
      registerCustomerRoutes(routes, dependencies);
      registerCheckoutRoutes(routes, dependencies);
      registerSubscriptionRoutes(routes, dependencies);
      registerPortalRoutes(routes, dependencies);
      registerEntitlementRoutes(routes, dependencies);
      registerOrderRoutes(routes, dependencies);
      registerInvoiceRoutes(routes, dependencies);
      registerEventFeedRoutes(routes, dependencies);
      registerWebhookEndpointRoutes(routes, dependencies);
      registerAdminEventRoutes(routes, dependencies);
      registerCustomerTokenRoutes(routes, dependencies);
    });
  });

  return app;
}

/**
 * HTTP_REQUEST_TIMEOUT_MS for the whole request, headers and body alike (the webhook endpoint reads its body
 * from the same parser). node:http enforces both limits only when it checks its connections, every 30 s by
 * default, which let slow clients hold a request for up to twice the limit; checking ten times per limit keeps
 * the overshoot at a tenth.
 */
function serverTimeouts(requestTimeoutMs: number) {
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(requestTimeoutMs / 10))),
  };
}
