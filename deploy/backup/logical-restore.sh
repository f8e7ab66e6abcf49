#!/usr/bin/env bash
# Restores a logical backup into an EMPTY database (create it first), in one transaction: all or nothing.
# Usage: logical-restore.sh FILE TARGET_DATABASE_URL. Then compare with verify-restore.sh.
set -euo pipefail
file=${1:?usage: logical-restore.sh FILE TARGET_DATABASE_URL}
target_url=${2:?usage: logical-restore.sh FILE TARGET_DATABASE_URL}
tables=$(psql "$target_url" --no-psqlrc --tuples-only --no-align \
  --command "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "refusing to restore: the target database already has $tables table(s)" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --single-transaction --exit-on-error --dbname="$target_url" "$file"
echo "restored $file"
