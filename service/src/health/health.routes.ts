// GET /health/live: the process answers (touches nothing else). GET /health/ready: every readiness check passes;
// each check's reason (a driver's or Stripe's error text, the breaker state) only for an admin API key — the
// metrics listener (observability/metrics-app.ts) serves the full report to the cluster.
import { Type } from 'typebox';
import type { AppInstance } from '../http/app-instance.js';
import type { FastifyRequest } from 'fastify';
import { withoutDetails, type Readiness } from './readiness.js';

const liveResponse = Type.Object({ status: Type.Literal('ok') });

export const readinessResponse = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready'), Type.Literal('shutting_down')]),
  checks: Type.Array(
    Type.Object({
      name: Type.String(),
      status: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('warn')]),
      latency_ms: Type.Number(),
      detail: Type.Optional(Type.String()),
      error: Type.Optional(Type.String()),
    }),
  ),
});

export function registerHealthRoutes(
  app: AppInstance,
  dependencies: { readiness: Readiness; mayReadDetails: (request: FastifyRequest) => Promise<boolean> },
): void {
  app.get('/health/live', { schema: { response: { 200: liveResponse } }, logLevel: 'warn' }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/health/ready',
    { schema: { response: { 200: readinessResponse, 503: readinessResponse } }, logLevel: 'warn' },
    async (request, reply) => {
      const report = await dependencies.readiness.evaluate();
      // Probes must never be served from a cache.
      void reply.header('cache-control', 'no-store');
      const shown = (await dependencies.mayReadDetails(request)) ? report : withoutDetails(report);
      return reply.status(report.status === 'ready' ? 200 : 503).send(shown);
    },
  );
}
