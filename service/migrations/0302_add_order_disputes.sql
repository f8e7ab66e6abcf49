-- Up Migration
-- The dispute of an order's charge, as Stripe last told us (charge.dispute.*): while one is open or lost, the
-- order grants nothing; a dispute won gives back what it granted.
ALTER TABLE orders ADD COLUMN stripe_dispute_id text;
ALTER TABLE orders ADD COLUMN dispute_status text;
