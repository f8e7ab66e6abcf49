// buildApp(dependencies): the HTTP API — plugins, the explicit list of routes, the error handler.
// It neither listens nor reads the environment; server.ts and the tests decide how it runs.
import cors from '@fastify/cors';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController } from 'fastify';
import type { Dependencies } from './deps.js';
import { registerHealthRoutes } from './health/health.routes.js';
import type { AppInstance } from './http/app-instance.js';
import { registerConnectionDraining } from './http/connection-draining.js';
import { registerErrorHandler } from './http/error-handler.js';
import { REQUEST_ID_HEADER, generateRequestId } from './http/request-id.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { registerHttpMetrics } from './observability/http-metrics.js';
import { registerSellingApi } from './selling-app.js';
import { registerWebhookRoutes } from './webhooks/webhook.routes.js';
import { registerBillingStateApi } from './webhooks-app.js';

export type { AppInstance } from './http/app-instance.js';

export function buildApp(dependencies: Dependencies): AppInstance {
  const { http } = dependencies.config;
  const app = Fastify({
    loggerInstance: dependencies.logger,
    genReqId: generateRequestId,
    // genReqId reads X-Request-Id itself, so that a malformed one is replaced rather than trusted.
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'request_id' }),
    bodyLimit: http.bodyLimitBytes,
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    connectionTimeout: http.connectionTimeoutMs,
    // While draining, requests already on an open connection are served (with Connection: close) instead of
    // getting Fastify's own 503 body; readiness already tells the load balancer to go elsewhere.
    return503OnClosing: false,
    // Unknown body fields are refused with a precise error instead of silently dropped (a typo in
    // "quantity" must not go unnoticed); formats such as email and uri are checked.
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
  });
  registerHttpMetrics(app, dependencies.metrics);
  registerConnectionDraining(app, dependencies.readiness);
  registerErrorHandler(app);

  registerSecurityHeaders(app);
  void app.register(cors, {
    origin: http.corsAllowedOrigins.length > 0 ? http.corsAllowedOrigins : false,
    exposedHeaders: [REQUEST_ID_HEADER],
  });

  // Routes, explicitly; each feature adds its register*Routes call here.
  registerHealthRoutes(app, { readiness: dependencies.readiness });
  registerSellingApi(app, dependencies);
  registerWebhookRoutes(app, { webhookIngest: dependencies.webhookIngest });
  registerBillingStateApi(app, dependencies);

  return app;
}
