-- Up Migration
-- The newest event applied to each Stripe object whose events are applied from their payload (products, prices,
-- customers), by the event's `created` second. An older event is skipped; one of the same second cannot be
-- ordered against the one applied, so its handler refetches the object from Stripe instead. The row is locked
-- until the event's transaction commits, so two events of one object are applied one after the other.
CREATE TABLE stripe_object_versions (
  object_id text PRIMARY KEY,
  event_created timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
