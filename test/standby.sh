#!/usr/bin/env bash
# test/standby.sh: timepool on a hot standby (streaming replication).
#
# Makes its own two clusters on loopback in a temporary directory (a primary
# and a standby taken from it with pg_basebackup before timepool is even
# created, so that the extension, its data and every change reach the
# standby as WAL), and drops them at the end.  Checks:
#   1. every read (availability, open_slots, utilization, can_book,
#      check_booking, get_booking, clinic_today, the five report views)
#      gives on the standby, once it has replayed, exactly the primary's
#      answer, on a schedule with holds, cancellations, a closed day and an
#      over-capacity day of history;
#   2. a standby session that has read the schedule (its cache filled) sees
#      the primary's schedule change once it has replayed it, in the same
#      session, and so do open_slots and utilization;
#   3. every function that writes fails there with 25006 and a hint to call
#      the primary, and the standby goes on answering; on the primary a
#      read-only transaction gets 25006 from them too;
#   4. after all this the standby still answers as the primary does.
set -uo pipefail
cd "$(dirname "$0")/.."
. test/replicas.sh
TODAY=2099-03-02 # a Monday

fails=0
ok() { echo "ok: $1"; }
fail() {
	echo "FAILED: $1"
	fails=$((fails + 1))
}
trap replicas_cleanup EXIT

PPORT=$(free_port 55432)
make_primary primary "$PPORT" "fsync = off"
SPORT=$(free_port $((PPORT + 1)))
make_standby standby "$SPORT" "$PPORT"
P="-h 127.0.0.1 -p $PPORT -U postgres"
S="-h 127.0.0.1 -p $SPORT -U postgres"

# psql on the primary (p) or the standby (s), today frozen, unaligned
psql_on() {
	local where=$1
	shift
	local conn=$P
	[ "$where" = s ] && conn=$S
	PGOPTIONS="-c timepool.today=$TODAY" psql -X -q $conn -d clinic -v ON_ERROR_STOP=1 -A -t "$@"
}
createdb $P clinic
psql_on p <<'SQL' >/dev/null
CREATE EXTENSION timepool;
INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Dr A'), ('DR_B', 'Dr B');
UPDATE timepool.resources SET max_concurrent = 2 WHERE code = 'DR_B';
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
  SELECT r.id, d, p.period, p.s, p.e
    FROM timepool.resources r, generate_series(1, 5) d,
         (VALUES ('MORNING', time '09:00', time '12:00'), ('AFTERNOON', time '13:00', time '18:00')) p(period, s, e);
INSERT INTO timepool.services (code, name, duration_minutes, price) VALUES
  ('BOTOX', 'Botox', 40, 150.00), ('SKIN_CARE', 'Skin care', 70, 89.50);
-- Wednesday closed for DR_A
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed, reason)
  SELECT id, date '2099-03-04', true, 'training' FROM timepool.resources WHERE code = 'DR_A';
SELECT timepool.book_service('BOTOX', date '2099-03-02' + (i % 10), time '09:00' + (i / 10) * interval '40 minutes',
                             'Patient ' || i, p_resource => CASE WHEN i % 2 = 0 THEN 'DR_A' ELSE 'DR_B' END)
  FROM generate_series(0, 39) i
 WHERE date '2099-03-02' + (i % 10) NOT IN (date '2099-03-04', date '2099-03-07', date '2099-03-08')
    OR i % 2 = 1 AND date '2099-03-02' + (i % 10) = date '2099-03-04';
SELECT timepool.hold_slot('SKIN_CARE', '2099-03-03', '14:00', p_resource => 'DR_A', p_ttl => '30 minutes');
SELECT timepool.cancel_reservation(id, 'moved away') FROM timepool.reservations WHERE patient_name = 'Patient 12';
SELECT timepool.set_reservation_status(id, 'CONFIRMED') FROM timepool.reservations WHERE patient_name = 'Patient 13';
-- a day of history over capacity, as an import leaves it: a superuser's rows with the guard off
SET session_replication_role = replica;
INSERT INTO timepool.reservations (resource_id, service_id, service_code, service_name, duration_minutes,
                                   buffer_minutes, required_minutes, price, reservation_date, start_time,
                                   end_time, period, status, patient_name)
  SELECT 1, 2, 'SKIN_CARE', 'Skin care', 70, 0, 70, 89.50, date '2099-02-23', time '09:00' + i * interval '10 minutes',
         time '10:10' + i * interval '10 minutes', 'MORNING', 'COMPLETED', 'History ' || i
    FROM generate_series(0, 2) i;
