// Readiness checks on PostgreSQL: reachable, and every migration on disk applied.
import type { Pool } from '../db/pool.js';
import { findPendingMigrations } from '../db/migrations.js';
import type { Logger } from '../observability/logger.js';
import type { ReadinessCheck } from './readiness.js';

// The readiness answer is public: it says what failed, while the driver's message (hosts, users) goes to the log.
export function databaseReachableCheck(pool: Pool, logger: Logger): ReadinessCheck {
  return {
    name: 'database',
    run: async () => {
      try {
        await pool.query('SELECT 1');
      } catch (error) {
        logger.warn({ err: error }, 'readiness: database unreachable');
        throw new Error('database unreachable', { cause: error });
      }
    },
  };
}

export function migrationsCurrentCheck(
  pool: Pool,
  expectedNames: readonly string[],
  logger: Logger,
): ReadinessCheck {
  return {
    name: 'migrations',
    run: async () => {
      let pending: string[];
      try {
        pending = await findPendingMigrations(pool, expectedNames);
      } catch (error) {
        logger.warn({ err: error }, 'readiness: could not read applied migrations');
        throw new Error('could not read applied migrations', { cause: error });
      }
      if (pending.length > 0) throw new Error(`pending migrations: ${pending.join(', ')}`);
    },
  };
}
