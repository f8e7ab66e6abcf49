// The metrics listener: a second, tiny Fastify app on METRICS_PORT, so /metrics never shares the public port.
// It also answers GET /health/live (the worker has no other listener for its liveness probe) and serves the full
// readiness report (with each check's reason) to whoever may reach that port.
import Fastify, { LogController } from 'fastify';
import type { Readiness } from '../health/readiness.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export function buildMetricsApp(dependencies: { metrics: Metrics; logger: Logger; readiness?: Readiness }) {
  const app = Fastify({
    loggerInstance: dependencies.logger.child({ listener: 'metrics' }),
    // Prometheus scrapes every few seconds; a log line per scrape is noise.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => {
    const { registry } = dependencies.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  const { readiness } = dependencies;
  if (readiness !== undefined) {
    app.get('/health/ready', async (_request, reply) => {
      const report = await readiness.evaluate();
      return reply
        .header('cache-control', 'no-store')
        .status(report.status === 'ready' ? 200 : 503)
        .send(report);
    });
  }
  return app;
}
