-- Up Migration
-- The mirror of Stripe's subscriptions, written only by syncSubscription (refetch under an advisory lock).
CREATE TABLE subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  stripe_subscription_id text NOT NULL UNIQUE,
  customer_id uuid REFERENCES customers (id),
  stripe_customer_id text NOT NULL,
  status text NOT NULL,
  cancel_at_period_end boolean NOT NULL DEFAULT false,
  cancel_at timestamptz,
  canceled_at timestamptz,
  ended_at timestamptz,
  trial_start timestamptz,
  trial_end timestamptz,
  current_period_start timestamptz,
  current_period_end timestamptz,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  stripe_created timestamptz NOT NULL,
  synced_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON subscriptions
  FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE INDEX subscriptions_customer_id ON subscriptions (customer_id);
CREATE INDEX subscriptions_stripe_customer_id ON subscriptions (stripe_customer_id);

CREATE TABLE subscription_items (
  stripe_subscription_item_id text PRIMARY KEY,
  subscription_id uuid NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
  stripe_price_id text NOT NULL,
  stripe_product_id text NOT NULL,
  quantity integer NOT NULL,
  current_period_start timestamptz,
  current_period_end timestamptz
);

CREATE INDEX subscription_items_subscription_id ON subscription_items (subscription_id);

-- Intents of plan changes, cancellations and resumptions: our row first, Stripe's idempotency key derived from
-- its id, Stripe's result stored. A pending intent with the same request is reused by a retry.
CREATE TABLE subscription_changes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  subscription_id uuid NOT NULL REFERENCES subscriptions (id),
  kind text NOT NULL CHECK (kind IN ('change', 'cancel', 'resume')),
  request jsonb NOT NULL,
  request_fingerprint text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  failure_reason text,
  result jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);

CREATE UNIQUE INDEX subscription_changes_one_pending_per_request
  ON subscription_changes (subscription_id, request_fingerprint) WHERE status = 'pending';
