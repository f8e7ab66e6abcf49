-- Up Migration
-- When the buyer's checkout session was created at Stripe: the history lists orders newest first by it (our own
-- created_at is when the webhook was applied, and events of one batch share a transaction's now()).
ALTER TABLE orders ADD COLUMN stripe_created timestamptz;
CREATE INDEX orders_customer_history_idx ON orders (customer_id, (coalesce(stripe_created, created_at)) DESC, id DESC);
