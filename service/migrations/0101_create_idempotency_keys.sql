-- Up Migration
-- Our own API's Idempotency-Key records, scoped per API key. A row is inserted as "running" before the
-- request runs and completed with the exact response bytes; 5xx outcomes delete it so the key can be retried.
CREATE TABLE idempotency_keys (
  api_key_id uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  -- sha256 of method, route and body: the same key with another request is refused.
  request_fingerprint text NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'completed')),
  response_status integer,
  response_content_type text,
  response_body bytea,
  started_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (api_key_id, key)
);

CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);
