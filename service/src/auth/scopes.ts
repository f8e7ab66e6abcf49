// The API key scopes: `billing` grants every non-admin scope, `admin` the admin routes, and the narrower ones a
// single resource's reads or writes (a `:write` scope also grants the same resource's `:read`).

export const NARROW_SCOPES = [
  'catalog:read',
  'customers:read',
  'customers:write',
  'checkout:read',
  'checkout:write',
  'subscriptions:read',
  'subscriptions:write',
  'entitlements:read',
  'portal:write',
  'orders:read',
  'refunds:write',
  'invoices:read',
  'events:read',
  'webhooks:read',
  'webhooks:write',
] as const;

export const API_KEY_SCOPES = ['billing', 'admin', ...NARROW_SCOPES] as const;

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export type NarrowScope = (typeof NARROW_SCOPES)[number];

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return (API_KEY_SCOPES as readonly string[]).includes(value);
}

/** Whether a key holding `held` may call a route that requires `required`. */
export function grantsScope(held: readonly ApiKeyScope[], required: ApiKeyScope): boolean {
  if (held.includes(required)) return true;
  if (required === 'admin' || required === 'billing') return false;
  if (held.includes('billing')) return true;
  const [resource, access] = required.split(':');
  return access === 'read' && held.includes(`${resource}:write` as ApiKeyScope);
}
