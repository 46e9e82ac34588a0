#!/usr/bin/env bash
# test/notify_bulk.sh: one statement that changes the status of the
# reservations of 20,000 pools, with timepool.notify off and then on.
# Until 1.6 such a change (PENDING to CONFIRMED, the minutes kept) took each
# pool's lock, and 20,000 pool locks do not fit PostgreSQL's lock table
# (max_locks_per_transaction 64 x max_connections 100), nor do 10,000: the
# UPDATE failed
# with 53200 whether notify was on or not; with it on, the commit also read
# every pool in one memory context.  Now neither takes a lock, and the
# notifier sends one payload per pool, in rounds of at most 10,000.
# A database of its own on the cluster libpq's environment points to.
set -euo pipefail
cd "$(dirname "$0")/.."
db=timepool_notify_bulk
dropdb --if-exists "$db"
createdb "$db"
cleanup() {
	for _ in $(seq 1 50); do
		dropdb --if-exists "$db" 2>/dev/null && return
		sleep 0.2
	done
}
trap cleanup EXIT
sql() { PGOPTIONS="-c timepool.now=2098-12-01\ 10:00" psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
fail() {
	echo "FAILED: $*"
	exit 1
}
sql -c 'CREATE EXTENSION timepool'
sql <<'SQL'
INSERT INTO timepool.resources (code, name) SELECT 'DR_' || i, 'Dr ' || i FROM generate_series(1, 40) i;
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
  SELECT r.id, d, 'MORNING', '09:00', '12:00' FROM timepool.resources r, generate_series(0, 6) d;
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('BOTOX', 'Botox', 40);
SQL
# 40 resources x 500 days, one booking a pool, 2,000 pools a statement
for k in $(seq 0 9); do
	sql -c "INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
	          SELECT r.id, 1, '2099-01-01'::date + $k * 50 + d, '09:00', 'P' FROM timepool.resources r, generate_series(0, 49) d"
done
n=$(sql -A -t -c "SELECT count(DISTINCT (resource_id, reservation_date)) FROM timepool.reservations WHERE status = 'PENDING'")
[ "$n" = 20000 ] || fail "20,000 pools booked, got $n"
echo "ok: 20,000 pools booked"

# notify off: one statement, the first 250 days' 10,000 pools
sql -c "UPDATE timepool.reservations SET status = 'CONFIRMED' WHERE reservation_date < '2099-01-01'::date + 250" ||
	fail "notify off: the status change of 10,000 pools"
echo "ok: notify off, PENDING to CONFIRMED in 10,000 pools in one statement"

# notify on: the other 10,000, with a listener in the same session
out=$(sql -A -t -c "SET timepool.notify = on" -c "LISTEN timepool_availability" \
	-c "UPDATE timepool.reservations SET status = 'CONFIRMED' WHERE status = 'PENDING'" \
	-c "SELECT 'vmhwm ' || (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'VmHWM:\s+(\d+)'))[1]" \
	-c "SELECT 'sent ' || timepool.notify_wait('120 s')") || fail "notify on: the status change of 10,000 pools"
echo "ok: notify on, PENDING to CONFIRMED in 10,000 pools in one statement"
sent=$(printf '%s\n' "$out" | sed -n 's/^sent //p')
[ "$sent" = true ] || fail "notify_wait returned $sent"
payloads=$(printf '%s\n' "$out" | grep -c '^Asynchronous notification "timepool_availability"' || true)
[ "$payloads" = 10000 ] || fail "want 10000 payloads, got $payloads"
echo "ok: 10,000 payloads, one per pool"
other=$(printf '%s\n' "$out" | grep '^Asynchronous' | grep -vc '"total_minutes": 180, "booked_minutes": 40, "remaining_minutes": 140}' || true)
[ "$other" = 0 ] || fail "$other payloads do not say 40 of 180 booked"
echo "ok: each says 40 of 180 minutes booked"
distinct=$(printf '%s\n' "$out" | grep '^Asynchronous' | sed 's/ received from.*//' | sort -u | wc -l)
[ "$distinct" = 10000 ] || fail "want 10000 distinct payloads, got $distinct"
first=$(printf '%s\n' "$out" | grep '^Asynchronous' | grep -c '"date": "2099-01-01"' || true)
[ "$first" = 0 ] || fail "the pools changed with notify off were sent ($first of 2099-01-01)"
echo "ok: 10,000 distinct pools, none of those changed with notify off"
# the committing backend queued 10,000 rows: its peak memory stays small
hwm=$(printf '%s\n' "$out" | sed -n 's/^vmhwm //p')
echo "the committing backend's peak resident memory: ${hwm} kB"
[ "$hwm" -lt 204800 ] || fail "the committing backend peaked at ${hwm} kB (over 200 MB)"
echo "ok: under 200 MB"
