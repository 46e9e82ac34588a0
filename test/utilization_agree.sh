#!/usr/bin/env bash
# test/utilization_agree.sh: utilization() agrees with availability() and
# with the reservations summed in SQL on every pool of a generated year
# (test/utilization_agree.sql), in a database of its own on the cluster that
# libpq's environment points to.  Fails on any disagreement.
set -euo pipefail
cd "$(dirname "$0")/.."
db=timepool_utilization_agree
dropdb --if-exists "$db"
createdb "$db"
trap 'dropdb --if-exists "$db"' EXIT
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE EXTENSION timepool'
out=$(psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f test/utilization_agree.sql)
echo "$out"
n=$(printf '%s\n' "$out" | sed -n 's/^ *disagreements: \([0-9]*\)$/\1/p' | tail -1)
[ -n "$n" ] && [ "$n" -eq 0 ]
