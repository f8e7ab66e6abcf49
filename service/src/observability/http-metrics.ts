// Counts and times every answered request, labelled by the route template ("/customers/:id"), never the raw URL.
import type { AppInstance } from '../http/app-instance.js';
import { UNMATCHED_ROUTE, type Metrics } from './metrics.js';

const CHECKOUT_ROUTE = '/v1/checkout/sessions';

function checkoutOutcome(statusCode: number): string {
  if (statusCode === 201) return 'created';
  if (statusCode < 300) return 'reused';
  return statusCode < 500 ? 'rejected' : 'failed';
}

export function registerHttpMetrics(app: AppInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      // Undefined when no route matched (404s): one fixed label instead of whatever URL was probed.
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status_code: String(reply.statusCode),
    };
    metrics.httpRequestDurationSeconds.observe(labels, reply.elapsedTime / 1000);
    if (labels.route === CHECKOUT_ROUTE && request.method === 'POST') {
      metrics.checkoutRequests.inc({ outcome: checkoutOutcome(reply.statusCode) });
    }
    done();
  });
}
