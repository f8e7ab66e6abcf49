// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded PostgreSQL when unset.
import { loadConfigOrExit } from '../config/load-config.js';
import { createLogger } from '../observability/logger.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { applyMigrations } from './migrations.js';

const config = loadConfigOrExit();
const logger = createLogger({ ...config.log, secrets: config.secrets });

async function migrate(): Promise<string[]> {
  if (config.database.url !== undefined) {
    return applyMigrations({ databaseUrl: config.database.url, logger });
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: config.embeddedPostgres.dataDir,
    port: config.embeddedPostgres.port,
    databaseName: 'billing',
    logger,
  });
  try {
    return await applyMigrations({ databaseUrl: embedded.connectionString, logger });
  } finally {
    await embedded.stop();
  }
}

try {
  const applied = await migrate();
  process.stdout.write(
    applied.length === 0 ? 'No pending migrations.\n' : `Applied: ${applied.join(', ')}\n`,
  );
} catch (error) {
  logger.fatal({ err: error }, error instanceof Error ? error.message : 'migration failed');
  process.exitCode = 1;
}
