#!/usr/bin/env bash
# test/all.sh: every timepool test suite, against the cluster that libpq's
# environment points to (./dev test makes one with pg_virtualenv).
#   pg_regress suites (sql/, expected/) and isolation specs (test/specs/)
#   the NOTIFY specs (test/notify/), whose payloads the notifier sends (test/notify.sh)
#   pgTAP tests (test/pgtap/) run with pg_prove
#   the README's sql examples, run in one psql session (test/readme.sh)
#   the README's application example (examples/booking-client/book.js) run
#     by 40 concurrent clients at each isolation level (test/retry.sh)
#   dump and restore (test/dump_restore.sh)
#   a primary and a hot standby on loopback (test/standby.sh)
#   a failover to a synchronous standby mid-load (test/failover.sh)
#   a PL/Proxy router in front of two shards (test/sharding.sh)
#   a randomized robustness run with SQLsmith (test/sqlsmith.sh): no crash,
#     no internal error of timepool's
#   the live dashboard (examples/dashboard) in headless Chromium (test/dashboard.sh)
#   the soak test (test/soak/run), TIMEPOOL_SOAK_SECONDS long (default 60)
# Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}

passed=0
failed=0
run() {
	local name=$1
	shift
	printf '\n== %s\n' "$name"
	if "$@"; then
		passed=$((passed + 1))
		echo "-- $name: ok"
	else
		failed=$((failed + 1))
		echo "-- $name: FAILED"
	fi
}

regress() {
	rm -f regression.diffs test/output_iso/regression.diffs
	if make -s installcheck PG_CONFIG="$PG_CONFIG"; then
		return 0
	fi
	for f in regression.diffs test/output_iso/regression.diffs; do
		[ -f "$f" ] && cat "$f"
	done
	return 1
}

pgtap() {
	local db=timepool_tap
	dropdb --if-exists "$db" && createdb "$db" &&
		psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE EXTENSION pgtap' &&
		pg_prove -f -d "$db" test/pgtap/*.sql
}

run "pg_regress suites and isolation specs" regress
run "pgTAP tests" pgtap
run "README examples" bash test/readme.sh
run "retry example, 40 clients" bash test/retry.sh
run "NOTIFY specs (payloads from the notifier)" bash test/notify.sh
run "a status change of 10,000 pools in one statement, notify off and on" bash test/notify_bulk.sh
run "the notifier: 40 clients from a cold start, NOLOGIN owner, read-only database, cancelled round, altered queue" bash test/notify_worker.sh
run "upgrade from 1.0, 1.1, 1.2, 1.3 and 1.4 to 1.7" bash test/upgrade.sh
run "dump and restore" bash test/dump_restore.sh
run "a hot standby: the same reads, its cache, 25006 for writes" bash test/standby.sh
run "failover to a synchronous standby: no confirmed booking lost" bash test/failover.sh
run "sharding: a PL/Proxy router and two shards agree" bash test/sharding.sh
run "a transaction that drops the extension commits" bash test/drop_extension.sh
run "sqlsmith robustness run" bash test/sqlsmith.sh
run "open_slots agrees with book_service" bash test/slots_agree.sh
run "utilization agrees with availability" bash test/utilization_agree.sh
run "live dashboard in chromium" bash test/dashboard.sh
run "soak test" test/soak/run --seconds "${TIMEPOOL_SOAK_SECONDS:-60}"

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
