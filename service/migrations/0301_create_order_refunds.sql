-- Up Migration
-- Refunds of one-time orders. A refund we make is written here ("creating") under the order's row lock before
-- the Stripe call, and Stripe's idempotency key is derived from its id: the sum of an order's live refunds is
-- what the next refund checks against, so concurrent refunds can never ask Stripe for more than the order paid.
-- Refunds made elsewhere (the Stripe dashboard) arrive with the charge's events and are stored here too.
CREATE TABLE order_refunds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id uuid NOT NULL REFERENCES orders (id),
  amount bigint NOT NULL CHECK (amount > 0),
  reason text CHECK (reason IN ('duplicate', 'fraudulent', 'requested_by_customer')),
  status text NOT NULL CHECK (status IN ('creating', 'pending', 'succeeded', 'failed', 'canceled')),
  -- Our Idempotency-Key of the request that asked for it, so that its retry resumes this row.
  request_key text,
  stripe_refund_id text UNIQUE,
  failure_reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER set_updated_at BEFORE UPDATE ON order_refunds FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE INDEX order_refunds_order_id_idx ON order_refunds (order_id);
CREATE UNIQUE INDEX order_refunds_one_per_request ON order_refunds (order_id, request_key)
  WHERE request_key IS NOT NULL;
