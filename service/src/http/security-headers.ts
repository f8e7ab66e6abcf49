// Helmet's security headers (CSP, HSTS, X-Content-Type-Options, …) on every response of the scope this is
// registered in. HSTS and CSP's `upgrade-insecure-requests` only on requests that arrived over HTTPS — served
// by us (TLS_CERT_FILE) or, behind a trusted proxy (TRUST_PROXY), as its X-Forwarded-Proto says: on plain-HTTP
// development they would pin a browser to an https://localhost that does not exist. Both helmet middlewares are
// built once (building one parses the CSP directives). A route answering servers only opts out with
// `config: { securityHeaders: false }`.
import helmet from 'helmet';
import type { AppInstance } from './app-instance.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: no browser security headers on this route (JSON for servers, on a hot path). */
    securityHeaders?: boolean;
  }
}

export function registerSecurityHeaders(app: AppInstance): void {
  const overHttps = helmet();
  const overHttp = helmet({
    strictTransportSecurity: false,
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
  });
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config.securityHeaders === false) return done();
    const applySecurityHeaders = request.protocol === 'https' ? overHttps : overHttp;
    applySecurityHeaders(request.raw, reply.raw, (error?: unknown) =>
      done(error instanceof Error ? error : undefined),
    );
  });
}