SQL
[ $? -eq 0 ] || fail "the primary's data set"
TOKEN=$(psql_on p -c "SELECT access_token FROM timepool.reservations WHERE patient_name = 'Patient 1'")
caught_up $PPORT $SPORT || fails=$((fails + 1))

# 1. every read, the same on both
READS=(
	"SELECT * FROM timepool.availability(date '2099-03-02')"
	"SELECT * FROM timepool.availability(date '2099-03-04')"
	"SELECT * FROM timepool.availability(date '2099-03-03', p_service => 'SKIN_CARE')"
	"SELECT * FROM timepool.open_slots('BOTOX', date '2099-03-02', date '2099-03-13')"
	"SELECT * FROM timepool.open_slots('SKIN_CARE', date '2099-03-02', date '2099-03-06', p_step_minutes => 10, p_resource => 'DR_B')"
	"SELECT * FROM timepool.utilization(date '2099-02-01', date '2099-04-30')"
	"SELECT timepool.can_book('BOTOX', date '2099-03-02', time '09:00'), timepool.can_book('BOTOX', date '2099-03-05', time '16:00', 'DR_A')"
	"SELECT * FROM timepool.check_booking('SKIN_CARE', date '2099-03-04', time '09:00', 'DR_A')"
	"SELECT * FROM timepool.get_booking('$TOKEN')"
	"SELECT timepool.clinic_today()"
	"SELECT * FROM timepool.daily_overview ORDER BY 1, 2"
	"SELECT * FROM timepool.service_stats ORDER BY 1, 2"
	"SELECT * FROM timepool.resource_stats ORDER BY 1, 2"
	"SELECT * FROM timepool.overbooked_pools ORDER BY 1, 2, 3"
	"SELECT * FROM timepool.nearly_full ORDER BY 1, 2, 3"
)
compare_reads() { # compare_reads LABEL: every read on both
	local q a b bad=0
	for q in "${READS[@]}"; do
		a=$(psql_on p -c "$q" 2>&1)
		b=$(psql_on s -c "$q" 2>&1)
		if [ "$a" != "$b" ]; then
			fail "$1: the standby answers otherwise: $q"
			diff <(echo "$a") <(echo "$b") | head -10
			bad=1
		elif [ -z "$a" ]; then
			fail "$1: no rows on either side, the comparison proves nothing: $q"
			bad=1
		fi
	done
	[ $bad = 0 ] && ok "$1: ${#READS[@]} reads give the primary's answers on the standby"
}
compare_reads "after replay"
[ "$(psql_on s -c 'SELECT count(*) FROM timepool.overbooked_pools')" -ge 1 ] &&
	ok "the standby's overbooked_pools shows the day of history" ||
	fail "overbooked_pools on the standby misses the day of history"

# 2. a standby session with its cache filled sees the schedule change
mkfifo "$DIR/in"
PGOPTIONS="-c timepool.today=$TODAY" psql -X -q $S -d clinic -A -t <"$DIR/in" >"$DIR/out" 2>&1 &
SPID=$!
exec 3>"$DIR/in"
ask() { # ask QUERY: the long-lived standby session's answer
	local n
	n=$(wc -l <"$DIR/out")
	echo "$1;" >&3
	echo "SELECT 'end-of-answer';" >&3
	for _ in $(seq 1 100); do
		grep -q '^end-of-answer$' <(tail -n +$((n + 1)) "$DIR/out") && break
		sleep 0.05
	done
	tail -n +$((n + 1)) "$DIR/out" | sed '/^end-of-answer$/,$d'
}
MORNING="SELECT total_minutes FROM timepool.availability(date '2099-03-02', p_resource => 'DR_A') WHERE period = 'MORNING'"
before=$(ask "$MORNING")
[ "$before" = 180 ] && ok "the standby session reads the MORNING's 180 minutes (its cache filled)" ||
	fail "the standby session read '$before' before the change, not 180"
psql_on p -c "UPDATE timepool.clinic_time_slots SET capacity_minutes = 120 WHERE period = 'MORNING' AND day_of_week = 1
              AND resource_id = (SELECT id FROM timepool.resources WHERE code = 'DR_A')" >/dev/null
