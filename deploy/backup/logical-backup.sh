#!/usr/bin/env bash
# Logical backup of the billing database: pg_dump in the custom format (compressed, restorable table by table).
# Usage: logical-backup.sh DATABASE_URL FILE. pg_dump must be at least the server's major version.
set -euo pipefail
database_url=${1:?usage: logical-backup.sh DATABASE_URL FILE}
file=${2:?usage: logical-backup.sh DATABASE_URL FILE}
# --no-owner/--no-privileges: the restore target (a fresh managed instance) has its own roles.
pg_dump --format=custom --no-owner --no-privileges --file="$file" "$database_url"
pg_restore --list "$file" > /dev/null # the archive is readable
echo "backup written to $file ($(wc -c < "$file") bytes)"
