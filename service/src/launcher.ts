// `npm start`: the whole product on one machine. Without DATABASE_URL it starts an embedded PostgreSQL
// (data kept in EMBEDDED_POSTGRES_DATA_DIR), then runs the API exactly as server.ts does.
import { loadConfigOrExit } from './config.js';
import { startEmbeddedPostgres } from './db/embedded-postgres.js';
import { createLogger } from './observability/logger.js';
import { installGracefulShutdown } from './process/graceful-shutdown.js';
import { startApi } from './process/start-api.js';
import { startWorker } from './process/start-worker.js';

const config = loadConfigOrExit();
const logger = createLogger({ ...config.log, secrets: config.secrets });
// Installed first, so a signal during start-up still stops whatever has started.
const shutdown = installGracefulShutdown({ logger, drainTimeoutMs: config.shutdown.timeoutMs });

async function launch(): Promise<void> {
  // 1. Database: the configured server, or an embedded one.
  let databaseUrl = config.database.url;
  if (databaseUrl === undefined) {
    const embedded = await startEmbeddedPostgres({
      dataDir: config.embeddedPostgres.dataDir,
      port: config.embeddedPostgres.port,
      databaseName: 'billing',
      logger,
    });
    shutdown.onShutdown('embedded postgres', embedded.stop);
    databaseUrl = embedded.connectionString;
  }

  // 2. Stripe: later, start the stripe-emulator here when no Stripe key / STRIPE_API_BASE is configured,
  //    and register its stop with shutdown.onShutdown('stripe emulator', …).

  // 3. The API (migrations on start, HTTP and metrics listeners).
  const { dependencies } = await startApi({ config, logger, databaseUrl, shutdown });

  // 4. The inbox worker, in this process for development (production runs `npm run worker` beside the API).
  //    Registered last, so on shutdown it finishes its events in hand first.
  startWorker({ dependencies, databaseUrl, shutdown });
}

await launch().catch(shutdown.failStartup);
