// Composition root: builds everything the API needs from config, with plain factories and no container.
// Later features add their repos, services, the Stripe gateway and more readiness checks here.
import type { Config } from './config.js';
import { listMigrationNames } from './db/migrations.js';
import { createPool, type Pool } from './db/pool.js';
import { databaseReachableCheck, migrationsCurrentCheck } from './health/database-checks.js';
import { createReadiness, type Readiness } from './health/readiness.js';
import type { Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import {
  closeSellingDependencies,
  createSellingDependencies,
  type SellingDependencies,
} from './selling-deps.js';
import {
  closeWebhookDependencies,
  createWebhookDependencies,
  type WebhookDependencies,
} from './webhooks-deps.js';

export interface Dependencies extends SellingDependencies, WebhookDependencies {
  config: Config;
  logger: Logger;
  pool: Pool;
  metrics: Metrics;
  readiness: Readiness;
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
  const pool = createPool(databaseUrl, config.database, logger);
  const migrationNames = await listMigrationNames();
  const metrics = createMetrics();
  const { readinessChecks: sellingChecks, ...selling } = createSellingDependencies({
    databaseUrl,
    config,
    logger,
    pool,
    metrics,
  });
  const readiness = createReadiness(
    [
      databaseReachableCheck(pool, logger),
      migrationsCurrentCheck(pool, migrationNames, logger),
      ...sellingChecks,
    ],
    { timeoutMs: config.readiness.timeoutMs },
  );
  const webhooks = createWebhookDependencies({ config, logger, pool, metrics, databaseUrl, selling });
  return { config, logger, pool, metrics, readiness, ...selling, ...webhooks };
}

export async function closeDependencies(dependencies: Dependencies): Promise<void> {
  await closeWebhookDependencies(dependencies);
  await closeSellingDependencies(dependencies);
  await dependencies.pool.end();
}
