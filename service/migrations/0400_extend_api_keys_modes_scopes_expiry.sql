-- Up Migration
-- Finer API keys: the Stripe mode a key was made for (`bsk_test_…`, `bsk_live_…`; NULL for the legacy `bsk_…`
-- keys made before modes, which keep working), narrower scopes beside `billing` (every non-admin scope) and
-- `admin`, an optional expiry, and the key a rotation replaced (its expiry is the end of the overlap).
ALTER TABLE api_keys
  ADD COLUMN mode text CHECK (mode IN ('test', 'live')),
  ADD COLUMN expires_at timestamptz,
  ADD COLUMN rotated_from uuid REFERENCES api_keys (id);

ALTER TABLE api_keys DROP CONSTRAINT api_keys_scopes_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scopes_check CHECK (
  cardinality(scopes) > 0
  AND scopes <@ ARRAY[
    'billing', 'admin',
    'catalog:read',
    'customers:read', 'customers:write',
    'checkout:write',
    'subscriptions:read', 'subscriptions:write',
    'entitlements:read',
    'portal:write',
    'orders:read', 'invoices:read'
  ]
);
