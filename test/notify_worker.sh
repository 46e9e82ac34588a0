#!/usr/bin/env bash
# test/notify_worker.sh: the notifier itself, attacked as a DBA or a busy
# database would.
#   1. 30 sessions commit bookings at the same instant with no notifier
#      running: every pool is sent, no commit warns.  Then 40 pgbench
#      clients book and cancel from a cold start, four times: no commit
#      warns (before, the commits that found no notifier each started one,
#      the starting ones took the lock from each other, and the commits of
#      2 runs in 3 got "could not start its notifier" with 8 worker slots).
#   2. The schema's owner is NOLOGIN: the notifier still runs (it connects as
#      the bootstrap superuser and works as the owner).
#   3. The database sets default_transaction_read_only and a 1 ms
#      statement_timeout: neither reaches the notifier (before, every round
#      failed and the queue was never taken).
#   3. also DateStyle: the payload's dates stay YYYY-MM-DD.
#   4. A round is cancelled while it waits for a lock, twice (the second
#      time a careful round), with exit_on_error set for the database: the
#      same notifier takes the row again and a session listening all along
#      gets its payload (before, the careful round dropped it).
#   5. notify_queue is altered (an index): the commit warns that nothing is
#      sent and still commits; a column added and dropped is no alteration.
# Databases of their own on the cluster libpq's environment points to.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
dbs=(timepool_nw timepool_nw_owner)
cleanup() {
	psql -X -q -d postgres -c "ALTER ROLE timepool_nw_owner LOGIN" 2>/dev/null || true
	for db in "${dbs[@]}"; do
		for _ in $(seq 1 50); do
			dropdb --if-exists "$db" 2>/dev/null && break
			sleep 0.2
		done
	done
	dropuser --if-exists timepool_nw_owner 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
	echo "FAILED: $*"
	exit 1
}
# the sessions here override what step 3 sets for the database
clock="-c timepool.now=2098-12-01\\ 10:00 -c default_transaction_read_only=off -c statement_timeout=0"
sql() {
	local db=$1
	shift
	PGOPTIONS="$clock" psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"
}
schedule() {
	sql "$1" <<'SQL'
INSERT INTO timepool.resources (code, name) SELECT 'DR_' || i, 'Dr ' || i FROM generate_series(1, 3) i;
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
  SELECT r.id, d, 'MORNING', '09:00', '12:00' FROM timepool.resources r, generate_series(0, 6) d;
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('BOTOX', 'Botox', 40);
SQL
}
# no notifier of the database runs (the last one stops a second after its work)
no_notifier() {
	for _ in $(seq 1 100); do
		n=$(sql "$1" -A -t -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'timepool notifier' AND datname = current_database()")
		[ "$n" = 0 ] && return 0
		sleep 0.1
	done
	fail "a notifier of $1 still runs after 10 s"
}
# wait (10 s at most) until the query $2 in database $1 answers $3
wait_for() {
	for _ in $(seq 1 100); do
		[ "$(sql "$1" -A -t -c "$2")" = "$3" ] && return 0
		sleep 0.1
	done
	return 1
}
# a session of database $1 that holds the advisory lock $2 (for 60 s, or
# until it is terminated: then the sessions that wait for it go on)
gate() {
	sql "$1" -A -t -c "SELECT pg_advisory_lock($2), pg_sleep(60)" >/dev/null 2>&1 &
	wait_for "$1" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $2 AND granted" 1 ||
		fail "the gate $2 never closed"
}
open_gate() {
	sql "$1" -A -t -c "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $2 AND granted AND mode = 'ExclusiveLock'" >/dev/null
}
# a booking of resource $2 on 2099-01-01 + $3 days, in a session that LISTENs
# and waits for the notifier: prints the payloads
book_and_listen() {
	sql "$1" -A -t -c "SET timepool.notify = on" -c "LISTEN timepool_availability" \
		-c "INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
		      VALUES ($2, 1, '2099-01-01'::date + $3, '09:00', 'P')" \
		-c "SELECT 'sent ' || timepool.notify_wait('20 s')"
}

db=timepool_nw
dropdb --if-exists "$db"
createdb "$db"
sql "$db" -c 'CREATE EXTENSION timepool'
schedule "$db"

# 1. 30 commits at one instant, none running: the sessions wait on an
# advisory lock between their INSERT and their COMMIT, and it is let go at once
no_notifier "$db"
gate "$db" 4242
# the listener waits on a second lock until every booker has committed
gate "$db" 4243
sql "$db" -A -t -c "LISTEN timepool_availability" -c "SELECT pg_advisory_lock_shared(4243)" \
	-c "SELECT 'sent ' || timepool.notify_wait('30 s')" >"$tmp/listener" 2>&1 &
listener=$!
pids=()
for i in $(seq 1 30); do
	sql "$db" -A -t -c "SET timepool.notify = on" -c "BEGIN" \
		-c "INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
		      VALUES ($((i % 3 + 1)), 1, '2099-01-01'::date + $i, '09:00', 'P')" \
		-c "SELECT pg_advisory_lock_shared(4242)" -c "COMMIT" >"$tmp/booker.$i" 2>&1 &
	pids+=($!)
done
wait_for "$db" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND NOT granted" 30 ||
	wait_for "$db" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND NOT granted" 30 ||
	fail "30 bookers wait at the gate"
open_gate "$db" 4242
for p in "${pids[@]}"; do
	wait "$p" || fail "a booker failed: $(cat "$tmp"/booker.*)"
done
warned=$(cat "$tmp"/booker.* | grep -c 'WARNING' || true)
[ "$warned" = 0 ] || fail "$warned of 30 commits warned: $(grep -h WARNING "$tmp"/booker.* | sort | uniq -c)"
echo "ok: 30 commits at one instant with no notifier running, no WARNING"
open_gate "$db" 4243
wait "$listener" || fail "the listener failed: $(cat "$tmp/listener")"
grep -q '^sent true$' "$tmp/listener" || fail "notify_wait: $(cat "$tmp/listener")"
got=$(grep -c '^Asynchronous notification "timepool_availability"' "$tmp/listener" || true)
[ "$got" = 30 ] || fail "want 30 payloads, got $got: $(cat "$tmp/listener")"
echo "ok: the 30 pools sent, one payload each"

# 40 clients that book and cancel, each in its resource's pools, from no
# notifier running, four times
sql "$db" -c "INSERT INTO timepool.resources (code, name) SELECT 'DR_' || i, 'Dr ' || i FROM generate_series(4, 41) i" \
	-c "INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
	      SELECT r.id, d, 'MORNING', '09:00', '12:00' FROM timepool.resources r, generate_series(0, 6) d WHERE r.id > 3"
cat >"$tmp/storm.sql" <<'EOF'
\set d random(200, 999)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name) VALUES (:client_id + 2, 1, '2099-01-01'::date + :d, '09:00', 'P');
DELETE FROM timepool.reservations WHERE resource_id = :client_id + 2;
EOF
for k in 1 2 3 4; do
	no_notifier "$db"
	PGOPTIONS="$clock -c timepool.notify=on" pgbench -n -c 40 -j 4 -T 3 -f "$tmp/storm.sql" "$db" >"$tmp/storm.$k" 2>&1 ||
		fail "pgbench: $(tail -5 "$tmp/storm.$k")"
	warned=$(grep -c 'WARNING' "$tmp/storm.$k" || true)
	[ "$warned" = 0 ] || fail "run $k: $warned commits warned: $(grep -A2 WARNING "$tmp/storm.$k" | head -6)"
	grep -q 'number of failed transactions: 0' "$tmp/storm.$k" || fail "run $k: $(grep failed "$tmp/storm.$k")"
