// Prometheus metrics on a registry owned by one app (not prom-client's global one), so tests can build many apps.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The route label of requests that matched no route: raw URLs would make the label set unbounded. */
export const UNMATCHED_ROUTE = 'unmatched';

type HttpLabel = 'method' | 'route' | 'status_code';

export interface Metrics {
  registry: Registry;
  httpRequestDurationSeconds: Histogram<HttpLabel>;
  /** POST /v1/checkout/sessions answers: created, reused, rejected (4xx), failed (5xx). */
  checkoutRequests: Counter<'outcome'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Also the request counter: its _count series counts requests by the same labels (no separate counter to
  // update on every request).
  const httpRequestDurationSeconds = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to sending its response, by route template, method and status code.',
    labelNames: ['method', 'route', 'status_code'],
    // Starts at 100 µs: health checks and cached reads answer well under a millisecond.
    buckets: [
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ],
    registers: [registry],
  });
  const checkoutRequests = new Counter({
    name: 'checkout_requests_total',
    help: 'Checkout session requests by outcome: created (201), reused (200), rejected (4xx), failed (5xx).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  return { registry, httpRequestDurationSeconds, checkoutRequests };
}
