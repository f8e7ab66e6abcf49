// The Stripe gateway's metrics (declared as every metric is: observability/metrics.ts).
import { Counter, Histogram } from 'prom-client';
import { defineMetrics } from '../observability/metrics.js';

export const stripeMetricsFor = defineMetrics((registers) => ({
  requestDurationSeconds: new Histogram({
    name: 'stripe_request_duration_seconds',
    help: 'Stripe API calls by operation and outcome (ok, or our error code), including SDK retries.',
    labelNames: ['operation', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  }),
  budgetWaits: new Counter({
    name: 'stripe_rate_budget_waits_total',
    help: 'Stripe calls that found the outbound budget used up and waited for room, by operation.',
    labelNames: ['operation'],
    registers,
  }),
  budgetRefusals: new Counter({
    name: 'stripe_rate_budget_refusals_total',
    help: 'Stripe calls refused (503 stripe_rate_budget_exhausted) because the budget had no room within the wait, by operation.',
    labelNames: ['operation'],
    registers,
  }),
}));
