// PostgreSQL: the connection URL, the pool and its timeouts, migrations on start.
import type { NodeEnvValues } from './node-env.js';
import {
  booleanFlag,
  integer,
  milliseconds,
  postgresUrl,
  variable,
  type ParsedVariables,
} from './variable-spec.js';

export const databaseVariables = {
  DATABASE_URL: variable({
    schema: postgresUrl.optional(),
    default: undefined,
    secret: true,
    description:
      'PostgreSQL connection URL. Unset: `npm start` runs an embedded PostgreSQL (not allowed in production).',
  }),
  DATABASE_POOL_MAX: variable({
    schema: integer(1, 1000),
    default: '10',
    description: 'Maximum connections in the pool of each process.',
  }),
  DATABASE_CONNECTION_TIMEOUT_MS: variable({
    schema: milliseconds(1),
    default: '5000',
    description: 'How long to wait for a pooled connection before failing.',
  }),
  DATABASE_STARTUP_TIMEOUT_MS: variable({
    schema: milliseconds(0),
    default: '60000',
    description:
      'At start-up, how long to keep retrying (with backoff) to reach PostgreSQL before exiting non-zero; 0: try once.',
  }),
  DATABASE_IDLE_TIMEOUT_MS: variable({
    schema: milliseconds(0),
    default: '30000',
    description: 'Idle pooled connections are closed after this long (0 keeps them).',
  }),
  DATABASE_STATEMENT_TIMEOUT_MS: variable({
    schema: milliseconds(1),
    default: '10000',
    description: 'PostgreSQL `statement_timeout` for every pooled connection.',
  }),
  MIGRATE_ON_START: variable({
    schema: booleanFlag,
    default: 'true',
    description:
      'Apply pending migrations before serving. Set false when a deploy step runs `npm run db:migrate`.',
  }),
} as const;

export interface DatabaseConfig {
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
}

type DatabaseValues = ParsedVariables<typeof databaseVariables>;

export function toDatabaseConfig(values: DatabaseValues): DatabaseConfig {
  return {
    database: {
      url: values.DATABASE_URL,
      poolMax: values.DATABASE_POOL_MAX,
      connectionTimeoutMs: values.DATABASE_CONNECTION_TIMEOUT_MS,
      idleTimeoutMs: values.DATABASE_IDLE_TIMEOUT_MS,
      statementTimeoutMs: values.DATABASE_STATEMENT_TIMEOUT_MS,
      migrateOnStart: values.MIGRATE_ON_START,
      startupTimeoutMs: values.DATABASE_STARTUP_TIMEOUT_MS,
    },
  };
}

export function findDatabaseProblems(values: DatabaseValues & NodeEnvValues): string[] {
  if (values.NODE_ENV === 'production' && values.DATABASE_URL === undefined) {
    return ['DATABASE_URL: is required when NODE_ENV=production (the embedded database is for development)'];
  }
  return [];
}

/** The password inside DATABASE_URL shows up alone in driver errors, percent-encoded or not. */
export function findDatabasePasswords(values: DatabaseValues): string[] {
  if (values.DATABASE_URL === undefined) return [];
  const password = new URL(values.DATABASE_URL).password;
  return password.length > 0 ? [password, decodeURIComponent(password)] : [];
}
