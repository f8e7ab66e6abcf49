// Counts and times every answered request, labelled by the route template ("/customers/:id"), never the raw URL.
import type { AppInstance } from '../http/app-instance.js';
import { UNMATCHED_ROUTE, type Metrics } from './metrics.js';

export function registerHttpMetrics(app: AppInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      // Undefined when no route matched (404s): one fixed label instead of whatever URL was probed.
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status_code: String(reply.statusCode),
    };
    metrics.httpRequestDurationSeconds.observe(labels, reply.elapsedTime / 1000);
    done();
  });
}
