-- Up Migration
-- API keys of the calling applications. Only the SHA-256 of a key is stored: keys carry 32 random bytes,
-- so a fast hash is enough (nothing to brute-force), and the check stays cheap.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  key_hash bytea NOT NULL UNIQUE,
  -- The first characters of the key, shown in listings so people can tell keys apart.
  key_prefix text NOT NULL,
  scopes text[] NOT NULL CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['billing', 'admin']),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  last_used_at timestamptz
);