done
n=$(sql "$db" -A -t -c "SELECT timepool.notify_wait('20 s')" -c "SELECT count(*) FROM timepool.notify_queue")
[ "$n" = "$(printf 't\n0')" ] || fail "the storm's rows are still queued: $n"
echo "ok: 40 clients from a cold start, four times: no commit warned, the queue emptied"

# 3. settings of the database that would stop every round
sql "$db" -c "ALTER DATABASE $db SET default_transaction_read_only = on" \
	-c "ALTER DATABASE $db SET statement_timeout = '1ms'" \
	-c "ALTER DATABASE $db SET DateStyle = 'SQL, DMY'"
no_notifier "$db"
out=$(sql "$db" -A -t -c "SET timepool.notify = on" -c "LISTEN timepool_availability" \
	-c "INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
	      VALUES (1, 1, '2099-03-01', '09:00', 'P')" \
	-c "SELECT 'sent ' || timepool.notify_wait('20 s')")
printf '%s\n' "$out" | grep -q '^sent true$' || fail "read-only database: $out"
printf '%s\n' "$out" | grep -q '"date": "2099-03-01", "period": "MORNING", "total_minutes": 180, "booked_minutes": 40' ||
	fail "read-only database, no payload: $out"
sql "$db" -c "ALTER DATABASE $db RESET default_transaction_read_only" -c "ALTER DATABASE $db RESET statement_timeout" \
	-c "ALTER DATABASE $db RESET DateStyle"
echo "ok: default_transaction_read_only, statement_timeout and DateStyle of the database do not reach the notifier"

# 4. a round cancelled while it waits for the reservations' lock, in a
# database that sets exit_on_error (which would make the cancel FATAL): the
# same notifier takes the row again and a session that listened all along
# gets its payload
sql "$db" -c "ALTER DATABASE $db SET exit_on_error = on"
no_notifier "$db"
gate "$db" 4244
sql "$db" -A -t -c "LISTEN timepool_availability" -c "SELECT pg_advisory_lock_shared(4244)" \
	-c "SELECT 'sent ' || timepool.notify_wait('30 s')" >"$tmp/listener4" 2>&1 &
listener4=$!
sql "$db" -A -t -c "BEGIN" -c "LOCK TABLE timepool.reservations IN ACCESS EXCLUSIVE MODE" -c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
locker=$!
for _ in $(seq 1 100); do
	n=$(sql "$db" -A -t -c "SELECT count(*) FROM pg_locks WHERE relation = 'timepool.reservations'::regclass AND mode = 'AccessExclusiveLock' AND granted")
	[ "$n" = 1 ] && break
	sleep 0.1
done
sql "$db" -c "INSERT INTO timepool.notify_queue VALUES (2, '2099-04-01', 'MORNING')" -c "SELECT timepool.notify_wait('0')" >/dev/null
for k in 1 2; do
	pid=
	for _ in $(seq 1 100); do
		pid=$(sql "$db" -A -t -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'timepool notifier' AND datname = current_database() AND wait_event_type = 'Lock'")
		[ -n "$pid" ] && break
		sleep 0.1
	done
	[ -n "$pid" ] || fail "the notifier never waited for the lock (cancel $k)"
	[ "$k" = 1 ] && first=$pid
	[ "$pid" = "$first" ] || fail "cancel $k: another notifier ($pid, before $first)"
	# twice: the first a normal round, the second a careful one
	sql "$db" -A -t -c "SELECT pg_cancel_backend($pid)" >/dev/null
	sleep 0.3
done
sql "$db" -A -t -c "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE relation = 'timepool.reservations'::regclass AND mode = 'AccessExclusiveLock' AND granted" >/dev/null
wait "$locker" 2>/dev/null || true
out=$(sql "$db" -A -t -c "SELECT timepool.notify_wait('20 s')" -c "SELECT count(*) FROM timepool.notify_queue" \
	-c "SELECT 'same ' || count(*) FROM pg_stat_activity WHERE pid = $pid")
[ "$(printf '%s\n' "$out" | sed -n 2p)" = 0 ] || fail "the cancelled rounds' row is still queued: $out"
printf '%s\n' "$out" | grep -q '^same 1$' || fail "the cancelled notifier stopped: $out"
open_gate "$db" 4244
wait "$listener4" || fail "the listener failed: $(cat "$tmp/listener4")"
grep -q '"resource": "DR_2", "date": "2099-04-01", "period": "MORNING"' "$tmp/listener4" ||
	fail "the cancelled rounds' pool was never sent: $(cat "$tmp/listener4")"
sql "$db" -c "ALTER DATABASE $db RESET exit_on_error"
echo "ok: two cancelled rounds (exit_on_error on): the same notifier sends the row's payload, to a session that listened all along"

# 5. an altered queue: the commit warns and commits
sql "$db" -c "CREATE INDEX ON timepool.notify_queue (pool_date)"
err=$(book_and_listen "$db" 1 100 2>&1 >/dev/null)
printf '%s\n' "$err" | grep -q 'WARNING:  timepool sent no live changes: timepool.notify_queue has been altered' ||
	fail "altered queue, no WARNING: $err"
n=$(sql "$db" -A -t -c "SELECT count(*) FROM timepool.reservations WHERE reservation_date = '2099-01-01'::date + 100")
[ "$n" = 1 ] || fail "altered queue: the booking did not commit"
n=$(sql "$db" -A -t -c "SELECT count(*) FROM timepool.notify_queue")
[ "$n" = 0 ] || fail "altered queue: $n rows written to it"
echo "ok: an altered notify_queue gets a WARNING and no row; the booking commits"
# a column added and dropped again is no alteration
sql "$db" -c "DROP INDEX timepool.notify_queue_pool_date_idx" \
	-c "ALTER TABLE timepool.notify_queue ADD COLUMN junk int" -c "ALTER TABLE timepool.notify_queue DROP COLUMN junk"
out=$(book_and_listen "$db" 1 101 2>&1)
printf '%s\n' "$out" | grep -q 'WARNING' && fail "a dropped column: $out"
printf '%s\n' "$out" | grep -q '"date": "2099-04-12", "period": "MORNING"' || fail "a dropped column, no payload: $out"
echo "ok: after a column added and dropped, the queue works and the payload is sent"

# 2. the schema's owner cannot log in
db=timepool_nw_owner
dropdb --if-exists "$db"
dropuser --if-exists timepool_nw_owner
psql -X -q -d postgres -c "CREATE ROLE timepool_nw_owner SUPERUSER LOGIN"
createdb -O timepool_nw_owner "$db"
# (SET ROLE: the test's connections may need a password for a new role)
sql "$db" -c 'SET ROLE timepool_nw_owner' -c 'CREATE EXTENSION timepool'
owner=$(sql "$db" -A -t -c "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'timepool'")
[ "$owner" = timepool_nw_owner ] || fail "the schema's owner is $owner"
schedule "$db"
psql -X -q -d postgres -c "ALTER ROLE timepool_nw_owner NOLOGIN"
out=$(book_and_listen "$db" 1 0)
printf '%s\n' "$out" | grep -q '^sent true$' || fail "NOLOGIN owner: $out"
printf '%s\n' "$out" | grep -q '"resource": "DR_1", "date": "2099-01-01", "period": "MORNING", "total_minutes": 180, "booked_minutes": 40' ||
	fail "NOLOGIN owner, no payload: $out"
echo "ok: the schema's owner is NOLOGIN and the payload is sent"
