// Helmet's security headers (CSP, HSTS, X-Content-Type-Options, …) on every response of the scope this is
// registered in. Helmet's middleware is built once (building it parses the CSP directives; @fastify/helmet did that
// for every request). A route answering servers only opts out with `config: { securityHeaders: false }`.
import helmet from 'helmet';
import type { AppInstance } from './app-instance.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: no browser security headers on this route (JSON for servers, on a hot path). */
    securityHeaders?: boolean;
  }
}

export function registerSecurityHeaders(app: AppInstance): void {
  const applySecurityHeaders = helmet();
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config.securityHeaders === false) return done();
    applySecurityHeaders(request.raw, reply.raw, (error?: unknown) =>
      done(error instanceof Error ? error : undefined),
    );
  });
}
