-- Up Migration
-- Scopes for the routes added beside the finer API keys: checkout session reads, refunds, the change feed and
-- the webhook endpoints (orders:read and invoices:read were already allowed).
ALTER TABLE api_keys DROP CONSTRAINT api_keys_scopes_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scopes_check CHECK (
  cardinality(scopes) > 0
  AND scopes <@ ARRAY[
    'billing', 'admin',
    'catalog:read',
    'customers:read', 'customers:write',
    'checkout:read', 'checkout:write',
    'subscriptions:read', 'subscriptions:write',
    'entitlements:read',
    'portal:write',
    'orders:read', 'refunds:write', 'invoices:read',
    'events:read',
    'webhooks:read', 'webhooks:write'
  ]
);
