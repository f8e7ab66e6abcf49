// Composition of billing state (issue 5): webhook ingest, orders, invoices, entitlements (with their cache) and
// the event handlers over them and selling's services. Called by deps.ts.
import { createAdminEventsService, type AdminEventsService } from './admin/admin-events.service.js';
import type { Config } from './config.js';
import type { Pool } from './db/pool.js';
import { createEntitlementCache, type EntitlementCache } from './entitlements/entitlement-cache.js';
import { createEntitlementsService, type EntitlementsService } from './entitlements/entitlements.service.js';
import { createInvoicesService, type InvoicesService } from './invoices/invoices.service.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import { createOrdersService, type OrdersService } from './orders/orders.service.js';
import type { SellingDependencies } from './selling-deps.js';
import type { HandlerRegistry } from './webhooks/handlers/event-handler.js';
import { createHandlerRegistry } from './webhooks/handlers/handler-registry.js';
import { createWebhookIngestService, type WebhookIngestService } from './webhooks/webhook-ingest.service.js';
import { webhookMetricsFor } from './webhooks/webhook-metrics.js';

export interface WebhookDependencies {
  webhookIngest: WebhookIngestService;
  orders: OrdersService;
  invoices: InvoicesService;
  entitlements: EntitlementsService;
  entitlementCache: EntitlementCache;
  eventHandlers: HandlerRegistry;
  adminEvents: AdminEventsService;
}

export function createWebhookDependencies(inputs: {
  config: Config;
  logger: Logger;
  pool: Pool;
  metrics: Metrics;
  databaseUrl: string;
  selling: SellingDependencies;
}): WebhookDependencies {
  const { config, logger, pool, selling } = inputs;
  const webhookIngest = createWebhookIngestService({
    db: pool,
    logger,
    metrics: webhookMetricsFor(inputs.metrics.registry),
    secrets: config.webhooks.secrets,
    toleranceSeconds: config.webhooks.signatureToleranceSeconds,
    batchMax: config.webhooks.ingestBatchMax,
  });
  const orders = createOrdersService({ pool, stripe: selling.stripe, customers: selling.customers });
  const invoices = createInvoicesService({ pool, stripe: selling.stripe, customers: selling.customers });
  const entitlementCache = createEntitlementCache({
    databaseUrl: inputs.databaseUrl,
    maxEntries: config.entitlements.cacheMax,
    logger,
  });
  const entitlements = createEntitlementsService({
    pool,
    cache: entitlementCache,
    pastDueGraceHours: config.entitlements.pastDueGraceHours,
  });
  const eventHandlers = createHandlerRegistry({
    catalog: selling.catalog,
    checkout: selling.checkout,
    customers: selling.customers,
    subscriptions: selling.subscriptions,
    orders,
    invoices,
    entitlements,
  });
  const adminEvents = createAdminEventsService({ pool });
  return { webhookIngest, orders, invoices, entitlements, entitlementCache, eventHandlers, adminEvents };
}

export async function closeWebhookDependencies(dependencies: WebhookDependencies): Promise<void> {
  await dependencies.webhookIngest.drain();
  await dependencies.entitlementCache.close();
}
