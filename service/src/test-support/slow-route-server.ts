// The API process exactly as server.ts runs it, plus GET /test/slow?ms=N, so the shutdown test can hold
// requests in flight while it sends SIGTERM to a real process.
import { Type } from 'typebox';
import { loadConfigOrExit } from '../config/load-config.js';
import { createLogger } from '../observability/logger.js';
import { installGracefulShutdown } from '../process/graceful-shutdown.js';
import { startApi } from '../process/start-api.js';

const config = loadConfigOrExit();
const logger = createLogger({ ...config.log, secrets: config.secrets });
const shutdown = installGracefulShutdown({ logger, drainTimeoutMs: config.shutdown.timeoutMs });

await startApi({
  config,
  logger,
  databaseUrl: config.database.url ?? '',
  shutdown,
  extendApp: (app, dependencies) => {
    app.get(
      '/test/slow',
      { schema: { querystring: Type.Object({ ms: Type.Integer({ minimum: 0, maximum: 60_000 }) }) } },
      async (request) => {
        request.log.info('slow request started');
        await new Promise((resolve) => setTimeout(resolve, request.query.ms));
        // A database round trip at the end proves the pool is still open while requests drain.
        await dependencies.pool.query('SELECT 1');
        return { slept_ms: request.query.ms };
      },
    );
  },
}).catch(shutdown.failStartup);
