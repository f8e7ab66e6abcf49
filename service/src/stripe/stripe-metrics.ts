// The Stripe gateway's metrics (declared as every metric is: observability/metrics.ts).
import { Histogram } from 'prom-client';
import { defineMetrics } from '../observability/metrics.js';

export const stripeMetricsFor = defineMetrics((registers) => ({
  requestDurationSeconds: new Histogram({
    name: 'stripe_request_duration_seconds',
    help: 'Stripe API calls by operation and outcome (ok, or our error code), including SDK retries.',
    labelNames: ['operation', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  }),
}));
