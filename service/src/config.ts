// The only module that reads process.env. It parses the environment once, at start, against the schema in
// config-variables.ts and turns it into a typed Config; a bad value stops the process with a message naming it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { environmentSchema, variables, type Environment, type VariableName } from './config-variables.js';
import { findSellingProblems, toSellingConfig, type SellingConfig } from './selling-config.js';

/** The repository root: service/src (or service/dist) is two levels below it. */
export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type LogLevel = Environment['LOG_LEVEL'];

export interface Config extends SellingConfig {
  nodeEnv: Environment['NODE_ENV'];
  http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    connectionTimeoutMs: number;
    corsAllowedOrigins: string[];
  };
  metrics: { host: string; port: number };
  log: { level: LogLevel; pretty: boolean };
  database: {
    /** Undefined: the launcher starts the embedded PostgreSQL. */
    url: string | undefined;
    poolMax: number;
    connectionTimeoutMs: number;
    idleTimeoutMs: number;
    statementTimeoutMs: number;
    migrateOnStart: boolean;
    startupTimeoutMs: number;
  };
  embeddedPostgres: { dataDir: string; port: number };
  readiness: { timeoutMs: number };
  shutdown: { timeoutMs: number };
  webhooks: {
    /** Every accepted signing secret (rotation: old and new). */
    secrets: string[];
    signatureToleranceSeconds: number;
    ingestBatchMax: number;
    workerBatchSize: number;
    workerConcurrency: number;
    leaseMs: number;
    maxAttempts: number;
    retryBaseMs: number;
    retryMaxMs: number;
    pollIntervalMs: number;
    sweepIntervalMs: number;
    sweepOverlapSeconds: number;
    retentionDays: number;
  };
  entitlements: { pastDueGraceHours: number; cacheMax: number; maxStalenessSeconds: number };
  /** Every secret value (and its encoded forms) to mask in logs and errors. */
  secrets: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type RawEnvironment = Record<string, string | undefined>;

/** Parses an environment (unset and empty values take the documented default). Throws ConfigError. */
export function parseConfig(rawEnvironment: RawEnvironment): Config {
  const input: Record<string, string | undefined> = {};
  for (const [name, spec] of Object.entries(variables)) {
    const value = rawEnvironment[name];
    input[name] = value === undefined || value.trim() === '' ? spec.default : value;
  }
  const result = environmentSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0]) as VariableName;
        const spec = variables[name];
        const received = spec.secret === true ? '' : ` (got "${input[name]}")`;
        return `${name}: ${issue.message}${received}`;
      }),
    );
  }
  const environment = result.data;
  checkCombinations(environment, rawEnvironment);
  return toConfig(environment);
}

