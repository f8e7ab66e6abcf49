// Starts the inbox worker (and its periodic jobs) around already-built dependencies, registered for graceful
// shutdown: on SIGTERM it finishes the events in hand and releases the rest of its batch. Used by worker.ts
// and, in-process, by the dev launcher.
import type { Dependencies } from '../deps.js';
import { webhookMetricsFor } from '../webhooks/webhook-metrics.js';
import { startPeriodicJobs } from '../webhooks/worker/periodic-jobs.js';
import { createInboxWorker, type InboxWorker } from '../webhooks/worker/inbox-worker.js';
import type { GracefulShutdown } from './graceful-shutdown.js';

export function startWorker(options: {
  dependencies: Dependencies;
  databaseUrl: string;
  shutdown: GracefulShutdown;
}): InboxWorker {
  const { dependencies } = options;
  const metrics = webhookMetricsFor(dependencies.metrics.registry);
  const worker = createInboxWorker({
    pool: dependencies.pool,
    databaseUrl: options.databaseUrl,
    logger: dependencies.logger,
    metrics,
    handlers: dependencies.eventHandlers,
    settings: dependencies.config.webhooks,
  });
  worker.start();
  options.shutdown.onShutdown('inbox worker', () => worker.stop());
  const jobs = startPeriodicJobs({
    pool: dependencies.pool,
    stripe: dependencies.stripe,
    logger: dependencies.logger,
    metrics,
    settings: dependencies.config.webhooks,
    idempotency: dependencies.idempotency,
  });
  options.shutdown.onShutdown('periodic jobs', () => jobs.stop());
  return worker;
}
