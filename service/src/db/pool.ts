// The PostgreSQL pool: size, timeouts and statement_timeout all come from config.
import { isTracingEnabled } from '../observability/tracing.js';
import { traceClientQueries } from './query-tracing.js';
import pg from 'pg';
import type { Config } from '../config/load-config.js';
import type { Logger } from '../observability/logger.js';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export interface PoolOptions {
  /**
   * false: commits return before the WAL reaches disk (PostgreSQL's synchronous_commit=off). Only for writes whose
   * loss in a database crash is harmless because they can be redone (see Dependencies.asyncCommitPool in deps.ts). Default true.
   */
  synchronousCommit?: boolean;
  max?: number;
}

export function createPool(
  databaseUrl: string,
  settings: Config['database'],
  logger: Logger,
  options: PoolOptions = {},
): Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? settings.poolMax,
    ...(options.synchronousCommit === false ? { options: '-c synchronous_commit=off' } : {}),
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
  if (isTracingEnabled()) pool.on('connect', traceClientQueries);
  return pool;
}
