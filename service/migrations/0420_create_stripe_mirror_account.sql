-- Up Migration
-- Which Stripe account (or stripe-emulator instance) the mirrored objects came from: recorded by the first listing
-- (catalog sync, backfill), after which a listing from any other account is refused. One row at most.
CREATE TABLE stripe_mirror_account (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  account_id text NOT NULL CHECK (length(account_id) BETWEEN 1 AND 255),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
