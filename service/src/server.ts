// Process entry of the API in production (`node dist/server.js`): needs DATABASE_URL, never embeds a database.
// For a self-contained development start with an embedded PostgreSQL, see launcher.ts (`npm start`).
import { loadConfigOrExit } from './config/load-config.js';
import { createLogger } from './observability/logger.js';
import { installGracefulShutdown } from './process/graceful-shutdown.js';
import { startApi } from './process/start-api.js';

const config = loadConfigOrExit();
const logger = createLogger({ ...config.log, secrets: config.secrets });
const shutdown = installGracefulShutdown({ logger, drainTimeoutMs: config.shutdown.timeoutMs });

if (config.database.url === undefined) {
  await shutdown.failStartup(
    new Error(
      'DATABASE_URL is required by server.ts; use `npm start` (launcher.ts) for an embedded database',
    ),
  );
} else {
  await startApi({ config, logger, databaseUrl: config.database.url, shutdown }).catch(shutdown.failStartup);
}
