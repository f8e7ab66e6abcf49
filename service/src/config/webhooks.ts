// The webhook endpoint and the inbox worker: signature tolerance, group commit, claiming, retries, the
// sweep of Stripe's recent events and retention. The signing secrets are Stripe credentials (stripe.ts).
import { integer, milliseconds, variable, type ParsedVariables } from './variable-spec.js';
import type { stripeVariables } from './stripe.js';

export const webhookVariables = {
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
} as const;

export interface WebhooksConfig {
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
}

type WebhookValues = ParsedVariables<typeof webhookVariables> &
  ParsedVariables<Pick<typeof stripeVariables, 'STRIPE_WEBHOOK_SECRET'>>;

export function toWebhooksConfig(values: WebhookValues): WebhooksConfig {
  return {
    webhooks: {
      secrets: values.STRIPE_WEBHOOK_SECRET,
      signatureToleranceSeconds: values.WEBHOOK_SIGNATURE_TOLERANCE_SECONDS,
      ingestBatchMax: values.WEBHOOK_INGEST_BATCH_MAX,
      workerBatchSize: values.WEBHOOK_WORKER_BATCH_SIZE,
      workerConcurrency: values.WEBHOOK_WORKER_CONCURRENCY,
      leaseMs: values.WEBHOOK_LEASE_MS,
      maxAttempts: values.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: values.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: values.WEBHOOK_RETRY_MAX_MS,
      pollIntervalMs: values.WEBHOOK_POLL_INTERVAL_MS,
      sweepIntervalMs: values.WEBHOOK_SWEEP_INTERVAL_MS,
      sweepOverlapSeconds: values.WEBHOOK_SWEEP_OVERLAP_SECONDS,
      retentionDays: values.WEBHOOK_RETENTION_DAYS,
    },
  };
}