function checkCombinations(environment: Environment, rawEnvironment: RawEnvironment): void {
  const problems: string[] = findSellingProblems(environment, rawEnvironment);
  if (environment.NODE_ENV === 'production' && environment.DATABASE_URL === undefined) {
    problems.push(
      'DATABASE_URL: is required when NODE_ENV=production (the embedded database is for development)',
    );
  }
  if (environment.HTTP_CONNECTION_TIMEOUT_MS <= environment.HTTP_KEEP_ALIVE_TIMEOUT_MS) {
    problems.push(
      'HTTP_CONNECTION_TIMEOUT_MS: must be greater than HTTP_KEEP_ALIVE_TIMEOUT_MS, or idle keep-alive connections are cut early',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

function toConfig(environment: Environment): Config {
  return {
    nodeEnv: environment.NODE_ENV,
    http: {
      host: environment.HOST,
      port: environment.PORT,
      bodyLimitBytes: environment.HTTP_BODY_LIMIT_BYTES,
      requestTimeoutMs: environment.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: environment.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      connectionTimeoutMs: environment.HTTP_CONNECTION_TIMEOUT_MS,
      corsAllowedOrigins: environment.CORS_ALLOWED_ORIGINS,
    },
    metrics: { host: environment.METRICS_HOST, port: environment.METRICS_PORT },
    log: { level: environment.LOG_LEVEL, pretty: environment.NODE_ENV === 'development' },
    database: {
      url: environment.DATABASE_URL,
      poolMax: environment.DATABASE_POOL_MAX,
      connectionTimeoutMs: environment.DATABASE_CONNECTION_TIMEOUT_MS,
      idleTimeoutMs: environment.DATABASE_IDLE_TIMEOUT_MS,
      statementTimeoutMs: environment.DATABASE_STATEMENT_TIMEOUT_MS,
      migrateOnStart: environment.MIGRATE_ON_START,
      startupTimeoutMs: environment.DATABASE_STARTUP_TIMEOUT_MS,
    },
    embeddedPostgres: {
      dataDir: path.resolve(repositoryRoot, environment.EMBEDDED_POSTGRES_DATA_DIR),
      port: environment.EMBEDDED_POSTGRES_PORT,
    },
    readiness: { timeoutMs: environment.READINESS_TIMEOUT_MS },
    shutdown: { timeoutMs: environment.SHUTDOWN_TIMEOUT_MS },
    webhooks: {
      secrets: environment.STRIPE_WEBHOOK_SECRET,
      signatureToleranceSeconds: environment.WEBHOOK_SIGNATURE_TOLERANCE_SECONDS,
      ingestBatchMax: environment.WEBHOOK_INGEST_BATCH_MAX,
      workerBatchSize: environment.WEBHOOK_WORKER_BATCH_SIZE,
      workerConcurrency: environment.WEBHOOK_WORKER_CONCURRENCY,
      leaseMs: environment.WEBHOOK_LEASE_MS,
      maxAttempts: environment.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: environment.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: environment.WEBHOOK_RETRY_MAX_MS,
      pollIntervalMs: environment.WEBHOOK_POLL_INTERVAL_MS,
      sweepIntervalMs: environment.WEBHOOK_SWEEP_INTERVAL_MS,
      sweepOverlapSeconds: environment.WEBHOOK_SWEEP_OVERLAP_SECONDS,
      retentionDays: environment.WEBHOOK_RETENTION_DAYS,
    },
    entitlements: {
      pastDueGraceHours: environment.ENTITLEMENTS_PAST_DUE_GRACE_HOURS,
      cacheMax: environment.ENTITLEMENTS_CACHE_MAX,
      maxStalenessSeconds: environment.ENTITLEMENTS_MAX_STALENESS_SECONDS,
    },
    ...toSellingConfig(environment),
    secrets: collectSecrets(environment),
  };
}

function collectSecrets(environment: Environment): string[] {
  const secrets = new Set<string>();
  for (const [name, spec] of Object.entries(variables)) {
    const value = environment[name as VariableName];
    if (spec.secret === true && typeof value === 'string') secrets.add(value);
    // A comma-separated secret (webhook secrets during a rotation) can leak one item at a time.
    if (spec.secret === true && Array.isArray(value)) for (const item of value) secrets.add(String(item));
  }
  // The password inside DATABASE_URL shows up alone in driver errors, percent-encoded or not.
  if (environment.DATABASE_URL !== undefined) {
    const password = new URL(environment.DATABASE_URL).password;
    if (password.length > 0) {
      secrets.add(password);
      secrets.add(decodeURIComponent(password));
    }
  }
  return [...secrets];
}

/**
 * Reads process.env, plus the repository's `.env` file in development (real variables win over the file).
 * Throws ConfigError.
 */
export function loadConfig(): Config {
  const nodeEnv = process.env.NODE_ENV;
  const fromFile: Record<string, string> = {};
  if (nodeEnv === undefined || nodeEnv === 'development') {
    dotenv.config({ path: path.join(repositoryRoot, '.env'), processEnv: fromFile, quiet: true });
  }
  return parseConfig({ ...fromFile, ...process.env });
}

/** For process entries: the config, or a message on stderr naming each bad variable and exit code 78. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee .env.example or the configuration table in README.md.\n`);
    // 78 is EX_CONFIG from sysexits.h: "configuration error".
    process.exit(78);
  }
}
