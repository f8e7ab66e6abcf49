// Who may call each /v1/ route, in one table beside the route list of app.ts: the API key scope it requires,
// and, for the few routes a customer-scoped token may call, where the route names its customer. A /v1/ route
// missing here stops the app from starting (auth/authentication.ts checks every route as it is registered).
import type { ApiKeyScope } from './auth/scopes.js';

export interface RouteAccess {
  scope: ApiKeyScope;
  /** Set when a customer token may call the route: the path parameter or body field holding the external_id. */
  customerToken?: { param: string } | { body: string };
}

export const routeAccess: Readonly<Record<string, RouteAccess>> = {
  'GET /v1/catalog': { scope: 'catalog:read' },
  'POST /v1/catalog/sync': { scope: 'admin' },
  'POST /v1/customers': { scope: 'customers:write' },
  'GET /v1/customers/:external_id': { scope: 'customers:read' },
  'POST /v1/checkout/sessions': { scope: 'checkout:write' },
  'GET /v1/customers/:external_id/subscriptions': {
    scope: 'subscriptions:read',
    customerToken: { param: 'external_id' },
  },
  'POST /v1/customers/:external_id/subscriptions/sync': { scope: 'subscriptions:write' },
  'POST /v1/subscriptions/:id/change/preview': { scope: 'subscriptions:read' },
  'POST /v1/subscriptions/:id/change': { scope: 'subscriptions:write' },
  'POST /v1/subscriptions/:id/cancel': { scope: 'subscriptions:write' },
  'POST /v1/subscriptions/:id/resume': { scope: 'subscriptions:write' },
  'POST /v1/portal/sessions': { scope: 'portal:write', customerToken: { body: 'customer' } },
  'GET /v1/entitlements/:external_id/:feature': {
    scope: 'entitlements:read',
    customerToken: { param: 'external_id' },
  },
  'GET /v1/customers/:external_id/entitlements': {
    scope: 'entitlements:read',
    customerToken: { param: 'external_id' },
  },
  // Minting a customer token acts for any customer: only a full billing key may.
  'POST /v1/customer-tokens': { scope: 'billing' },
  'GET /v1/admin/events': { scope: 'admin' },
  'GET /v1/admin/events/:id': { scope: 'admin' },
  'POST /v1/admin/events/:id/replay': { scope: 'admin' },
  'POST /v1/admin/events/replay': { scope: 'admin' },
};

export function routeAccessFor(method: string, url: string): RouteAccess | undefined {
  return routeAccess[`${method} ${url}`];
}
