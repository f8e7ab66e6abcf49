-- Up Migration
-- Every checkout session we create. The row is the intent: written (status "creating") before the Stripe
-- call, Stripe's idempotency key derived from its id, then completed with Stripe's session id and url.
CREATE TABLE checkout_sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  customer_id uuid NOT NULL REFERENCES customers (id),
  mode text NOT NULL CHECK (mode IN ('payment', 'subscription')),
  -- [{ "price": "price_…", "quantity": 2 }] as resolved against the catalog, sorted by price.
  lines jsonb NOT NULL,
  currency text NOT NULL,
  -- sha256 of mode, lines, urls and options: the same cart of the same customer reuses the open session.
  cart_fingerprint text NOT NULL,
  success_url text NOT NULL,
  cancel_url text NOT NULL,
  options jsonb NOT NULL DEFAULT '{}'::jsonb,
  status text NOT NULL CHECK (status IN ('creating', 'open', 'complete', 'expired', 'payment_failed', 'failed', 'replaced')),
  stripe_checkout_session_id text UNIQUE,
  url text,
  expires_at timestamptz,
  failure_reason text,
  completed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON checkout_sessions
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One session being created or open per customer and cart.
CREATE UNIQUE INDEX checkout_sessions_one_open_per_cart ON checkout_sessions (customer_id, cart_fingerprint)
  WHERE status IN ('creating', 'open');
CREATE INDEX checkout_sessions_customer_id ON checkout_sessions (customer_id);
