// The PostgreSQL pool: size, timeouts and statement_timeout all come from config.
import pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export function createPool(databaseUrl: string, settings: Config['database'], logger: Logger): Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: settings.poolMax,
    connectionTimeoutMillis: settings.connectionTimeoutMs,
    idleTimeoutMillis: settings.idleTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    // A transaction left open by a bug must not hold locks forever.
    idle_in_transaction_session_timeout: settings.statementTimeoutMs * 2,
    application_name: 'billing-service',
  });
  // An idle client whose server went away emits here; without a listener the process would crash.
  // Only the message: pg attaches the whole client (with its connection parameters) to these errors.
  pool.on('error', (error) => {
    logger.warn({ error: error.message }, 'idle database connection failed; the pool will replace it');
  });
  return pool;
}
