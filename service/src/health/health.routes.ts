// GET /health/live: the process answers (touches nothing else). GET /health/ready: every readiness check passes.
import { Type } from 'typebox';
import type { AppInstance } from '../http/app-instance.js';
import type { Readiness } from './readiness.js';

const liveResponse = Type.Object({ status: Type.Literal('ok') });

const readinessResponse = Type.Object({
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

export function registerHealthRoutes(app: AppInstance, dependencies: { readiness: Readiness }): void {
  app.get('/health/live', { schema: { response: { 200: liveResponse } }, logLevel: 'warn' }, async () => ({
    status: 'ok' as const,
  }));

  app.get(
    '/health/ready',
    { schema: { response: { 200: readinessResponse, 503: readinessResponse } }, logLevel: 'warn' },
    async (_request, reply) => {
      const report = await dependencies.readiness.evaluate();
      // Probes must never be served from a cache.
      void reply.header('cache-control', 'no-store');
      return reply.status(report.status === 'ready' ? 200 : 503).send(report);
    },
  );
}
