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
import { webhookMetricsFor } from './webhooks/webhook-metrics.js';
import { createWebhookIngestService, type WebhookIngestService } from './webhooks/webhook-ingest.service.js';

export interface Dependencies extends SellingDependencies {
  config: Config;
  logger: Logger;
  pool: Pool;
  metrics: Metrics;
  readiness: Readiness;
  webhookIngest: WebhookIngestService;
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
  const webhookIngest = createWebhookIngestService({
    db: pool,
    logger,
    metrics: webhookMetricsFor(metrics.registry),
    secrets: config.webhooks.secrets,
    toleranceSeconds: config.webhooks.signatureToleranceSeconds,
    batchMax: config.webhooks.ingestBatchMax,
  });
  return { config, logger, pool, metrics, readiness, webhookIngest, ...selling };
}

export async function closeDependencies(dependencies: Dependencies): Promise<void> {
  await dependencies.webhookIngest.drain();
  await closeSellingDependencies(dependencies);
  await dependencies.pool.end();
}