caught_up $PPORT $SPORT || fails=$((fails + 1))
after=$(ask "$MORNING")
[ "$after" = 120 ] && ok "the same standby session sees the primary's new capacity (120) once replayed" ||
	fail "the standby session still reads '$after' after the change was replayed"
slots=$(ask "SELECT count(*) FROM timepool.open_slots('BOTOX', date '2099-03-02', date '2099-03-02', p_resource => 'DR_A')")
[ "$slots" = "$(psql_on p -c "SELECT count(*) FROM timepool.open_slots('BOTOX', date '2099-03-02', date '2099-03-02', p_resource => 'DR_A')")" ] &&
	ok "the same session's open_slots agrees with the primary's after the change ($slots starts)" ||
	fail "the same session's open_slots ($slots) differs from the primary's after the change"
exec 3>&-
wait $SPID
compare_reads "after the schedule change"

# 3. every function that writes: 25006 on the standby, and on the primary
# in a read-only transaction
WRITES=(
	"SELECT timepool.book_service('BOTOX', date '2099-03-05', time '10:00', 'Nora', p_resource => 'DR_A')"
	"SELECT timepool.book_online('BOTOX', date '2099-03-05', time '10:00', 'Nora', p_idempotency_key => 'k-1')"
	"SELECT timepool.hold_slot('BOTOX', date '2099-03-05', time '10:00')"
	"SELECT timepool.confirm_hold('$TOKEN', 'Nora')"
	"SELECT timepool.release_hold('$TOKEN')"
	"SELECT timepool.expire_holds()"
	"SELECT timepool.cancel_booking('$TOKEN')"
	"SELECT timepool.cancel_reservation(1)"
	"SELECT timepool.set_reservation_status(1, 'COMPLETED')"
	"SELECT timepool.reschedule_booking('$TOKEN', date '2099-03-05', time '15:00')"
	"SELECT timepool.reschedule_reservation(1, date '2099-03-05', time '15:00')"
	"SELECT * FROM timepool.import_reservations('b1')"
	"SELECT timepool.delete_service('BOTOX')"
	"SELECT timepool.restore_service(1)"
)
bad=0
for w in "${WRITES[@]}"; do
	got=$(psql_on s -v VERBOSITY=verbose -c "$w" 2>&1)
	if ! grep -q '^ERROR:  25006: ' <<<"$got"; then
		fail "on the standby, not 25006: $w: $got"
		bad=1
	fi
done
[ $bad = 0 ] && ok "on the standby, ${#WRITES[@]} writing functions fail with 25006"
hint=$(psql_on s -v VERBOSITY=verbose -c "${WRITES[0]}" 2>&1)
grep -q '^ERROR:  25006: cannot execute timepool.book_service() on a hot standby' <<<"$hint" &&
	grep -q '^HINT:  .*target_session_attrs=read-write' <<<"$hint" &&
	ok "the standby's error names the function and says to call the primary" ||
	fail "the standby's error: $hint"
got=$(psql_on s -v VERBOSITY=verbose -c "SELECT timepool.notify_wait('1 s')" 2>&1)
grep -q '^ERROR:  25006: ' <<<"$got" && ok "notify_wait() on the standby: 25006 (the notifier runs on the primary)" ||
	fail "notify_wait() on the standby: $got"
[ "$(psql_on s -c 'SELECT 1')" = 1 ] && ok "the standby is up after them all" || fail "the standby stopped answering"
bad=0
for w in "${WRITES[@]}"; do
	got=$(psql_on p -v VERBOSITY=verbose -c "BEGIN READ ONLY" -c "$w" 2>&1)
	if ! grep -q '^ERROR:  25006: ' <<<"$got"; then
		fail "on the primary in a read-only transaction, not 25006: $w: $got"
		bad=1
	fi
done
[ $bad = 0 ] && ok "on the primary in a read-only transaction, the same ${#WRITES[@]} fail with 25006"

# 4. the primary writes on; the standby follows
psql_on p -c "SELECT timepool.book_service('BOTOX', date '2099-03-05', time '10:00', 'Nora', p_resource => 'DR_A')" >/dev/null ||
	fail "a booking on the primary after all this"
caught_up $PPORT $SPORT || fails=$((fails + 1))
compare_reads "after one more booking"

echo
if [ $fails -eq 0 ]; then
	echo "standby: all checks passed"
else
	echo "standby: $fails checks FAILED"
	exit 1
fi
