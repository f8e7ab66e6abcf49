-- Up Migration
-- The webhook inbox: every verified Stripe event, once (primary key = Stripe's event id). It is also the audit log,
-- the dead-letter queue and the replay source. The payload is the body exactly as received (text, not jsonb: no
-- re-encoding on the ingest hot path; handlers parse it when they apply it).
CREATE TABLE stripe_events (
  id text PRIMARY KEY,
  type text NOT NULL,
  api_version text,
  stripe_created timestamptz NOT NULL,
  livemode boolean NOT NULL,
  payload text NOT NULL,
  source text NOT NULL CHECK (source IN ('webhook', 'sweep', 'replay')),
  -- pending → processing (leased) → processed | ignored; on error failed (retry at run_at) → … → dead.
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'processing', 'processed', 'failed', 'dead', 'ignored')),
  attempts integer NOT NULL DEFAULT 0,
  -- When the row is next due: for pending/failed rows the (retry) time, for processing rows the lease's end.
  run_at timestamptz NOT NULL DEFAULT now(),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  -- [{ "attempt", "at", "error", "worker" }], newest last.
  error_history jsonb NOT NULL DEFAULT '[]'::jsonb,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Due rows only: the claim query reads this small index, never the processed history.
CREATE INDEX stripe_events_due_idx ON stripe_events (run_at)
  WHERE status IN ('pending', 'processing', 'failed');
CREATE INDEX stripe_events_status_type_idx ON stripe_events (status, type, received_at DESC, id DESC);
CREATE INDEX stripe_events_processed_at_idx ON stripe_events (processed_at) WHERE processed_at IS NOT NULL;

-- Wakes idle workers when events arrive (one notification per statement, not per row).
CREATE FUNCTION notify_stripe_events_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('stripe_events_inserted', '');
  RETURN NULL;
END;
$$;
CREATE TRIGGER stripe_events_inserted AFTER INSERT ON stripe_events
  FOR EACH STATEMENT EXECUTE FUNCTION notify_stripe_events_inserted();

-- The effect ledger: one row per (event, effect) written in the same transaction as the effect, so applying an
-- event twice violates the primary key and fails loudly instead of doubling money or access.
CREATE TABLE applied_effects (
  event_id text NOT NULL,
  effect text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (event_id, effect)
);

-- The missed-event sweep's cursor and last outcome (one row per named job).
CREATE TABLE sync_cursors (
  name text PRIMARY KEY,
  cursor_value text,
  created_gte bigint,
  last_run_at timestamptz,
  last_outcome text,
  last_error text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
