// `npm start`: the whole product on one machine. Without DATABASE_URL it starts an embedded PostgreSQL
// (data kept in EMBEDDED_POSTGRES_DATA_DIR), then runs the API exactly as server.ts does.
import { loadConfigOrExit, type Config } from './config/load-config.js';
import { startEmbeddedPostgres } from './db/embedded-postgres.js';
import {
  describeDevEnvironment,
  findMirrorMismatch,
  startDevStripe,
  type DevStripe,
} from './dev/dev-stripe.js';
import { devCheckoutReturnUrls } from './dev/return-page-urls.js';
import { registerDevReturnPages } from './dev/return-pages.routes.js';
import { createLogger } from './observability/logger.js';
import { installGracefulShutdown } from './process/graceful-shutdown.js';
import { reservePorts } from './process/port-reservations.js';
import { apiPorts, startApi } from './process/start-api.js';
import { startWorker } from './process/start-worker.js';

const config = loadConfigOrExit();
const logger = createLogger({ ...config.log, secrets: config.secrets });
// Installed first, so a signal during start-up still stops whatever has started.
const shutdown = installGracefulShutdown({ logger, drainTimeoutMs: config.shutdown.timeoutMs });

async function launch(): Promise<void> {
  // 0. Every port this process will listen on, before anything starts: a second `npm start` stops here.
  const inProcessEmulator = config.stripe.mode === 'in_process_emulator';
  const ports = await reservePorts([
    ...apiPorts(config),
    ...(inProcessEmulator
      ? [
          {
            name: 'stripe-emulator',
            variable: 'STRIPE_EMULATOR_PORT',
            host: '127.0.0.1',
            port: config.stripe.emulatorPort,
          },
        ]
      : []),
    ...(config.database.url === undefined
      ? [
          {
            name: 'embedded PostgreSQL',
            variable: 'EMBEDDED_POSTGRES_PORT',
            host: '127.0.0.1',
            port: config.embeddedPostgres.port,
          },
        ]
      : []),
  ]);
  shutdown.onShutdown('port reservations', ports.releaseAll);

  // 1. Database: the configured server, or an embedded one.
  let databaseUrl = config.database.url;
  if (databaseUrl === undefined) {
    await ports.release('embedded PostgreSQL');
    const embedded = await startEmbeddedPostgres({
      dataDir: config.embeddedPostgres.dataDir,
      port: config.embeddedPostgres.port,
      databaseName: 'billing',
      logger,
    });
    shutdown.onShutdown('embedded postgres', embedded.stop);
    databaseUrl = embedded.connectionString;
  }

  // 2. Stripe: with no key and no STRIPE_API_BASE, a stripe-emulator in this process (demo catalog, our webhook
  //    endpoint registered). Stopped after the API has drained.
  let apiConfig: Config = config;
  let emulatorUrl: string | undefined;
  let devStripe: DevStripe | undefined;
  if (inProcessEmulator) {
    await ports.release('stripe-emulator');
    devStripe = await startDevStripe(config, logger);
    shutdown.onShutdown('stripe emulator', devStripe.stop);
    apiConfig = devStripe.config;
    emulatorUrl = devStripe.emulatorUrl;
  }

  // 3. The API (migrations on start, HTTP and metrics listeners), with the development return pages where a
  //    checkout's success_url and cancel_url can lead (not in production: registerDevReturnPages refuses).
  const { app, dependencies } = await startApi({
    config: apiConfig,
    logger,
    databaseUrl,
    shutdown,
    ports,
    extendApp: (api, apiDependencies) => {
      registerDevReturnPages(api, apiDependencies);
    },
  });

  if (devStripe !== undefined) {
    const mismatch = await findMirrorMismatch({
      pool: dependencies.pool,
      emulatorUrl: devStripe.emulatorUrl,
      dataDir: devStripe.dataDir,
      databaseDir: config.embeddedPostgres.dataDir,
    });
    if (mismatch !== undefined) logger.warn(mismatch);
  }

  // Development on the embedded database: the documented dev API key exists (never on a server named by
  // DATABASE_URL, which may be shared or reachable: a published key must not open it). The URLs are printed.
  let devApiKey: string | undefined;
  if (config.nodeEnv !== 'production' && config.database.url === undefined) {
    devApiKey = config.auth.devApiKey;
    await dependencies.apiKeys.ensure({ key: devApiKey, name: 'development', scopes: ['billing', 'admin'] });
  }
  const address = app.server.address();
  const scheme = config.http.tls === undefined ? 'http' : 'https';
  const apiUrl = `${scheme}://localhost:${typeof address === 'object' && address !== null ? address.port : config.http.port}`;
  logger.info(
    { api: apiUrl, docs: `${apiUrl}/docs`, emulator: emulatorUrl, devApiKey },
    'development environment ready',
  );
  // Printed, not logged: the log redaction would mask the session_id placeholder.
  const returnPages = config.nodeEnv === 'production' ? undefined : devCheckoutReturnUrls(apiUrl);
  if (config.log.pretty)
    process.stdout.write(describeDevEnvironment({ apiUrl, emulatorUrl, devApiKey, returnPages }));

  // 4. The inbox worker, in this process for development (production runs `npm run worker` beside the API).
  //    Registered last, so on shutdown it finishes its events in hand first.
  startWorker({ dependencies, databaseUrl, shutdown });
}

await launch().catch(shutdown.failStartup);
