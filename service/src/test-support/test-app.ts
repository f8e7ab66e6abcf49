// Builds the real app for a test, from a test environment, with logs captured in memory.
import { Writable } from 'node:stream';
import { buildApp, type AppInstance } from '../app.js';
import { parseConfig } from '../config/load-config.js';
import { closeDependencies, createDependencies, type Dependencies } from '../deps.js';
import { createLogger } from '../observability/logger.js';

// Nothing listens on port 1: for tests that never touch the database.
const UNUSED_DATABASE_URL = 'postgres://test@127.0.0.1:1/unused';
// Nor on this one: for tests that never call Stripe (tests that do pass an emulator's STRIPE_API_BASE).
const UNUSED_STRIPE_API_BASE = 'http://127.0.0.1:1';

export interface TestApp {
  app: AppInstance;
  dependencies: Dependencies;
  /** Every log line written so far, parsed. */
  logLines: () => Array<Record<string, unknown>>;
  /** Every log line written so far, exactly as written. */
  logText: () => string;
  close: () => Promise<void>;
}

export async function buildTestApp(
  options: { databaseUrl?: string; environment?: Record<string, string> } = {},
): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? UNUSED_DATABASE_URL;
  const config = parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    STRIPE_API_BASE: UNUSED_STRIPE_API_BASE,
    // Tests are not about the outbound budget unless they say so (stripe/stripe-budget.test.ts sets its own):
    // a generous one keeps them from waiting on 25 calls per second.
    STRIPE_RATE_BUDGET_PER_SECOND: '100000',
    ...options.environment,
  });
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ ...config.log, pretty: false, secrets: config.secrets }, destination);
  const dependencies = await createDependencies({ config, logger, databaseUrl });
  const app = buildApp(dependencies);
  return {
    app,
    dependencies,
    logLines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    logText: () => lines.join(''),
    close: async () => {
      await app.close();
      await closeDependencies(dependencies);
    },
  };
}
