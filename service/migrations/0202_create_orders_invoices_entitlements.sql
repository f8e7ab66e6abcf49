-- Up Migration
-- One-time purchases, keyed by their checkout session (unique) and payment intent (unique), so an event applied
-- twice can never create a second order. Status only moves forward: pending → paid | failed → partially_refunded
-- → refunded (order-independent: a late "completed" never turns a refunded order back into a paid one).
CREATE TABLE orders (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  stripe_checkout_session_id text NOT NULL UNIQUE,
  stripe_payment_intent_id text UNIQUE,
  customer_id uuid REFERENCES customers (id),
  stripe_customer_id text,
  status text NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'partially_refunded', 'refunded')),
  currency text NOT NULL,
  amount_total bigint NOT NULL,
  amount_refunded bigint NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),
  paid_at timestamptz,
  failed_at timestamptz,
  refunded_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER set_updated_at BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE INDEX orders_customer_id_idx ON orders (customer_id);

CREATE TABLE order_items (
  stripe_line_item_id text PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  stripe_price_id text NOT NULL,
  stripe_product_id text NOT NULL,
  description text,
  quantity integer NOT NULL,
  currency text NOT NULL,
  amount_total bigint NOT NULL
);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);
CREATE INDEX order_items_product_idx ON order_items (stripe_product_id);

-- Invoices as Stripe has them now: every write is a refetch taken under a per-invoice advisory lock.
CREATE TABLE invoices (
  stripe_invoice_id text PRIMARY KEY,
  customer_id uuid REFERENCES customers (id),
  stripe_customer_id text NOT NULL,
  stripe_subscription_id text,
  status text NOT NULL,
  billing_reason text,
  number text,
  currency text NOT NULL,
  total bigint NOT NULL,
  amount_due bigint NOT NULL,
  amount_paid bigint NOT NULL,
  amount_remaining bigint NOT NULL,
  attempt_count integer NOT NULL DEFAULT 0,
  hosted_invoice_url text,
  period_start timestamptz,
  period_end timestamptz,
  paid_at timestamptz,
  stripe_created timestamptz NOT NULL,
  synced_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER set_updated_at BEFORE UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE INDEX invoices_customer_id_idx ON invoices (customer_id);
CREATE INDEX invoices_subscription_idx ON invoices (stripe_subscription_id);

-- Derived: which features a customer holds now and from what. Recomputed for a customer in the transaction of
-- every event that touches them; readers are told through NOTIFY entitlements_changed (payload: external id).
CREATE TABLE entitlements (
  customer_id uuid NOT NULL REFERENCES customers (id),
  feature text NOT NULL,
  source_kind text NOT NULL CHECK (source_kind IN ('subscription', 'order')),
  source_id text NOT NULL,
  expires_at timestamptz,
  computed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, feature, source_kind, source_id)
);
