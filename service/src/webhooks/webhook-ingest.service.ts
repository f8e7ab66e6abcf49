// Receiving a webhook: verify the signature over the raw body, read the event's envelope, store it in the inbox
// through the group-commit queue. It resolves only after the event's batch committed; nothing else happens here
// (no Stripe call, no handler): the worker applies the event later.
import { isRefusedValueError } from '../db/database-errors.js';
import { AppError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import {
  signatureFailures,
  verifyWebhookSignature,
  type SignatureFailure,
} from '../stripe/webhook-signature.js';
import { createGroupCommitQueue } from './group-commit.js';
import type { Queryable } from '../db/queryable.js';
import type { NewInboxEvent } from './inbox/inbox-event.js';
import { insertEvents } from './inbox/insert-events.js';
import type { WebhookMetrics } from './webhook-metrics.js';

const REJECTION_LOG_INTERVAL_MS = 10_000;

/** One result per reason, built once: a forged delivery allocates as little as possible. */
const rejections = Object.fromEntries(
  signatureFailures.map((reason) => [
    reason,
    { outcome: 'rejected', reason: `Stripe signature rejected: ${reason}` } as const,
  ]),
) as Record<SignatureFailure, IngestResult>;

export type IngestOutcome = 'accepted' | 'duplicate' | 'requeued';

/** Stored (new or already there), or rejected with the reason; a database failure throws service_unavailable. */
export type IngestResult =
  { outcome: IngestOutcome; eventId: string } | { outcome: 'rejected'; reason: string };

export interface WebhookIngestService {
  /** `requestId` only names the request in the service's log lines. */
  receive: (rawBody: Buffer, signatureHeader: string | undefined, requestId: string) => Promise<IngestResult>;
  /** Waits for queued writes (graceful shutdown). */
  drain: () => Promise<void>;
}

export interface WebhookIngestOptions {
  db: Queryable;
  logger: Logger;
  metrics: WebhookMetrics;
  secrets: readonly string[];
  toleranceSeconds: number;
  batchMax: number;
}

export function createWebhookIngestService(options: WebhookIngestOptions): WebhookIngestService {
  const { metrics } = options;
  const queue = createGroupCommitQueue<NewInboxEvent, IngestOutcome>(
    async (events) => {
      // Within one batch only the first copy of an id is written (and may be the accepted one).
      const seen = new Set<string>();
      const unique = events.filter((event) => !seen.has(event.id) && seen.add(event.id));
      const outcomes = await insertEvents(options.db, unique);
      const answered = new Set<string>();
      return events.map((event): IngestOutcome => {
        const outcome = answered.has(event.id) ? undefined : outcomes.get(event.id);
        answered.add(event.id);
        if (outcome === 'inserted') return 'accepted';
        return outcome === 'requeued' ? 'requeued' : 'duplicate';
      });
    },
    // An event PostgreSQL refuses (a value the envelope check let through) must not fail the good events
    // it shares a batch with: the batch is split until the refused event is written, and fails, alone.
    { maxBatch: options.batchMax, isolateFailures: isRefusedValueError },
  );

  // A flood of forged deliveries must not become a flood of log lines: one summary per interval, with counts.
  let rejectedSinceLog = 0;
  let lastRejectionLogAt = 0;
  function logRejection(reason: string): void {
    rejectedSinceLog += 1;
    if (Date.now() - lastRejectionLogAt < REJECTION_LOG_INTERVAL_MS) return;
    options.logger.warn({ reason, rejected: rejectedSinceLog }, 'webhook rejected: bad signature');
    rejectedSinceLog = 0;
    lastRejectionLogAt = Date.now();
  }

  return {
    async receive(rawBody, signatureHeader, requestId) {
      const check = verifyWebhookSignature(rawBody, signatureHeader, {
        secrets: options.secrets,
        toleranceSeconds: options.toleranceSeconds,
      });
      if (!check.valid) {
        metrics.received.inc({ type: 'unverified', outcome: 'rejected' });
        logRejection(check.reason);
        // A result, not a thrown error: forged floods are cheap to turn away (no stack trace per request).
        return rejections[check.reason];
      }
      const event = readEnvelope(rawBody);
      if (event === undefined) {
        metrics.received.inc({ type: 'unverified', outcome: 'rejected' });
        return {
          outcome: 'rejected',
          reason: 'Body is not a Stripe event (id, type, api_version, created within range, livemode)',
        };
      }
      let outcome: IngestOutcome;
      try {
        outcome = await queue.submit(event);
      } catch (error) {
        if (isRefusedValueError(error)) {
          metrics.received.inc({ type: 'unverified', outcome: 'rejected' });
          options.logger.warn(
            { err: error, event_id: event.id, request_id: requestId },
            'webhook rejected: PostgreSQL refused a value of the event',
          );
          return {
            outcome: 'rejected',
            reason: 'Event rejected: a field holds a value that cannot be stored',
          };
        }
        metrics.received.inc({ type: event.type, outcome: 'unavailable' });
        options.logger.error(
          { err: error, event_id: event.id, request_id: requestId },
          'webhook not stored: database unavailable',
        );
        throw new AppError('service_unavailable', 'The event could not be stored; retry later', {
          cause: error,
        });
      }
      metrics.received.inc({ type: event.type, outcome });
      return { outcome, eventId: event.id };
    },
    drain: () => queue.drain(),
  };
}

// Up to 9999-12-31: beyond it PostgreSQL's to_timestamp refuses the value.
const LATEST_CREATED_SECONDS = 253_402_300_799;

function isUnixSecondsInRange(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= LATEST_CREATED_SECONDS
  );
}

/**
 * The fields the inbox keeps beside the raw payload; undefined when the body is not an event. Each is checked
 * for what PostgreSQL accepts (no NUL, `created` in timestamp range), so one bad event never reaches a batch.
 */
function readEnvelope(rawBody: Buffer): NewInboxEvent | undefined {
  const payload = rawBody.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { id, type, created, livemode, api_version: apiVersion } = parsed as Record<string, unknown>;
  if (typeof id !== 'string' || !/^evt_[A-Za-z0-9_]{1,250}$/.test(id)) return undefined;
  if (typeof type !== 'string' || !/^[A-Za-z0-9_.]{1,200}$/.test(type)) return undefined;
  if (!isUnixSecondsInRange(created)) return undefined;
  if (apiVersion !== undefined && apiVersion !== null) {
    if (typeof apiVersion !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(apiVersion)) return undefined;
  }
  return {
    id,
    type,
    apiVersion: apiVersion ?? null,
    created,
    livemode: livemode === true,
    payload,
    source: 'webhook',
  };
}
