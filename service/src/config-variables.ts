// Every environment variable the service reads: its schema, its default (as it would be written in the
// environment) and a description. config.ts parses them; config-docs.ts renders .env.example and the README table.
import { z } from 'zod';
import {
  booleanFlag,
  integer,
  milliseconds,
  originList,
  port,
  postgresUrl,
  variable,
} from './config-schemas.js';
import { sellingVariables } from './selling-config-variables.js';

export type { VariableSpec } from './config-schemas.js';

export const variables = {
  NODE_ENV: variable({
    schema: z.enum(['development', 'test', 'production'], {
      error: 'must be development, test or production',
    }),
    default: 'development',
    description:
      'Runtime mode. `development` enables pretty logs and reading `.env`; `production` requires `DATABASE_URL`.',
  }),
  HOST: variable({
    schema: z.string().min(1, 'must not be empty'),
    default: '0.0.0.0',
    description:
      'Interface the API listens on: an address (`0.0.0.0`, `::`, `127.0.0.1`). `localhost` binds only one of 127.0.0.1 and ::1.',
  }),
  PORT: variable({
    schema: port,
    default: '8080',
    description: 'Port of the API (0 picks a free port).',
  }),
  METRICS_HOST: variable({
    schema: z.string().min(1, 'must not be empty'),
    default: '127.0.0.1',
    description:
      'Interface of the separate metrics listener. Loopback by default so metrics are never public; set `0.0.0.0` where Prometheus scrapes the pod.',
  }),
  METRICS_PORT: variable({
    schema: port,
    default: '9464',
    description: 'Port of the separate listener that serves `GET /metrics` (0 picks a free port).',
  }),
  LOG_LEVEL: variable({
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    }),
    default: 'info',
    description: 'Lowest pino log level written.',
  }),
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
  EMBEDDED_POSTGRES_DATA_DIR: variable({
    schema: z.string().min(1, 'must not be empty'),
    default: '.data/postgres',
    description:
      'Data folder of the embedded PostgreSQL, relative to the repository root. Survives restarts.',
  }),
  EMBEDDED_POSTGRES_PORT: variable({
    schema: integer(1, 65_535),
    default: '54329',
    description: 'Port of the embedded PostgreSQL (listens on localhost only).',
  }),
  HTTP_BODY_LIMIT_BYTES: variable({
    schema: integer(1, 100 * 1024 * 1024),
    default: '1048576',
    description: 'Largest accepted request body; larger bodies get 413.',
  }),
  HTTP_REQUEST_TIMEOUT_MS: variable({
    schema: milliseconds(1),
    default: '30000',
    description: 'Time allowed to receive a whole request (headers and body) before the server answers 408.',
  }),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: variable({
    schema: milliseconds(1),
    default: '65000',
    description:
      'How long an idle keep-alive connection stays open. Keep it above the load balancer idle timeout (60 s on most).',
  }),
  HTTP_CONNECTION_TIMEOUT_MS: variable({
    schema: milliseconds(1),
    default: '70000',
    description:
      'A socket with no activity for this long is closed. Must exceed `HTTP_KEEP_ALIVE_TIMEOUT_MS`.',
  }),
  CORS_ALLOWED_ORIGINS: variable({
    schema: originList,
    default: '',
    description: 'Comma-separated browser origins allowed by CORS. Empty: no cross-origin access.',
  }),
  READINESS_TIMEOUT_MS: variable({
    schema: milliseconds(1),
    default: '2000',
    description: 'Each readiness check fails if it takes longer than this.',
  }),
  SHUTDOWN_TIMEOUT_MS: variable({
    schema: milliseconds(1),
    default: '10000',
    description:
      'On SIGTERM/SIGINT, in-flight requests get this long to finish before their connections are closed.',
  }),
  STRIPE_WEBHOOK_SECRET: variable({
    schema: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0),
      )
      .pipe(z.array(z.string().startsWith('whsec_', 'each secret must start with whsec_'))),
    default: '',
    secret: true,
    description:
      'Signing secrets of the Stripe webhook endpoint, comma-separated (several during a rotation: an event signed with any of them is accepted). Empty: every webhook is rejected.',
  }),
  WEBHOOK_SIGNATURE_TOLERANCE_SECONDS: variable({
    schema: integer(1, 3600),
    default: '300',
    description: 'A webhook whose signature timestamp is older than this is rejected (replay protection).',
  }),
  WEBHOOK_INGEST_BATCH_MAX: variable({
    schema: integer(1, 5000),
    default: '500',
    description:
      'Group commit: at most this many concurrently received events are written by one INSERT (each request is answered after its batch commits).',
  }),
  WEBHOOK_WORKER_BATCH_SIZE: variable({
    schema: integer(1, 1000),
    default: '100',
    description: 'Inbox events one worker claims at a time.',
  }),
  WEBHOOK_WORKER_CONCURRENCY: variable({
    schema: integer(1, 64),
    default: '8',
    description: 'Events of a claimed batch applied in parallel (each in its own transaction).',
  }),
  WEBHOOK_LEASE_MS: variable({
    schema: milliseconds(1000),
    default: '30000',
    description:
      "How long a claimed event belongs to its worker; a crashed worker's events are claimed again after this.",
  }),
  WEBHOOK_MAX_ATTEMPTS: variable({
    schema: integer(1, 100),
    default: '12',
    description: 'An event that failed this many times is marked dead (alerted on, replayable).',
  }),
  WEBHOOK_RETRY_BASE_MS: variable({
    schema: milliseconds(1),
    default: '2000',
    description:
      'First retry delay of a failed event; doubles with each attempt (with ±50 % jitter) up to `WEBHOOK_RETRY_MAX_MS`.',
  }),
  WEBHOOK_RETRY_MAX_MS: variable({
    schema: milliseconds(1),
    default: '3600000',
    description: 'Longest delay between two attempts of a failed event.',
  }),
  WEBHOOK_POLL_INTERVAL_MS: variable({
    schema: milliseconds(10),
    default: '1000',
    description:
      'An idle worker looks for due events this often (new events also wake it at once through LISTEN/NOTIFY).',
  }),
  WEBHOOK_SWEEP_INTERVAL_MS: variable({
    schema: milliseconds(0),
    default: '300000',
    description:
      "How often the worker lists Stripe's recent events to recover any the endpoint missed (0 turns the sweep off).",
  }),
  WEBHOOK_SWEEP_OVERLAP_SECONDS: variable({
    schema: integer(0, 7 * 24 * 3600),
    default: '3600',
    description:
      'The sweep starts this far before the newest event it saw last time, so late-indexed events are not skipped.',
  }),
  WEBHOOK_RETENTION_DAYS: variable({
    schema: integer(1, 3650),
    default: '90',
    description:
      'Processed and ignored inbox events older than this are pruned by the worker (dead ones are kept).',
  }),
  ENTITLEMENTS_PAST_DUE_GRACE_HOURS: variable({
    schema: integer(0, 24 * 90),
    default: '72',
    description:
      'A past_due subscription keeps its entitlements for this long after its period ended (0: none while past_due).',
  }),
  ENTITLEMENTS_CACHE_MAX: variable({
    schema: integer(0, 10_000_000),
    default: '100000',
    description:
      'Customers whose entitlements each API process keeps in memory (LRU, invalidated through LISTEN/NOTIFY; 0 disables the cache).',
  }),
  ENTITLEMENTS_MAX_STALENESS_SECONDS: variable({
    schema: integer(0, 86_400),
    default: '300',
    description:
      'While the database cannot be read, entitlement checks answer from memory for at most this long after it was last reachable, with an `Entitlements-Age` header (0: answer 503 instead).',
  }),
  ...sellingVariables,
} as const;

export type VariableName = keyof typeof variables;

/** One zod object built from the specs, keeping each variable's type. */
export const environmentSchema = z.object(
  Object.fromEntries(Object.entries(variables).map(([name, spec]) => [name, spec.schema])) as {
    [Name in VariableName]: (typeof variables)[Name]['schema'];
  },
);

/** The parsed value of every variable, typed from its schema. */
export type Environment = z.output<typeof environmentSchema>;
