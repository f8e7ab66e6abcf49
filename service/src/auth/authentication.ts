// Every route under /v1/ needs `Authorization: Bearer <credential>`: an API key with the scope the route's row
// in route-access.ts requires, or a customer-scoped token on the few routes that row opens to one, naming the
// token's own customer. The credential is identified in onRequest, so rate limits can count per key, and
// enforced in preValidation (after the body is parsed, so a body's customer can be compared), so
// unauthenticated requests are still counted per IP before being refused. A token on a route naming an order,
// invoice or subscription by its id is checked against that resource's owner in preHandler, once the id has
// passed the route's schema. Unmatched /v1/ paths answer 401 before 404 (http/error-handler.ts asks
// `authenticateUnmatched`).
import type { FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '../errors.js';
import type { AppInstance } from '../http/app-instance.js';
import { routeAccessFor, type CustomerTokenAccess, type OwnedResource } from '../route-access.js';
import type { ApiKeyRefusal, ApiKeysService, VerifiedApiKey } from './api-keys.service.js';
import { isCustomerTokenLike, type CustomerToken, type CustomerTokensService } from './customer-tokens.js';
import { grantsScope } from './scopes.js';

declare module 'fastify' {
  interface FastifyRequest {
    apiKey: VerifiedApiKey | undefined;
    customerToken: CustomerToken | undefined;
    authenticationFailure: AppError | undefined;
  }
}

export const API_PREFIX = '/v1/';

export function isApiRoute(routeUrl: string | undefined): boolean {
  return routeUrl?.startsWith(API_PREFIX) === true;
}

const apiKeyRefusals: Record<ApiKeyRefusal, [ErrorCode, string]> = {
  malformed: ['unauthorized', 'Malformed API key'],
  unknown: ['unauthorized', 'Invalid API key'],
  revoked: ['unauthorized', 'This API key has been revoked'],
  expired: ['api_key_expired', 'This API key has expired'],
  wrong_mode: [
    'api_key_wrong_mode',
    'This API key belongs to the other Stripe mode (bsk_test_ keys work only on a test-mode deployment, bsk_live_ keys only on a live one)',
  ],
};

const TOKEN_ROUTES_ONLY =
  "A customer token may only read its customer's entitlements, subscriptions, orders and invoices and open its portal";

const ANOTHER_CUSTOMER = 'This customer token belongs to another customer';

/** The external_id of the customer owning a resource, undefined when we hold no such resource. */
export type ResourceOwners = Record<OwnedResource, (id: string) => Promise<string | undefined>>;

export interface Authenticators {
  apiKeys: ApiKeysService;
  customerTokens: CustomerTokensService;
  owners: ResourceOwners;
}

/** Identifies the request's credential, setting apiKey, customerToken or authenticationFailure. */
async function identify(request: FastifyRequest, authenticators: Authenticators): Promise<void> {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  const presented = match?.[1];
  if (presented === undefined) {
    request.authenticationFailure = new AppError(
      'unauthorized',
      'Missing API key: send the header Authorization: Bearer <key>',
    );
    return;
  }
  if (isCustomerTokenLike(presented)) {
    const verified = authenticators.customerTokens.verify(presented);
    if (verified.ok) request.customerToken = verified.token;
    else if (verified.refusal === 'expired')
      request.authenticationFailure = new AppError(
        'customer_token_expired',
        'This customer token has expired',
      );
    else request.authenticationFailure = new AppError('unauthorized', 'Invalid customer token');
    return;
  }
  const verified = await authenticators.apiKeys.verify(presented);
  if (verified.ok) {
    request.apiKey = verified.key;
    return;
  }
  const [code, message] = apiKeyRefusals[verified.refusal];
  request.authenticationFailure = new AppError(code, message);
}

function valueAt(request: FastifyRequest, where: CustomerTokenAccess): unknown {
  const source = 'param' in where ? request.params : request.body;
  if (typeof source !== 'object' || source === null) return undefined;
  return (source as Record<string, unknown>)['param' in where ? where.param : where.body];
}

export function registerAuthentication(app: AppInstance, authenticators: Authenticators): void {
  app.decorateRequest('apiKey', undefined);
  app.decorateRequest('customerToken', undefined);
  app.decorateRequest('authenticationFailure', undefined);

  // A /v1/ route without a row in the access table is a mistake that must not reach production.
  app.addHook('onRoute', (route) => {
    if (!isApiRoute(route.url)) return;
    for (const method of [route.method].flat()) {
      const lookup = method === 'HEAD' ? 'GET' : method;
      if (routeAccessFor(lookup, route.url) === undefined) {
        throw new Error(`${method} ${route.url} has no row in service/src/route-access.ts`);
      }
    }
  });

  app.addHook('onRequest', async (request) => {
    if (!isApiRoute(request.routeOptions.url)) return;
    await identify(request, authenticators);
  });

  app.addHook('preValidation', async (request) => {
    const url = request.routeOptions.url;
    if (!isApiRoute(url) || url === undefined) return;
    const access = routeAccessFor(request.method === 'HEAD' ? 'GET' : request.method, url);
    if (access === undefined) throw new AppError('forbidden', 'This route is not open to API callers');
    if (request.customerToken !== undefined) {
      const where = access.customerToken;
      if (where === undefined) throw new AppError('forbidden', TOKEN_ROUTES_ONLY);
      // A resource id is looked up in preHandler, after the schema has checked it.
      if ('owner' in where) return;
      if (valueAt(request, where) !== request.customerToken.customer) {
        throw new AppError('forbidden', ANOTHER_CUSTOMER);
      }
      return;
    }
    if (request.apiKey === undefined) {
      throw request.authenticationFailure ?? new AppError('unauthorized', 'Missing API key');
    }
    if (!grantsScope(request.apiKey.scopes, access.scope)) {
      throw new AppError('forbidden', `This API key lacks the "${access.scope}" scope`);
    }
  });

  // One answer for another customer's resource and for one that does not exist, so a token cannot probe ids.
  app.addHook('preHandler', async (request) => {
    const url = request.routeOptions.url;
    if (request.customerToken === undefined || !isApiRoute(url) || url === undefined) return;
    const where = routeAccessFor(request.method === 'HEAD' ? 'GET' : request.method, url)?.customerToken;
    if (where === undefined || !('owner' in where)) return;
    const id = valueAt(request, where);
    const owner = typeof id === 'string' ? await authenticators.owners[where.owner](id) : undefined;
    if (owner === undefined || owner !== request.customerToken.customer) {
      throw new AppError('forbidden', ANOTHER_CUSTOMER);
    }
  });
}

/** For the not-found handler: the error to answer an unmatched /v1/ path with when it carries no valid credential. */
export async function authenticateUnmatched(
  request: FastifyRequest,
  authenticators: Authenticators,
): Promise<AppError | undefined> {
  await identify(request, authenticators);
  if (request.apiKey !== undefined || request.customerToken !== undefined) return undefined;
  return request.authenticationFailure ?? new AppError('unauthorized', 'Missing API key');
}

/** Outside /v1/ (readiness details): whether the request carries a valid API key with the admin scope. */
export async function holdsAdminKey(request: FastifyRequest, apiKeys: ApiKeysService): Promise<boolean> {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (presented === undefined || isCustomerTokenLike(presented)) return false;
  const verified = await apiKeys.verify(presented);
  return verified.ok && grantsScope(verified.key.scopes, 'admin');
}
