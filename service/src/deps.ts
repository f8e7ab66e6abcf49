// Composition root: builds everything the API and the worker need from config, with plain factories and no
// container. Read top to bottom, it is the dependency graph: database, Stripe, the services callers buy through, billing state.
import { createApiKeysService, type ApiKeysService } from './auth/api-keys.service.js';
import { createCustomerTokensService, type CustomerTokensService } from './auth/customer-tokens.js';
import { createBackupService, type BackupService } from './backup/backup.service.js';
import { createCatalogService, type CatalogService } from './catalog/catalog.service.js';
import { createCheckoutService, type CheckoutService } from './checkout/checkout.service.js';
import type { Config } from './config/load-config.js';
import { createCustomersService, type CustomersService } from './customers/customers.service.js';
import { listMigrationNames } from './db/migrations.js';
import { createPool, type Pool } from './db/pool.js';
import { createEntitlementCache, type EntitlementCache } from './entitlements/entitlement-cache.js';
import { createEntitlementsService, type EntitlementsService } from './entitlements/entitlements.service.js';
import { databaseReachableCheck, migrationsCurrentCheck } from './health/database-checks.js';
import { createReadiness, type Readiness } from './health/readiness.js';
import { createIdempotencyService, type IdempotencyService } from './idempotency/idempotency.service.js';
import { createInvoicesService, type InvoicesService } from './invoices/invoices.service.js';
import type { Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import {
  createWebhookEndpointsService,
  type WebhookEndpointsService,
} from './outgoing-webhooks/webhook-endpoints.service.js';
import { createOutboxService, type OutboxService } from './outbox/outbox.service.js';
import { createOrderRefundsService, type OrderRefundsService } from './orders/order-refunds.service.js';
import { registerDependencyMetrics } from './observability/dependency-metrics.js';
import { registerPoolMetrics } from './observability/pool-metrics.js';
import { createOrdersService, type OrdersService } from './orders/orders.service.js';
import { createPortalService, type PortalService } from './portal/portal.service.js';
import { createStripeGateway, type StripeGateway } from './stripe/gateway.js';
import { stripeCircuitCheck } from './stripe/stripe-readiness.js';
import {
  createSubscriptionChangesService,
  type SubscriptionChangesService,
} from './subscriptions/subscription-changes.service.js';
import {
  createSubscriptionsService,
  type SubscriptionsService,
} from './subscriptions/subscriptions.service.js';
import type { HandlerRegistry } from './webhooks/handlers/event-handler.js';
import { createHandlerRegistry } from './webhooks/handlers/handler-registry.js';
import { createInboxService, type InboxService } from './webhooks/inbox/inbox.service.js';
import { createWebhookIngestService, type WebhookIngestService } from './webhooks/webhook-ingest.service.js';
import { webhookMetricsFor } from './webhooks/webhook-metrics.js';

export interface Dependencies {
  config: Config;
  logger: Logger;
  pool: Pool;
  /**
   * The same database, with commits that do not wait for the WAL flush. Used only for writes that are safe to
   * lose in a database crash because they are redone: our Idempotency-Key records (a lost record means the retry
   * runs again, and every Stripe write below it is idempotent on its own), and the "open" update of a checkout
   * intent (a lost update leaves the intent "creating": the retry resumes it with the same Stripe idempotency
   * key). Intent rows themselves are written durably, before any Stripe call.
   */
  asyncCommitPool: Pool;
  metrics: Metrics;
  readiness: Readiness;
  stripe: StripeGateway;
  // What callers buy through.
  apiKeys: ApiKeysService;
  customerTokens: CustomerTokensService;
  idempotency: IdempotencyService;
  catalog: CatalogService;
  customers: CustomersService;
  subscriptions: SubscriptionsService;
  subscriptionChanges: SubscriptionChangesService;
  checkout: CheckoutService;
  portal: PortalService;
  // Billing state: fed by Stripe's webhooks through the inbox.
  webhookIngest: WebhookIngestService;
  orders: OrdersService;
  orderRefunds: OrderRefundsService;
  invoices: InvoicesService;
  entitlements: EntitlementsService;
  entitlementCache: EntitlementCache;
  eventHandlers: HandlerRegistry;
  /** Events for the calling application: outgoing webhooks and the change feed. */
  outbox: OutboxService;
  webhookEndpoints: WebhookEndpointsService;
  inbox: InboxService;
  /** Logical backup, restore and comparison of the database (the CLI's `backup` command). */
  backup: BackupService;
}

export interface DependencyInputs {
  config: Config;
  logger: Logger;
  /** The resolved database: config's DATABASE_URL, or the embedded server the launcher started. */
  databaseUrl: string;
}

export async function createDependencies({
  config,
  logger,
  databaseUrl,
}: DependencyInputs): Promise<Dependencies> {
  if (config.stripe.mode === 'in_process_emulator' && config.stripe.apiBase === undefined) {
    // server.ts in development with nothing configured: Stripe calls will fail until one is.
    logger.warn(
      'No Stripe configured: set STRIPE_SECRET_KEY or STRIPE_API_BASE (`npm start` starts an emulator for you)',
    );
  }
  const pool = createPool(databaseUrl, config.database, logger);
  const asyncCommitPoolMax = Math.max(2, Math.ceil(config.database.poolMax / 2));
  const asyncCommitPool = createPool(databaseUrl, config.database, logger, {
    synchronousCommit: false,
    max: asyncCommitPoolMax,
  });
  const metrics = createMetrics();
  registerPoolMetrics(metrics.registry, {
    main: { pool, max: config.database.poolMax },
    async_commit: { pool: asyncCommitPool, max: asyncCommitPoolMax },
  });
  const stripe = createStripeGateway(config.stripe, logger, metrics.registry);
  registerDependencyMetrics(metrics.registry, { pool, stripeCircuit: stripe.circuit });
  const readiness = createReadiness(
    [
      databaseReachableCheck(pool, logger),
      migrationsCurrentCheck(pool, await listMigrationNames(), logger),
      stripeCircuitCheck(stripe),
    ],
    { timeoutMs: config.readiness.timeoutMs },
  );

  const apiKeys = createApiKeysService({
    pool,
    logger,
    mode: config.stripe.livemode ? 'live' : 'test',
    cacheTtlMs: config.auth.cacheTtlMs,
    lastUsedFlushMs: config.auth.lastUsedFlushMs,
  });
  const customerTokens = createCustomerTokensService({
    secrets: config.auth.customerTokenSecrets,
    production: config.nodeEnv === 'production',
  });
  const idempotency = createIdempotencyService({ pool });
  const catalog = createCatalogService({ pool, stripe, logger });
  const customers = createCustomersService({ pool, stripe });
  const webhookEndpoints = createWebhookEndpointsService({ pool });
  const outbox = createOutboxService({ pool, onSequenced: webhookEndpoints.enqueueDeliveries });
  const subscriptions = createSubscriptionsService({ pool, stripe, customers, outbox });
  const subscriptionChanges = createSubscriptionChangesService({
    pool,
    stripe,
    catalog,
    subscriptions,
    logger,
  });
  const orders = createOrdersService({ pool, stripe, customers, outbox });
  const orderRefunds = createOrderRefundsService({ pool, stripe });
  const checkout = createCheckoutService({
    pool,
    asyncCommitPool,
    stripe,
    catalog,
    customers,
    subscriptions,
    orders,
    redirects: config.redirects,
    maxQuantity: config.checkout.maxQuantity,
  });
  const portal = createPortalService({ stripe, catalog, customers, redirects: config.redirects });

  const webhookIngest = createWebhookIngestService({
    db: pool,
    logger,
    metrics: webhookMetricsFor(metrics.registry),
    secrets: config.webhooks.secrets,
    toleranceSeconds: config.webhooks.signatureToleranceSeconds,
    batchMax: config.webhooks.ingestBatchMax,
  });
  const invoices = createInvoicesService({ pool, stripe, customers, outbox });
  const entitlementCache = createEntitlementCache({
    databaseUrl,
    maxEntries: config.entitlements.cacheMax,
    logger,
  });
  const entitlements = createEntitlementsService({
    pool,
    cache: entitlementCache,
    pastDueGraceHours: config.entitlements.pastDueGraceHours,
    outbox,
    maxStalenessMs: config.entitlements.maxStalenessSeconds * 1000,
  });
  const eventHandlers = createHandlerRegistry({
    catalog,
    checkout,
    customers,
    subscriptions,
    orders,
    invoices,
    entitlements,
  });
  const inbox = createInboxService({ pool });
  const backup = createBackupService({ pool, logger });

  return {
    config,
    logger,
    pool,
    asyncCommitPool,
    metrics,
    readiness,
    stripe,
    apiKeys,
    customerTokens,
    idempotency,
    catalog,
    customers,
    subscriptions,
    subscriptionChanges,
    checkout,
    portal,
    webhookIngest,
    orders,
    orderRefunds,
    invoices,
    entitlements,
    entitlementCache,
    eventHandlers,
    outbox,
    webhookEndpoints,
    inbox,
    backup,
  };
}

export async function closeDependencies(dependencies: Dependencies): Promise<void> {
  await dependencies.webhookIngest.drain();
  await dependencies.apiKeys.close();
  await dependencies.entitlementCache.close();
  dependencies.stripe.circuit.shutdown();
  await dependencies.asyncCommitPool.end();
  await dependencies.pool.end();
}
