-- Up Migration
-- Our customers: one per external_id of the calling application, linked to exactly one Stripe customer.
-- The row is written before the Stripe call (stripe_customer_id still null); Stripe's idempotency key is derived
-- from its id, so retries and concurrent requests all end at the same Stripe customer.
CREATE TABLE customers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  external_id text NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 255),
  email text NOT NULL,
  name text,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  stripe_customer_id text UNIQUE,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON customers
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();
