-- Up Migration
-- The catalog mirror, keyed by Stripe ids. No foreign key from prices to products: sync and webhook events
-- arrive in any order, so a price may be stored before its product.
CREATE TABLE products (
  id text PRIMARY KEY,
  name text NOT NULL,
  description text,
  active boolean NOT NULL,
  -- Parsed from the product's metadata "features" (comma-separated): what buying it grants.
  features text[] NOT NULL DEFAULT '{}',
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Stripe's "updated" of the stored version: an older payload never overwrites a newer one.
  stripe_updated timestamptz NOT NULL,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON products
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE prices (
  id text PRIMARY KEY,
  product_id text NOT NULL,
  active boolean NOT NULL,
  currency text NOT NULL,
  unit_amount bigint,
  type text NOT NULL CHECK (type IN ('one_time', 'recurring')),
  recurring_interval text CHECK (recurring_interval IN ('day', 'week', 'month', 'year')),
  recurring_interval_count integer,
  lookup_key text,
  nickname text,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  stripe_created timestamptz NOT NULL,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON prices
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE INDEX prices_product_id ON prices (product_id);
CREATE INDEX prices_lookup_key ON prices (lookup_key) WHERE lookup_key IS NOT NULL;
