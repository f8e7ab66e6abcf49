// The PostgreSQL pool: size, timeouts and statement_timeout all come from config.
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
  // When the server ends a connection (pg_terminate_backend, a restart, a failover, a session timeout), pg emits
  // 'error' on the client: through the pool for an idle one, on the client itself for a checked-out one (the
  // pool listens only while a client is idle). Without a listener that emit is an uncaught exception and ends
  // the process, so every client gets one when it connects. The query in flight, if any, rejects on its own
  // (and answers 503, see db/database-errors.ts); the pool discards the broken client when it is released.
  // Only the message is logged: pg attaches the whole client (with its connection parameters) to these errors.
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      logger.warn({ error: error.message }, 'database connection lost; the pool will replace it');
    });
  });
  // The idle client's error reaches the pool too; the client's own listener above has logged it.
  pool.on('error', () => undefined);
  return pool;
}
