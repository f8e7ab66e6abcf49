-- Up Migration
-- lz4 compresses the stored payloads several times faster than the default pglz (ingest speed); servers built
-- without lz4 keep the default.
DO $$
BEGIN
  ALTER TABLE stripe_events ALTER COLUMN payload SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  RAISE NOTICE 'lz4 is not available on this server; stripe_events.payload keeps the default compression';
END;
$$;
