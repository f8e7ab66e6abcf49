-- One line per table of the public schema: its name, row count and an MD5 over all its rows in a stable order.
-- Equal fingerprints of two databases mean equal billing data (verify-restore.sh compares them).
CREATE TEMPORARY TABLE table_fingerprints (table_name text, row_count bigint, checksum text);
DO $$
DECLARE
  table_row record;
BEGIN
  FOR table_row IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename LOOP
    EXECUTE format(
      'INSERT INTO table_fingerprints SELECT %L, count(*), md5(coalesce(string_agg(t::text, E''\n'' ORDER BY t::text), '''')) FROM public.%I AS t',
      table_row.tablename, table_row.tablename);
  END LOOP;
END $$;
SELECT table_name, row_count, checksum FROM table_fingerprints ORDER BY table_name;
