// Webhook and inbox metrics (declared as every metric is: observability/metrics.ts).
import { Counter, Gauge, Histogram } from 'prom-client';
import { defineMetrics } from '../observability/metrics.js';

export interface WebhookMetrics {
  received: Counter<'type' | 'outcome'>;
  processed: Counter<'type' | 'outcome'>;
  applyLagSeconds: Histogram<'type'>;
  processingDurationSeconds: Histogram<'type' | 'outcome'>;
  failures: Counter<'type' | 'stage'>;
  inboxPending: Gauge;
  inboxOldestPendingAgeSeconds: Gauge;
  inboxDead: Gauge;
  sweepRuns: Counter<'outcome'>;
  sweepEventsInserted: Counter;
}

/** The webhook metrics of a registry (the API and the worker share one definition). */
export const webhookMetricsFor = defineMetrics((registers): WebhookMetrics => ({
  received: new Counter({
    name: 'webhook_events_received_total',
    help: 'Webhook deliveries answered, by event type and outcome (accepted, duplicate, rejected, unavailable).',
    labelNames: ['type', 'outcome'],
    registers,
  }),
  processed: new Counter({
    name: 'webhook_events_processed_total',
    help: 'Inbox events handled by workers, by type and outcome (processed, ignored, postponed, failed, dead, skipped).',
    labelNames: ['type', 'outcome'],
    registers,
  }),
  applyLagSeconds: new Histogram({
    name: 'webhook_apply_lag_seconds',
    help: "Time from the event's creation at Stripe to its effects being committed here.",
    labelNames: ['type'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21_600, 86_400],
    registers,
  }),
  processingDurationSeconds: new Histogram({
    name: 'webhook_processing_duration_seconds',
    help: 'Time a worker spends applying one event (its handler and transaction), by type and outcome.',
    labelNames: ['type', 'outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  }),
  failures: new Counter({
    name: 'webhook_failures_total',
    help: 'Webhook failures by stage: intake (delivery rejected or not stored) and apply (failed or dead).',
    labelNames: ['type', 'stage'],
    registers,
  }),
  inboxPending: new Gauge({
    name: 'webhook_inbox_pending',
    help: 'Inbox events not yet applied (pending, processing or failed awaiting retry).',
    registers,
  }),
  inboxOldestPendingAgeSeconds: new Gauge({
    name: 'webhook_inbox_oldest_pending_age_seconds',
    help: 'Age of the oldest inbox event not yet applied (0 when none).',
    registers,
  }),
  inboxDead: new Gauge({
    name: 'webhook_inbox_dead',
    help: 'Inbox events that exhausted their attempts and wait for a replay.',
    registers,
  }),
  sweepRuns: new Counter({
    name: 'webhook_sweep_runs_total',
    help: "Missed-event sweeps over Stripe's Events API, by outcome (succeeded, rate_limited, failed).",
    labelNames: ['outcome'],
    registers,
  }),
  sweepEventsInserted: new Counter({
    name: 'webhook_sweep_events_inserted_total',
    help: 'Events the sweep found missing from the inbox and inserted.',
    registers,
  }),
}));
