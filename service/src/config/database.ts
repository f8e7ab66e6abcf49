// PostgreSQL: the connection URL (with its TLS mode and CA file), the pool and its timeouts, migrations on start.
import { z } from 'zod';
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
  DATABASE_SSL_CA_FILE: variable({
    schema: z.string().min(1).optional(),
    default: undefined,
    description:
      "PEM file of the CA that signed the database server's certificate (a managed service's CA bundle), for `sslmode=verify-full` (or `verify-ca`) in `DATABASE_URL`. `sslmode` follows libpq: `require` encrypts without checking the certificate, `verify-ca` checks it against the CA, `verify-full` also checks the host name.",
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
      url: values.DATABASE_URL === undefined ? undefined : withTlsSettings(values.DATABASE_URL, values),
      poolMax: values.DATABASE_POOL_MAX,
      connectionTimeoutMs: values.DATABASE_CONNECTION_TIMEOUT_MS,
      idleTimeoutMs: values.DATABASE_IDLE_TIMEOUT_MS,
      statementTimeoutMs: values.DATABASE_STATEMENT_TIMEOUT_MS,
      migrateOnStart: values.MIGRATE_ON_START,
      startupTimeoutMs: values.DATABASE_STARTUP_TIMEOUT_MS,
    },
  };
}

const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'];

/**
 * The URL every pg client gets: `sslmode` with libpq's meaning (pg's own reading makes `require` verify the
 * certificate; `uselibpqcompat` restores libpq's) and the CA file as `sslrootcert`, so the pool, migrations and
 * every LISTEN connection connect alike.
 */
function withTlsSettings(databaseUrl: string, values: DatabaseValues): string {
  const url = new URL(databaseUrl);
  const sslmode = url.searchParams.get('sslmode');
  if (sslmode === null || sslmode === 'disable') return databaseUrl;
  url.searchParams.set('uselibpqcompat', 'true');
  if (values.DATABASE_SSL_CA_FILE !== undefined)
    url.searchParams.set('sslrootcert', values.DATABASE_SSL_CA_FILE);
  return url.toString();
}

export function findDatabaseProblems(values: DatabaseValues & NodeEnvValues): string[] {
  const problems: string[] = [];
  if (values.NODE_ENV === 'production' && values.DATABASE_URL === undefined) {
    problems.push(
      'DATABASE_URL: is required when NODE_ENV=production (the embedded database is for development)',
    );
  }
  const sslmode =
    values.DATABASE_URL === undefined ? null : new URL(values.DATABASE_URL).searchParams.get('sslmode');
  if (sslmode !== null && !SSL_MODES.includes(sslmode)) {
    problems.push(`DATABASE_URL: sslmode must be one of ${SSL_MODES.join(', ')} (got "${sslmode}")`);
  }
  if (sslmode === 'verify-ca' && values.DATABASE_SSL_CA_FILE === undefined) {
    problems.push(
      'DATABASE_SSL_CA_FILE: sslmode=verify-ca needs the CA file (or use verify-full with a public CA)',
    );
  }
  if (values.DATABASE_SSL_CA_FILE !== undefined && (sslmode === null || sslmode === 'disable')) {
    problems.push(
      'DATABASE_SSL_CA_FILE: set sslmode=verify-full (or require, verify-ca) in DATABASE_URL to use it',
    );
  }
  return problems;
}

/** The password inside DATABASE_URL shows up alone in driver errors, percent-encoded or not. */
export function findDatabasePasswords(values: DatabaseValues): string[] {
  if (values.DATABASE_URL === undefined) return [];
  const password = new URL(values.DATABASE_URL).password;
  return password.length > 0 ? [password, decodeURIComponent(password)] : [];
}
