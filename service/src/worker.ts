// Process entry of the inbox worker (`npm run worker`): applies stored webhook events and runs the periodic
// jobs. Several may run against one database; they coordinate only through row locks. Needs DATABASE_URL.
import { loadConfigOrExit } from './config/load-config.js';
import { applyMigrations } from './db/migrations.js';
import { waitForDatabase } from './db/wait-for-database.js';
import { closeDependencies, createDependencies } from './deps.js';
import { createLogger } from './observability/logger.js';
import { buildMetricsApp } from './observability/metrics-app.js';
import { startTracing } from './observability/tracing.js';
import { installGracefulShutdown } from './process/graceful-shutdown.js';
import { reservePorts } from './process/port-reservations.js';
import { startWorker } from './process/start-worker.js';

const config = loadConfigOrExit();
const logger = createLogger({ ...config.log, secrets: config.secrets }).child({ process: 'worker' });
const shutdown = installGracefulShutdown({ logger, drainTimeoutMs: config.shutdown.timeoutMs });

async function run(databaseUrl: string): Promise<void> {
  // Before any side effect (migrations): a worker whose metrics port is taken stops here.
  const ports = await reservePorts([
    { name: 'metrics', variable: 'METRICS_PORT', host: config.metrics.host, port: config.metrics.port },
  ]);
  shutdown.onShutdown('port reservations', ports.releaseAll);
  const tracing = startTracing({ ...config.tracing, serviceName: `${config.tracing.serviceName}-worker` });
  shutdown.onShutdown('tracing', tracing.shutdown);
  await waitForDatabase({ databaseUrl, timeoutMs: config.database.startupTimeoutMs, logger });
  if (config.database.migrateOnStart) await applyMigrations({ databaseUrl, logger });
  const dependencies = await createDependencies({ config, logger, databaseUrl });
  shutdown.onShutdown('database pool', () => closeDependencies(dependencies));
  const metricsApp = buildMetricsApp({
    metrics: dependencies.metrics,
    logger,
    readiness: dependencies.readiness,
  });
  await ports.release('metrics');
  await metricsApp.listen({ host: config.metrics.host, port: config.metrics.port });
  shutdown.onShutdown('metrics listener', () => metricsApp.close());
  startWorker({ dependencies, databaseUrl, shutdown });
}

if (config.database.url === undefined) {
  await shutdown.failStartup(
    new Error('DATABASE_URL is required by the worker; `npm start` runs a worker in-process with the API'),
  );
} else {
  await run(config.database.url).catch(shutdown.failStartup);
}
