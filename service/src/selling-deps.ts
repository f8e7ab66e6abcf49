// Composition of selling (issue 4): the Stripe gateway and the services built on it. Called by deps.ts.
import { createApiKeysService, type ApiKeysService } from './auth/api-keys.service.js';
import { createCatalogService, type CatalogService } from './catalog/catalog.service.js';
import { createCheckoutService, type CheckoutService } from './checkout/checkout.service.js';
import type { Config } from './config.js';
import { createCustomersService, type CustomersService } from './customers/customers.service.js';
import { createPool, type Pool } from './db/pool.js';
import type { ReadinessCheck } from './health/readiness.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
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

export interface SellingDependencies {
  /**
   * The same database, with commits that do not wait for the WAL flush. Used only for writes that are safe to
   * lose in a database crash because they are redone: our Idempotency-Key records (a lost record means the retry
   * runs again, and every Stripe write below it is idempotent on its own), and the "open" update of a checkout
   * intent (a lost update leaves the intent "creating": the retry resumes it with the same Stripe idempotency
   * key). Intent rows themselves are written durably, before any Stripe call.
   */
  asyncCommitPool: Pool;
  stripe: StripeGateway;
  apiKeys: ApiKeysService;
  catalog: CatalogService;
  customers: CustomersService;
  subscriptions: SubscriptionsService;
  subscriptionChanges: SubscriptionChangesService;
  checkout: CheckoutService;
  portal: PortalService;
}

export function createSellingDependencies(inputs: {
  databaseUrl: string;
  config: Config;
  logger: Logger;
  pool: Pool;
  metrics: Metrics;
}): SellingDependencies & { readinessChecks: ReadinessCheck[] } {
  const { config, logger, pool, metrics } = inputs;
  if (config.stripe.mode === 'in_process_emulator' && config.stripe.apiBase === undefined) {
    // server.ts in development with nothing configured: Stripe calls will fail until one is.
    logger.warn(
      'No Stripe configured: set STRIPE_SECRET_KEY or STRIPE_API_BASE (`npm start` starts an emulator for you)',
    );
  }
  const asyncCommitPool = createPool(inputs.databaseUrl, config.database, logger, {
    synchronousCommit: false,
    max: Math.max(2, Math.ceil(config.database.poolMax / 2)),
  });
  const stripe = createStripeGateway(config.stripe, logger, metrics.registry);
  const apiKeys = createApiKeysService({ pool, logger, cacheTtlMs: config.auth.cacheTtlMs });
  const catalog = createCatalogService({ pool, stripe, logger });
  const customers = createCustomersService({ pool, stripe });
  const subscriptions = createSubscriptionsService({ pool, stripe, customers });
  const subscriptionChanges = createSubscriptionChangesService({
    pool,
    stripe,
    catalog,
    subscriptions,
    logger,
  });
  const checkout = createCheckoutService({
    pool,
    asyncCommitPool,
    stripe,
    catalog,
    customers,
    subscriptions,
    redirects: config.redirects,
    maxQuantity: config.checkout.maxQuantity,
  });
  const portal = createPortalService({ stripe, catalog, customers, redirects: config.redirects });
  return {
    asyncCommitPool,
    stripe,
    apiKeys,
    catalog,
    customers,
    subscriptions,
    subscriptionChanges,
    checkout,
    portal,
    readinessChecks: [stripeCircuitCheck(stripe)],
  };
}

export async function closeSellingDependencies(dependencies: SellingDependencies): Promise<void> {
  dependencies.stripe.circuit.shutdown();
  await dependencies.asyncCommitPool.end();
}
