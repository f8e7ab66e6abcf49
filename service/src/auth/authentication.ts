// Every route under /v1/ needs `Authorization: Bearer <API key>` with the route's scope (`billing` unless the
// route sets `config: { scope: 'admin' }`). The key is identified in onRequest, so rate limits can count per key,
// and enforced in preValidation, so unauthenticated requests are still counted per IP before being refused.
import { AppError } from '../errors.js';
import type { AppInstance } from '../http/app-instance.js';
import type { ApiKeyScope, ApiKeysService, VerifiedApiKey } from './api-keys.service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The API key scope a /v1/ route requires; `billing` when unset. */
    scope?: ApiKeyScope;
  }
  interface FastifyRequest {
    apiKey: VerifiedApiKey | undefined;
    authenticationFailure: string | undefined;
  }
}

export const API_PREFIX = '/v1/';

export function isApiRoute(routeUrl: string | undefined): boolean {
  return routeUrl?.startsWith(API_PREFIX) === true;
}

export function registerAuthentication(app: AppInstance, apiKeys: ApiKeysService): void {
  app.decorateRequest('apiKey', undefined);
  app.decorateRequest('authenticationFailure', undefined);

  app.addHook('onRequest', async (request) => {
    if (!isApiRoute(request.routeOptions.url)) return;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] === undefined) {
      request.authenticationFailure = 'Missing API key: send the header Authorization: Bearer <key>';
      return;
    }
    request.apiKey = await apiKeys.verify(match[1]);
    if (request.apiKey === undefined) request.authenticationFailure = 'Invalid or revoked API key';
  });

  app.addHook('preValidation', async (request) => {
    if (!isApiRoute(request.routeOptions.url)) return;
    if (request.apiKey === undefined) {
      throw new AppError('unauthorized', request.authenticationFailure ?? 'Missing API key');
    }
    const scope = request.routeOptions.config.scope ?? 'billing';
    if (!request.apiKey.scopes.includes(scope)) {
      throw new AppError('forbidden', `This API key lacks the "${scope}" scope`);
    }
  });
}
