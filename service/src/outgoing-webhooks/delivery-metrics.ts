// The delivery worker's metrics (declared as every metric is: observability/metrics.ts).
import { Counter, Histogram } from 'prom-client';
import { defineMetrics } from '../observability/metrics.js';

export const deliveryMetricsFor = defineMetrics((registers) => ({
  attempts: new Counter({
    name: 'outgoing_webhook_deliveries_total',
    help: 'Delivery attempts to the calling application: delivered, retrying, or failed (endpoint disabled).',
    labelNames: ['outcome'],
    registers,
  }),
  duration: new Histogram({
    name: 'outgoing_webhook_delivery_duration_seconds',
    help: 'How long the receiving endpoint took to answer a delivery.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  }),
}));
