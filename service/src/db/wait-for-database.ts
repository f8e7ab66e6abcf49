// Start-up's first step: reach PostgreSQL, retrying with backoff while it is unreachable (starting, failing over,
// not yet scheduled beside us), for DATABASE_STARTUP_TIMEOUT_MS. Every attempt says what is wrong and where:
// which host and port, taken from which variable. A supervisor then sees one slow start, not a crash loop; a
// refused login or a missing database is not retried (waiting will not fix it).
import pg from 'pg';
import type { Logger } from '../observability/logger.js';
import { isDatabaseUnavailableError } from './database-errors.js';

const FIRST_DELAY_MS = 250;
const LONGEST_DELAY_MS = 5000;
const ATTEMPT_TIMEOUT_MS = 5000;

export interface WaitForDatabaseOptions {
  databaseUrl: string;
  /** How long to keep trying; 0: one attempt. */
  timeoutMs: number;
  logger: Logger;
  /** The variable the URL came from, to name in messages. */
  variable?: string;
}

/** "db.internal:5432", without the credentials; the URL as a whole when it is not one. */
export function describeDatabaseAddress(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname || 'localhost'}:${url.port || '5432'}`;
  } catch {
    return 'the address it gives';
  }
}

async function tryConnect(databaseUrl: string): Promise<void> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    connectionTimeoutMillis: ATTEMPT_TIMEOUT_MS,
    application_name: 'billing-startup-check',
  });
  // A connection lost during the check must not become an uncaught 'error'.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function waitForDatabase(options: WaitForDatabaseOptions): Promise<void> {
  const variable = options.variable ?? 'DATABASE_URL';
  const where = `PostgreSQL at ${describeDatabaseAddress(options.databaseUrl)} (${variable})`;
  const deadline = Date.now() + options.timeoutMs;
  let delayMs = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await tryConnect(options.databaseUrl);
      if (attempt > 1) options.logger.info({ attempt }, `reached ${where}`);
      return;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (!isDatabaseUnavailableError(error)) {
        throw new Error(`${where} refused the connection: ${reason}. Check ${variable}.`, { cause: error });
      }
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) {
        throw new Error(
          `Cannot reach ${where} after ${attempt} attempt(s) in ${Math.round(options.timeoutMs / 1000)} s: ${reason}. ` +
            `Check that the server is running and that ${variable} points at it; DATABASE_STARTUP_TIMEOUT_MS sets how long start-up waits.`,
          { cause: error },
        );
      }
      const waitMs = Math.min(delayMs, remainingMs);
      options.logger.warn(
        { attempt, retry_in_ms: waitMs, reason },
        `cannot reach ${where}; retrying (start-up gives up after DATABASE_STARTUP_TIMEOUT_MS)`,
      );
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      delayMs = Math.min(delayMs * 2, LONGEST_DELAY_MS);
    }
  }
}
