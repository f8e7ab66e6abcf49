// Starts the API process around an already-resolved database: migrations, dependencies, the API listener and
// the metrics listener, each registered for graceful shutdown. Used by server.ts and launcher.ts.
import { buildApp, type AppInstance } from '../app.js';
import type { Config } from '../config/load-config.js';
import { applyMigrations } from '../db/migrations.js';
import { waitForDatabase } from '../db/wait-for-database.js';
import { closeDependencies, createDependencies, type Dependencies } from '../deps.js';
import type { Logger } from '../observability/logger.js';
import { isStripeConfigured } from '../config/stripe.js';
import { buildMetricsApp } from '../observability/metrics-app.js';
import { startTracing } from '../observability/tracing.js';
import type { GracefulShutdown } from './graceful-shutdown.js';
import { reservePorts, type PortReservations, type PortToReserve } from './port-reservations.js';

export interface StartApiOptions {
  config: Config;
  logger: Logger;
  databaseUrl: string;
  shutdown: GracefulShutdown;
  /** Adds routes before the app starts; the shutdown test uses it for a deliberately slow route. */
  extendApp?: (app: AppInstance, dependencies: Dependencies) => void;
  /** The API's ports, when the caller reserved them already (the launcher does, before anything else). */
  ports?: PortReservations;
}

/** The ports the API listens on (reserved first, see port-reservations.ts). */
export function apiPorts(config: Config): PortToReserve[] {
  return [
    { name: 'API', variable: 'PORT', host: config.http.host, port: config.http.port },
    { name: 'metrics', variable: 'METRICS_PORT', host: config.metrics.host, port: config.metrics.port },
  ];
}

export interface StartedApi {
  app: AppInstance;
  dependencies: Dependencies;
}

export async function startApi(options: StartApiOptions): Promise<StartedApi> {
  const { config, logger, databaseUrl, shutdown } = options;
  // Before any side effect: a second instance on busy ports must not migrate or sync the shared database.
  const ports = options.ports ?? (await reservePorts(apiPorts(config)));
  shutdown.onShutdown('port reservations', ports.releaseAll);
  // First registered, so it runs last: spans of the drain are flushed too.
  const tracing = startTracing(config.tracing);
  shutdown.onShutdown('tracing', tracing.shutdown);
  await waitForDatabase({ databaseUrl, timeoutMs: config.database.startupTimeoutMs, logger });
  if (config.database.migrateOnStart) {
    await applyMigrations({ databaseUrl, logger });
  }

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

  // The catalog mirror is refreshed from Stripe at every start; a failure is logged, not fatal (it is kept from
  // the last sync, webhooks update it, and POST /v1/catalog/sync runs it on demand).
  if (config.catalog.syncOnStart && isStripeConfigured(config)) {
    await dependencies.catalog.syncFromStripe().catch((error: unknown) => {
      logger.warn({ err: error }, 'catalog sync at start failed; serving the stored catalog');
    });
  }

  const app = buildApp(dependencies);
  options.extendApp?.(app, dependencies);
  await ports.release('API');
  await app.listen({ host: config.http.host, port: config.http.port });
  // Registered last, so it runs first: stop taking traffic before anything it uses goes away.
  shutdown.onShutdown('http server', () => drainHttpServer(app, dependencies, config.shutdown.timeoutMs));

  return { app, dependencies };
}

/**
 * Readiness answers 503 at once; the listener stops accepting connections; in-flight requests get
 * `timeoutMs` to finish, after which their connections are closed so shutdown can go on.
 */
async function drainHttpServer(
  app: AppInstance,
  dependencies: Dependencies,
  timeoutMs: number,
): Promise<void> {
  dependencies.readiness.markShuttingDown();
  const forceClose = setTimeout(() => {
    app.log.warn({ timeoutMs }, 'in-flight requests did not finish in time; closing their connections');
    app.server.closeAllConnections();
  }, timeoutMs);
  try {
    await app.close();
  } finally {
    clearTimeout(forceClose);
  }
}
