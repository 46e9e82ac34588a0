#!/usr/bin/env bash
# test/notify.sh: the isolation specs of NOTIFY timepool_availability
# (test/notify/*.spec), against the cluster that libpq's environment points
# to.  They are not in the Makefile's ISOLATION: the payloads come from the
# database's notifier, a background worker, and isolationtester names a
# sender that is none of the spec's sessions by its PID ("from PID 12345"),
# which this script writes as "from the notifier" before it compares the
# output with test/notify/expected/.  Each spec runs in a database of its
# own, made and dropped here.  Fails on any difference.
set -uo pipefail
cd "$(dirname "$0")/.."
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
tester=$("$PG_CONFIG" --pkglibdir)/pgxs/src/test/isolation/isolationtester
out=test/output_notify
rm -rf "$out"
mkdir -p "$out"
status=0
for spec in test/notify/*.spec; do
	name=$(basename "$spec" .spec)
	db=timepool_$name
	dropdb --if-exists "$db" && createdb "$db" &&
		psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE EXTENSION timepool' || {
		status=1
		continue
	}
	"$tester" "dbname=$db" <"$spec" 2>&1 |
		sed -E 's/ from PID [0-9]+$/ from the notifier/' >"$out/$name.out"
	# the notifier stops within a second of its last round: then the
	# database can go
	for _ in $(seq 1 50); do
		dropdb --if-exists "$db" 2>/dev/null && break
		sleep 0.2
	done
	if diff -u "test/notify/expected/$name.out" "$out/$name.out" >"$out/$name.diff"; then
		echo "ok     $name"
		rm -f "$out/$name.diff"
	else
		echo "FAILED $name"
		cat "$out/$name.diff"
		status=1
	fi
done
[ "$status" -eq 0 ] && rm -rf "$out"
exit "$status"
