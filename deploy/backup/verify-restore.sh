#!/usr/bin/env bash
# Compares two databases table by table (row counts and checksums, fingerprint.sql); exits 1 on any difference.
# Usage: verify-restore.sh SOURCE_DATABASE_URL RESTORED_DATABASE_URL
set -euo pipefail
source_url=${1:?usage: verify-restore.sh SOURCE_DATABASE_URL RESTORED_DATABASE_URL}
restored_url=${2:?usage: verify-restore.sh SOURCE_DATABASE_URL RESTORED_DATABASE_URL}
here="$(dirname "$0")"
fingerprint() {
  psql "$1" --no-psqlrc --quiet --tuples-only --no-align --field-separator=' ' --set ON_ERROR_STOP=1 \
    --file "$here/fingerprint.sql"
}
source_fingerprint=$(fingerprint "$source_url")
restored_fingerprint=$(fingerprint "$restored_url")
if [ "$source_fingerprint" != "$restored_fingerprint" ]; then
  echo "restore differs from its source:" >&2
  diff <(echo "$source_fingerprint") <(echo "$restored_fingerprint") >&2 || true
  exit 1
fi
echo "$restored_fingerprint"
echo "restore matches its source: $(echo "$restored_fingerprint" | wc -l) tables"
