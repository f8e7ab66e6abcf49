-- Up Migration
-- Events for the calling application (outgoing webhooks and the change feed), written in the same transaction
-- as the state change they describe. Each carries a per-customer sequence number: the counter row is locked by
-- the writing transaction until it commits, so a customer's events commit in their sequence order.
CREATE TABLE customer_event_counters (
  customer_id uuid PRIMARY KEY REFERENCES customers (id),
  last_sequence bigint NOT NULL
);

CREATE TABLE outbox_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  type text NOT NULL,
  customer_id uuid NOT NULL REFERENCES customers (id),
  customer_sequence bigint NOT NULL,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- The change feed's position, assigned after commit by the single sequencer (outbox/sequence-events.ts),
  -- so that positions follow commit order: a row committed late gets a later position, never a skipped one.
  feed_position bigint UNIQUE,
  UNIQUE (customer_id, customer_sequence)
);
CREATE INDEX outbox_events_unsequenced_idx ON outbox_events (customer_sequence, customer_id) WHERE feed_position IS NULL;
CREATE SEQUENCE outbox_feed_position AS bigint;
