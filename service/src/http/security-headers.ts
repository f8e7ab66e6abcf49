// Helmet's security headers (CSP, HSTS, X-Content-Type-Options, …) on every response. @fastify/helmet builds
// helmet's middleware anew for every request, parsing the CSP directives each time (about 2% of a checkout's
// CPU); here it is built once. @fastify/helmet stays registered, not global, for what it does per route:
// `helmet: false` on a route (the webhook route, machine-to-machine JSON) or a route's own helmet options.
import fastifyHelmet from '@fastify/helmet';
import helmet from 'helmet';
import type { AppInstance } from './app-instance.js';

export function registerSecurityHeaders(app: AppInstance): void {
  const applySecurityHeaders = helmet();
  void app.register(fastifyHelmet, { global: false });
  app.addHook('onRequest', (request, reply, done) => {
    // Set by @fastify/helmet for routes with a `helmet` option, which it applies (or skips) itself.
    const { helmet: routeOptions } = request.routeOptions.config as { helmet?: unknown };
    if (routeOptions !== undefined) return done();
    applySecurityHeaders(request.raw, reply.raw, (error?: unknown) =>
      done(error instanceof Error ? error : undefined),
    );
  });
}
