// Applies one claimed event: first the handler fetches from Stripe what it needs, with no transaction open (no
// lock is held while we wait on Stripe); then, in one transaction, it applies its effects and the event is
// marked processed — committed together, and only if the claim is still ours (otherwise everything rolls back:
// another worker took the event after our lease ran out, and applies it). When the transaction finds it needs a
// fresher Stripe object (RefetchRequiredError) it rolls back, and fetch and apply run again. On error the
// transaction rolls back and the failure is stored on the row with its retry time (or the event goes dead).
// Types without a handler are completed in bulk by the worker (completeIgnoredEvents), outside this path.
import { inSpan, isTracingEnabled } from '../../observability/tracing.js';
import type { Pool } from '../../db/pool.js';
import { withTransaction } from '../../db/transaction.js';
import type { Logger } from '../../observability/logger.js';
import { MAX_FETCH_ATTEMPTS, RefetchRequiredError } from '../../stripe-mirror/object-fetches.js';
import type { EventHandler, FetchContext, HandlerRegistry, StripeEvent } from '../handlers/event-handler.js';
import { completeEvent } from '../inbox/complete-event.js';
import { failEvent } from '../inbox/fail-event.js';
import type { ClaimedEvent } from '../inbox/inbox-event.js';
import { recordEffect } from '../inbox/record-effect.js';
import type { WebhookMetrics } from '../webhook-metrics.js';

/** The claim was taken over by another worker: this one's work is rolled back, the other applies the event. */
class ClaimLostError extends Error {
  constructor() {
    super('the claim on this event was lost to another worker');
    this.name = 'ClaimLostError';
  }
}

export type ApplyOutcome = 'processed' | 'ignored' | 'skipped' | 'failed' | 'dead';

export interface ApplyEventOptions {
  pool: Pool;
  logger: Logger;
  metrics: WebhookMetrics;
  handlers: HandlerRegistry;
  workerId: string;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

export function applyEvent(claimed: ClaimedEvent, options: ApplyEventOptions): Promise<ApplyOutcome> {
  if (!isTracingEnabled()) return applyEventNow(claimed, options);
  const attributes = { 'stripe.event.id': claimed.id, 'stripe.event.type': claimed.type };
  return inSpan(`webhook.apply ${claimed.type}`, attributes, () => applyEventNow(claimed, options));
}

async function applyEventNow(claimed: ClaimedEvent, options: ApplyEventOptions): Promise<ApplyOutcome> {
  const { metrics } = options;
  const startedAt = performance.now();
  let outcome: ApplyOutcome;
  try {
    if (claimed.attempts > options.maxAttempts) {
      throw new Error(
        'the event was claimed again after its worker stopped without finishing it, too many times',
      );
    }
    const handler = options.handlers.get(claimed.type);
    if (handler === undefined) throw new Error(`no handler for ${claimed.type}`);
    outcome = await fetchThenApply(claimed, handler, options);
  } catch (error) {
    outcome = error instanceof ClaimLostError ? 'skipped' : await recordFailure(claimed, error, options);
  }
  metrics.processed.inc({ type: claimed.type, outcome });
  metrics.processingDurationSeconds.observe(
    { type: claimed.type, outcome },
    (performance.now() - startedAt) / 1000,
  );
  if (outcome === 'failed' || outcome === 'dead')
    metrics.failures.inc({ type: claimed.type, stage: 'apply' });
  if (outcome === 'processed' || outcome === 'ignored') {
    metrics.applyLagSeconds.observe(
      { type: claimed.type },
      Math.max(0, (Date.now() - claimed.created.getTime()) / 1000),
    );
  }
  return outcome;
}

async function fetchThenApply(
  claimed: ClaimedEvent,
  handler: EventHandler,
  options: ApplyEventOptions,
): Promise<ApplyOutcome> {
  const event = JSON.parse(claimed.payload) as StripeEvent;
  let context: FetchContext = { db: options.pool, refetch: false, final: false };
  for (let attempt = 1; ; attempt += 1) {
    const fetched: unknown = await handler.fetch?.(event, context);
    try {
      return await withTransaction<ApplyOutcome>(options.pool, async (client) => {
        await handler.apply(
          event,
          { client, recordEffect: (effect) => recordEffect(client, claimed.id, effect) },
          fetched,
        );
        if (!(await completeEvent(client, claimed.id, options.workerId, 'processed')))
          throw new ClaimLostError();
        return 'processed';
      });
    } catch (error) {
      if (!(error instanceof RefetchRequiredError) || context.final) throw error;
      context = { db: options.pool, refetch: true, final: attempt + 1 >= MAX_FETCH_ATTEMPTS };
    }
  }
}

async function recordFailure(
  claimed: ClaimedEvent,
  error: unknown,
  options: ApplyEventOptions,
): Promise<ApplyOutcome> {
  const message = describeError(error);
  const status = await failEvent(options.pool, {
    eventId: claimed.id,
    workerId: options.workerId,
    error: message,
    maxAttempts: options.maxAttempts,
    retryBaseMs: options.retryBaseMs,
    retryMaxMs: options.retryMaxMs,
  });
  const log = { event_id: claimed.id, type: claimed.type, attempt: claimed.attempts, error: message };
  if (status === 'dead') options.logger.error(log, 'webhook event is dead: it failed on every attempt');
  else options.logger.warn(log, 'webhook event failed; a retry is scheduled');
  if (status === undefined) return 'skipped';
  return status === 'dead' ? 'dead' : 'failed';
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string'
    ? `${error.name} (${code}): ${error.message}`
    : `${error.name}: ${error.message}`;
}
