// Counts and times every answered request, labelled by the route template ("/customers/:id"), never the raw URL:
// the Fastify app's routes through an onResponse hook, the webhook endpoint (ahead of the app) by calling
// observeHttpRequest itself.
import type { AppInstance } from '../http/app-instance.js';
import { Histogram } from 'prom-client';
import { defineMetrics, type Metrics } from './metrics.js';

/** The route label of requests that matched no route: raw URLs would make the label set unbounded. */
export const UNMATCHED_ROUTE = 'unmatched';

export const httpMetricsFor = defineMetrics((registers) => ({
  // Also the request counter: its _count series counts requests by the same labels (no separate counter to
  // update on every request).
  requestDurationSeconds: new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to sending its response, by route template, method and status code.',
    labelNames: ['method', 'route', 'status_code'],
    // Starts at 100 µs: health checks and cached reads answer well under a millisecond.
    buckets: [
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ],
    registers,
  }),
}));

export type HttpRequestObserver = (
  request: { method: string; route: string | undefined; statusCode: number },
  seconds: number,
) => void;

/** Records one answered request (route undefined: it matched none). */
export function httpRequestObserver(metrics: Metrics): HttpRequestObserver {
  const { requestDurationSeconds } = httpMetricsFor(metrics.registry);
  return (request, seconds) =>
    requestDurationSeconds.observe(
      {
        method: request.method,
        route: request.route ?? UNMATCHED_ROUTE,
        status_code: String(request.statusCode),
      },
      seconds,
    );
}

export function registerHttpMetrics(app: AppInstance, metrics: Metrics): void {
  const observe = httpRequestObserver(metrics);
  app.addHook('onResponse', (request, reply, done) => {
    observe(
      { method: request.method, route: request.routeOptions.url, statusCode: reply.statusCode },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
