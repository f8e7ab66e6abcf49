// Who may call each /v1/ route, in one table beside the route list of app.ts: the API key scope it requires,
// and, for the few routes a customer-scoped token may call, where the route names its customer. A /v1/ route
// missing here stops the app from starting (auth/authentication.ts checks every route as it is registered).
import type { ApiKeyScope } from './auth/scopes.js';

/** The resources a customer token may read by their own id: the token's customer must own the one named. */
export const OWNED_RESOURCES = ['order', 'invoice', 'subscription'] as const;
export type OwnedResource = (typeof OWNED_RESOURCES)[number];

/**
 * Where a route a customer token may call names the customer: a path parameter or body field holding its
 * external_id, or a path parameter holding the id of a resource the customer must own.
 */
export type CustomerTokenAccess =
  { param: string } | { body: string } | { owner: OwnedResource; param: string };

export interface RouteAccess {
  scope: ApiKeyScope;
  /** Set when a customer token may call the route. */
  customerToken?: CustomerTokenAccess;
}

export const routeAccess: Readonly<Record<string, RouteAccess>> = {
  'GET /v1/catalog': { scope: 'catalog:read' },
  'POST /v1/catalog/sync': { scope: 'admin' },
  'POST /v1/customers': { scope: 'customers:write' },
  'GET /v1/customers/:external_id': { scope: 'customers:read' },
  'POST /v1/checkout/sessions': { scope: 'checkout:write' },
  'GET /v1/checkout/sessions/:id': { scope: 'checkout:read' },
  'GET /v1/customers/:external_id/subscriptions': {
    scope: 'subscriptions:read',
    customerToken: { param: 'external_id' },
  },
  'POST /v1/customers/:external_id/subscriptions/sync': { scope: 'subscriptions:write' },
  'GET /v1/subscriptions/:id': {
    scope: 'subscriptions:read',
    customerToken: { owner: 'subscription', param: 'id' },
  },
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
  'GET /v1/customers/:external_id/orders': { scope: 'orders:read', customerToken: { param: 'external_id' } },
  'GET /v1/orders/:id': { scope: 'orders:read', customerToken: { owner: 'order', param: 'id' } },
  'POST /v1/orders/:id/refunds': { scope: 'refunds:write' },
  'GET /v1/customers/:external_id/invoices': {
    scope: 'invoices:read',
    customerToken: { param: 'external_id' },
  },
  'GET /v1/invoices/:id': { scope: 'invoices:read', customerToken: { owner: 'invoice', param: 'id' } },
  // The change feed and the webhook endpoints carry every customer's events: keys only.
  'GET /v1/events': { scope: 'events:read' },
  'POST /v1/webhook-endpoints': { scope: 'webhooks:write' },
  'GET /v1/webhook-endpoints': { scope: 'webhooks:read' },
  'GET /v1/webhook-endpoints/:id': { scope: 'webhooks:read' },
  'DELETE /v1/webhook-endpoints/:id': { scope: 'webhooks:write' },
  'POST /v1/webhook-endpoints/:id/rotate-secret': { scope: 'webhooks:write' },
  // Enabling again resends every failed delivery: an operator's decision once the receiver is fixed.
  'POST /v1/webhook-endpoints/:id/enable': { scope: 'admin' },
  'GET /v1/webhook-endpoints/:id/deliveries': { scope: 'webhooks:read' },
  'POST /v1/webhook-endpoints/:id/deliveries/:delivery_id/retry': { scope: 'webhooks:write' },
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
