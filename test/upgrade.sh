#!/usr/bin/env bash
# test/upgrade.sh: ALTER EXTENSION timepool UPDATE, from 1.0, 1.1, 1.2, 1.3
# and 1.4 to 1.5 (the default version), keeps every row, migrates the free-text categories of 1.0,
# takes back the EXECUTE on trigger functions that 1.1's README recipe gave,
# leaves every existing resource without a clock limit (max_concurrent NULL,
# so bookings that overlap on the clock, which 1.2 allowed, stay and can
# still be made) while a new resource gets 1, and gives the same schema as a
# fresh CREATE EXTENSION timepool.  On every path, once at 1.5,
# utilization() gives the figures the upgraded rows make (hand-worked for a
# day or more of each database: every status, a closed day, clock overlaps,
# a live hold) and a booking sends NOTIFY timepool_availability with its
# pool's figures (a psql session LISTENs: one payload for the committed
# booking, none for the one rolled back).
#
# Until a database is updated, the 1.3 library must run its old schema with
# that version's rules (README, "1.2 to 1.3").  Each old database (1.0, 1.1,
# 1.2) is checked, in transactions rolled back, for a rule that 1.3 changed,
# COMPLETED and NO_SHOW before the appointment's start, which the old
# versions allowed (set_reservation_status and a plain UPDATE), and for a
# plain INSERT that fits its pool (30 minutes where 40 are left), which the
# guard must judge without the row it writes.  The fixtures themselves mark
# COMPLETED and NO_SHOW once the appointments started (timepool.now) and
# insert only where twice the minutes would fit, so that they are the same
# whatever those answers.
#
# Against the cluster that libpq's environment points to (PGHOST, PGPORT,
# PGUSER: a superuser):
#   database tp_upgrade_a: CREATE EXTENSION timepool VERSION '1.0', with
#     resources, services with free-text categories (duplicates that differ
#     only in case or punctuation, a leading digit, non-ASCII letters, only
#     punctuation, over 50 characters, NULL), a weekly schedule, overrides
#     and reservations in every status, one of them more than 365 days ahead
#     (1.0 has no limit ahead, and the newer library must keep it so in a
#     1.0 database).  Snapshot every table (the columns it has at 1.0) and
#     sequence, then in a session that already used timepool: ALTER
#     EXTENSION timepool UPDATE, which goes 1.0 to 1.1 to 1.2 to 1.3.  Then:
#     the version is 1.3, every row is the same (services.category aside;
#     services.updated_at too: the migration is no edit), every resource has
#     max_concurrent NULL, the categories are migrated to codes, settings has
#     its row, audit_log is empty, 1.1's rules apply at once in that session,
#     and booking works and is audited.
#   database tp_upgrade_b: a fresh CREATE EXTENSION timepool (1.3); the
#     schema of an upgraded database must be its schema: pg_dump
#     --schema-only (plain, and --binary-upgrade, which lists the
#     extension's member objects, their ACLs and pg_init_privs) and a
#     catalogue listing of every member object must be equal.  Each listing
#     of an upgraded database is checked to hold what 1.2 and 1.3 made
#     (1.3: resources.max_concurrent with DEFAULT 1 and its check,
#     resource_services with its keys, index, three triggers (the cache's
#     enabled always), comment, ACL and config-table entry, and
#     reservations_pool_idx with INCLUDE (required_minutes, start_time,
#     end_time)), so that "equal" cannot come from a listing that misses them.
#   databases tp_upgrade_c, tp_upgrade_d: categories that the migration must
#     also handle (a numbered suffix that another text already produces; a
#     category of blanks only, and one with blanks around it).
#   database tp_upgrade_e: CREATE EXTENSION timepool VERSION '1.1', with the
#     roles and grants of 1.1's README (a booking site with EXECUTE on
#     availability, can_book and book_service; a front desk; a clinic admin
#     with every table and, by GRANT EXECUTE ON ALL FUNCTIONS, every trigger
#     function), data in every table written through them (categories,
#     services with notice, advance and daily cap of their own, the weekly
#     schedule, overrides, settings with another time zone, notice and
#     advance, reservations in every status, so audit_log has rows), and
#     1.1's answers recorded (22003 for a capacity_minutes of 40000000, no
#     security barrier, settings_pkey, no event trigger).  In one session
#     (in UTC): availability and a booking at 1.1, a snapshot of every table
#     (1.1's columns), sequence and privilege, ALTER EXTENSION timepool
#     UPDATE, the snapshot again, then 1.3 at once.  Then: version 1.3; every
#     row of every table and every sequence the same, audit_log without a
#     row from the update; the privileges on 1.1's objects the same but that
#     every trigger and event trigger function is EXECUTE for its owner
#     alone, resource_services (new) for its owner alone, and the booking
#     site can still look and book; both views security barriers, settings
#     without a primary key and its row as it was, the event trigger
#     timepool_keep_triggers enabled always; 23514 from both capacity
#     checks; every resource max_concurrent NULL, resource_services empty;
#     booking works and is audited.  The test's grants are then all that
#     tells its schema from tp_upgrade_b's; they go (DROP OWNED BY the roles)
#     and the schema must be tp_upgrade_b's, as above.
#   database tp_upgrade_g: CREATE EXTENSION timepool VERSION '1.3', with
#     max_concurrent, resource_services and roles granted book_service; the
#     update keeps the grants, every row, and adds 1.4's and 1.5's objects.
#   database tp_upgrade_i: CREATE EXTENSION timepool VERSION '1.4' (1.0's
#     script and the upgrades to 1.4, as the other paths install theirs),
#     with 1.4's data: bookings in every status, made by book_service,
#     book_online and a confirmed hold, a live hold, a hold timed out and
#     expired by expire_holds(), one timed out that nobody expired yet
#     (HELD past its expiry), one released, a rescheduled booking, a plain
#     INSERT, two bookings of DR_A that overlap on the clock, a closure
#     after a booking, and settings of its own.  The 1.5 library runs that
#     1.4 schema first (a pool index of seven columns): availability,
#     can_book, open_slots, book_service, hold_slot; a booking there
#     already sends its pool, an override nothing (README, "1.4 to 1.5").
#     Then, in one session:
#     a booking at 1.4, a snapshot of every table (1.4's columns) and
#     sequence, ALTER EXTENSION timepool UPDATE, the snapshot again, and at
#     once utilization() and a booking in that backend (its cache must find
#     the rebuilt index).  Then: version 1.5, every row and sequence the
#     same, settings.nearly_full_percent 80 beside the row's own values,
#     utilization() and nearly_full as worked out by hand, a booking and an
#     override change each NOTIFY their pool, and the schema is
#     tp_upgrade_b's.
#   database tp_upgrade_f: CREATE EXTENSION timepool VERSION '1.2', with data
#     in every table (resources, one inactive; categories; services, one
#     soft-deleted, with policy of their own; the weekly schedule; overrides;
#     settings with a notice and a limit ahead; reservations in every status,
#     so audit_log has rows) and, as 1.2 allowed, bookings of one doctor that
#     overlap on the clock: four at 09:00 on DR_A's Monday through
#     book_service and a plain INSERT over another's window, all made by the
#     1.3 library on the 1.2 schema.  In one session: availability and a
#     fifth booking at 09:00 at 1.2, a snapshot of every table (1.2's
#     columns) and sequence, ALTER EXTENSION timepool UPDATE, the snapshot
#     again, then at once in that same backend: every resource's
#     max_concurrent is NULL, a sixth booking at 09:00 is accepted and
#     can_book says so; after UPDATE timepool.resources SET max_concurrent =
#     1, can_book at 09:00 is false, a booking overlapping them is refused
#     with TP007 (book_service and a plain INSERT alike), one at a free time
#     is accepted, and availability answers.  Then: version 1.3; every row
#     of every table and every sequence the same; audit_log without a row
#     from the update; every overlapping reservation still there and
#     holding; the pool index rebuilt with its INCLUDE columns; a new
#     resource gets max_concurrent 1 and 0 is refused (23514);
#     resource_services rows take effect at once (TP008); and the schema is
#     tp_upgrade_b's, as above.
#
# Prints "ok N - ..." or "not ok N - ..." per check, then "1..N"; exits
# non-zero on any failure.  The databases and roles are dropped at the end
# (KEEP_DBS=1 keeps them).
set -euo pipefail
cd "$(dirname "$0")/.." # test/schedule.sql and test/lib.sh are read from here

A=tp_upgrade_a
B=tp_upgrade_b
C=tp_upgrade_c
D=tp_upgrade_d
E=tp_upgrade_e
F=tp_upgrade_f
G=tp_upgrade_g
H=tp_upgrade_h # $G restored
I=tp_upgrade_i # made at 1.4
SITE_ROLE=tp_upgrade_site
# the roles of 1.1's README recipe, for $E
BOOKING_ROLE=tp_upgrade_booking_site
DESK_ROLE=tp_upgrade_front_desk
ADMIN_ROLE=tp_upgrade_clinic_admin
# the roles granted book_service in $G (1.3)
G_SITE=tp_upgrade_g_site
G_DESK=tp_upgrade_g_desk
G_MEMBER=tp_upgrade_g_member
TEST_ROLES="$SITE_ROLE $BOOKING_ROLE $DESK_ROLE $ADMIN_ROLE $G_MEMBER $G_SITE $G_DESK"
LATEST=1.7 # the version a bare ALTER EXTENSION timepool UPDATE reaches
# 1.7 drops the functions that list or choose resources and creates them
# again with p_location, with the grants they had: a listing of an updated
# database's function privileges, its signatures written as before 1.7
as_16() {
	sed -e 's/^timepool\.availability(date,text,text,text,text)|/timepool.availability(date,text,text,text)|/' \
		-e 's/^timepool\.can_book(text,date,time without time zone,text,text)|/timepool.can_book(text,date,time without time zone,text)|/' \
		-e 's/^timepool\.book_service(\(text,date,time without time zone,text,text,text,text,jsonb,text,text,text\),text)|/timepool.book_service(\1)|/' \
		-e 's/^timepool\.book_online(\(text,date,time without time zone,text,text,text,text,jsonb,text,text\),text)|/timepool.book_online(\1)|/' \
		-e 's/^timepool\.hold_slot(\(text,date,time without time zone,text,interval,text\),text)|/timepool.hold_slot(\1)|/' \
		-e 's/^timepool\.open_slots(\(text,date,date,integer,text\),text)|/timepool.open_slots(\1)|/' \
		-e 's/^timepool\.check_booking(\(text,date,time without time zone,text\),text)|/timepool.check_booking(\1)|/' \
		-e 's/^timepool\.utilization(\(date,date,text\),text)|/timepool.utilization(\1)|/' \
		-e 's/^timepool\.clinic_today(text)|/timepool.clinic_today()|/' "$@"
}
TODAY=2025-11-14 # "today" for timepool: bookings are on Saturday 2025-11-15 and later
FAR=2027-01-02   # a Saturday 414 days after TODAY: bookable in 1.0, not in 1.1 (365 days ahead)
FAR2=2027-01-09
CLINIC_TZ=Europe/Paris # the TimeZone of the session that runs the upgrade
# the clinic's time at which the fixtures mark COMPLETED and NO_SHOW: after
# the start of the 2025-11-15 appointments they mark (1.3 refuses them before)
STARTED='2025-11-15 12:00'
WORK=$(mktemp -d -t tp_upgrade.XXXXXX)
checks=0
failures=0

say() { printf '# == %s\n' "$*"; }
ok() {
	checks=$((checks + 1))
	printf 'ok %d - %s\n' "$checks" "$*"
}
fail() {
	checks=$((checks + 1))
	failures=$((failures + 1))
	printf 'not ok %d - %s\n' "$checks" "$1"
	shift
	local line
	for line in "$@"; do printf '%s\n' "$line" | sed 's/^/#   /'; done
}
# expect label got want: ok when got = want
expect() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got:  '$2'" "want: '$3'"; fi
}
# expect_like label got glob: ok when got matches the glob
expect_like() {
	# shellcheck disable=SC2254 # the pattern is meant to match
	case $2 in
	$3) ok "$1" ;;
	*) fail "$1" "got:  '$2'" "want something like: '$3'" ;;
	esac
}
# expect_same_file label want-file got-file: ok when equal, else the diff
expect_same_file() {
	local label=$1 a=$2 b=$3
	if diff -u "$a" "$b" >"$WORK/diff" 2>&1; then
		ok "$label ($(wc -l <"$a") lines, md5 $(md5sum <"$a" | cut -c1-12))"
	else
		fail "$label; diff (- $(basename "$(dirname "$a")")/$(basename "$a"), + $(basename "$(dirname "$b")")/$(basename "$b")):"
		sed 's/^/#     /' "$WORK/diff" | head -80
	fi
}

cleanup() {
	local rc=$?
	if [ "${KEEP_DBS:-}" != 1 ]; then
		for db in "$A" "$B" "$C" "$D" "$E" "$F" "$G" "$H" "$I"; do
			dropdb --if-exists "$db" >/dev/null 2>&1 || echo "warning: could not drop $db" >&2
		done
		for role in $TEST_ROLES; do
			psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 ||
				echo "warning: could not drop role $role" >&2
		done
		rm -rf "$WORK"
	else
		echo "kept databases $A $B $C $D $E $F $G $H $I, roles $TEST_ROLES and $WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT

# tpsql, q and qv: psql with today frozen at $TODAY
# shellcheck source=test/lib.sh
. test/lib.sh

# The columns a table has now, as "t.a, t.b, ..." in column order: a
# snapshot taken before an update lists these columns after it too, so that
# a column the update adds is checked on its own
declare -A COLS=()
record_columns() { # db "tables": sets COLS[db.table]
	local db=$1 t
	for t in $2; do
		COLS[$db.$t]=$(q "$db" "SELECT string_agg('t.' || quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
		                         WHERE attrelid = 'timepool.$t'::regclass AND attnum > 0 AND NOT attisdropped")
	done
}

# A plain INSERT that fits its pool: SKIN (30 minutes) into DR_B's MORNING
# of 2025-11-15, where DR_B's two bookings (40 minutes each) leave 40 of
# 120, in a transaction rolled back.  Prints "left: 40 insert: 30 " when
# accepted, the error otherwise.  (The guard judges the pool without the
# row it writes.)
insert_that_fits() { # db
	tpsql "$1" -A -t -v ON_ERROR_STOP=0 -v VERBOSITY=terse 2>&1 <<'SQL' | tr '\n' ' '
BEGIN;
SELECT 'left: ' || remaining_minutes FROM timepool.availability('2025-11-15', 'MORNING', NULL, 'DR_B');
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
  SELECT r.id, s.id, '2025-11-15', '10:20', 'Fits Exactly'
    FROM timepool.resources r, timepool.services s WHERE r.code = 'DR_B' AND s.code = 'SKIN' AND s.deleted_at IS NULL
  RETURNING 'insert: ' || required_minutes;
ROLLBACK;
SQL
}

# COMPLETED and NO_SHOW before the appointment's start, which every version
# before 1.3 allowed: set_reservation_status (CONFIRMED, then COMPLETED) and
# a plain UPDATE of the CONFIRMED row to NO_SHOW, in one transaction rolled
# back, each statement in a savepoint of its own (psql's ON_ERROR_ROLLBACK).
# Prints "confirmed: CONFIRMED function: COMPLETED update: NO_SHOW " when
# all pass, and the errors otherwise.
before_start_moves() { # db id-of-a-PENDING-reservation-not-yet-started
	tpsql "$1" -A -t -v ON_ERROR_STOP=0 -v ON_ERROR_ROLLBACK=on -v VERBOSITY=verbose 2>&1 <<SQL | tr '\n' ' '
BEGIN;
SELECT 'confirmed: ' || status FROM timepool.set_reservation_status($2, 'CONFIRMED');
SAVEPOINT confirmed;
SELECT 'function: ' || status FROM timepool.set_reservation_status($2, 'COMPLETED');
ROLLBACK TO confirmed;
UPDATE timepool.reservations SET status = 'NO_SHOW' WHERE id = $2 RETURNING 'update: ' || status;
ROLLBACK;
SQL
}

# 1.5 at work.  utilization() for the dates given, one line a pool
# (resource|period|start|end|closed|total|booked|remaining|reservations|
# utilization|completed|no_show|open|max_overlap; an empty field is NULL),
# the pools of a date by resource and start
util_lines() { # db from to
	q "$1" "SELECT date, resource, period, start_time, end_time, closed, total_minutes, booked_minutes, remaining_minutes,
	               reservations, utilization, completed_minutes, no_show_minutes, open_minutes, max_overlap
	          FROM timepool.utilization('$2', '$3') ORDER BY date, resource, start_time NULLS LAST, period" 2>&1
}
# expect_util label db from to: utilization() from..to against the lines
# on stdin
expect_util() {
	local label=$1 db=$2 want
	want=$(cat)
	expect "$label" "$(util_lines "$db" "$3" "$4")" "$want"
}
# The payloads of NOTIFY timepool_availability that a LISTENing psql
# session receives while it runs a booking (or any statement) twice: in a
# transaction rolled back, which must send nothing, then on its own.
# Prints each payload received, then "rows: " and the statement's rows.
# 1.6's notifier sends a commit's payloads a moment after it: wait for them
# where the schema has notify_wait()
NOTIFY_WAIT="DO \$\$ BEGIN IF to_regprocedure('timepool.notify_wait(interval)') IS NOT NULL THEN PERFORM timepool.notify_wait(); END IF; END \$\$"
notify_lines() { # db statement
	local out
	out=$(tpsql "$1" -A -t -c "SET timepool.notify = on" -c "LISTEN timepool_availability" \
		-c "BEGIN" -c "$2" -c "ROLLBACK" -c "SELECT 'rolled back'" -c "$2" -c "$NOTIFY_WAIT" -c "SELECT 'committed'" 2>&1) || true
	printf '%s\n' "$out" | sed 's/^/#   notify session: /' >&2
	printf '%s\n' "$out" |
		sed -n -e 's/^Asynchronous notification "timepool_availability" with payload "\(.*\)" received from server process with PID [0-9]*\.$/payload \1/p' \
			-e 's/^\(rolled back\|committed\)$/-- \1/p'
}
# expect_notify label db statement [payload]: a listener gets nothing from
# the rolled-back run and exactly that payload from the committed one (no
# payload given: none from either)
expect_notify() {
	if [ -n "${4:-}" ]; then
		expect "$1" "$(notify_lines "$2" "$3")" "-- rolled back
payload $4
-- committed"
	else
		expect "$1" "$(notify_lines "$2" "$3")" "-- rolled back
-- committed"
	fi
}

for db in "$A" "$B" "$C" "$D" "$E" "$F" "$G" "$H" "$I"; do
	PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists "$db"
done
for role in $TEST_ROLES; do
	psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS $role"
done

###########################################################################
say "building $A at version 1.0"
createdb "$A"
tpsql "$A" <<'SQL'
CREATE EXTENSION timepool VERSION '1.0';

INSERT INTO timepool.resources (code, name) VALUES
  ('DR_A', 'Doctor A'), ('DR_B', 'Doctor B'), ('ROOM_X', 'Old room');
UPDATE timepool.resources SET is_active = false WHERE code = 'ROOM_X';

-- 1.0's categories are free text (1 to 100 characters)
INSERT INTO timepool.services
  (code, name, description, category, duration_minutes, buffer_minutes, price, display_order) VALUES
  ('FACIAL', 'Facial', 'a facial', 'Aesthetics', 45, 15, 90.00, 1),
  ('PEEL', 'Chemical peel', NULL, 'Aesthetics', 30, 0, 120.00, 2),
  ('SKIN', 'Skin check', NULL, 'Skin care', 20, 10, 40.00, 3),
  ('SKIN_PLUS', 'Skin check plus', NULL, 'skin-care', 40, 5, 60.00, 4),
  ('LASER', 'Laser', NULL, '123 Laser', 30, 10, 200.00, 5),
  ('UNI', 'Ünïcode service', 'ümlaut', 'Ünïcode', 15, 0, NULL, 6),
  ('CONSULT', 'Consultation', NULL, NULL, 30, 10, 50.00, 0),
  ('HAIR', 'Hair', NULL, 'Hair & Nails!!', 30, 0, 30.00, 7),
  ('BANG', 'Bang', NULL, '!!!', 10, 0, NULL, 8),
  ('QUESTION', 'Question', NULL, '???', 10, 0, NULL, 9),
  ('LONG_1', 'Long 1', NULL, 'A very long category name that goes on and on forever and ever', 10, 0, NULL, 10),
  ('LONG_2', 'Long 2', NULL, 'a very long category name that goes on and on forever and ever', 10, 0, NULL, 10),
  ('XRAY', 'X-ray (old)', NULL, 'Imaging', 25, 5, 70.00, 11);

-- weekly schedule and overrides shared with the other script
\i test/schedule.sql
SQL

# reservations through 1.0's book_service, one statement (and transaction) each
book() { q "$A" "SELECT id FROM timepool.book_service($1)"; }
r_pending=$(book "'FACIAL', '2025-11-15', '09:00', 'Ann Pending', p_resource => 'DR_A'")
book "'SKIN', '2025-11-15', '10:00', 'Bob Confirmed', '+1 555 0100', 'bob@example.com', 'first visit', '{\"lang\": \"en\"}', 'DR_A', 'CONFIRMED', 'idem-bob'" >/dev/null
r_completed=$(book "'LASER', '2025-11-15', '09:00', 'Cy Completed', p_resource => 'DR_B'")
r_noshow=$(book "'CONSULT', '2025-11-15', '09:40', 'Dee No-show', p_resource => 'DR_B', p_status => 'CONFIRMED'")
r_rejected=$(book "'PEEL', '2025-11-17', '08:00', 'Eve Rejected'")
r_cancelled=$(book "'CONSULT', '2025-11-17', '09:00', 'Fay Cancelled', p_idempotency_key => 'idem-fay'")
book "'UNI', '2025-11-15', '18:00', 'Gïl Ëvening', p_resource => 'DR_B'" >/dev/null
r_xray=$(book "'XRAY', '2025-11-15', '13:00', 'Hal X-ray', p_resource => 'DR_A'")
echo "# booked reservations $r_pending..$r_xray"

# 1.0 has no limit ahead: with a newer library loaded, a 1.0 database keeps
# 1.0's rules
got=$(book "'CONSULT', '$FAR', '09:00', 'Far Future', p_resource => 'DR_A'" 2>&1) || true
expect_like "1.0 database: book_service $FAR (414 days ahead) succeeds, as 1.0 has no limit ahead" "$got" "[0-9]*"
got=$(q "$A" "SELECT timepool.can_book('CONSULT', '$FAR2')" 2>&1) || true
expect "1.0 database: can_book('CONSULT', '$FAR2') is true" "$got" "t"
got=$(q "$A" "SELECT string_agg(resource || ' ' || period || ' ' || can_book, ',' ORDER BY resource, period) FROM timepool.availability('$FAR2', NULL, 'CONSULT')" 2>&1) || true
expect "1.0 database: availability('$FAR2', p_service => CONSULT) says can_book in every pool" "$got" "DR_A AFTERNOON true,DR_A MORNING true,DR_B MORNING true"
got=$(qv "$A" "SELECT id FROM timepool.book_service('CONSULT', '2025-11-13', '09:00', 'Yesterday', p_resource => 'DR_A')" 2>&1) || true
expect_like "1.0 database: a date before today is still refused (TP005)" "$got" "*TP005: date 2025-11-13 is in the past*"
expect_like "1.0 database: with 1.0's detail, no clinic time zone" "$got" "*DETAIL:  Today is 2025-11-14.*"
got=$(qv "$A" "SELECT id FROM timepool.book_service('NO_SUCH', '2025-11-13', '09:00', 'Yesterday')" 2>&1) || true
expect_like "1.0 database: a past date is refused before the service is looked up, as in 1.0" "$got" "*TP005: date 2025-11-13 is in the past*"
got=$(q "$A" "SELECT count(*) FROM pg_proc WHERE proname IN ('clinic_today', 'delete_service')")
expect "1.0 database: no 1.1 function exists yet" "$got" "0"
expect "1.0 database: COMPLETED and NO_SHOW before the start (2025-11-15 09:00, today $TODAY) are allowed, as in 1.0" \
	"$(before_start_moves "$A" "$r_pending")" "confirmed: CONFIRMED function: COMPLETED update: NO_SHOW "
expect "1.0 database: a plain INSERT of 30 minutes into a pool with 40 left is accepted" \
	"$(insert_that_fits "$A")" "left: 40 insert: 30 "

tpsql "$A" <<SQL
SELECT timepool.set_reservation_status($r_completed, 'CONFIRMED') \\g /dev/null
SET timepool.now = '$STARTED';
SELECT timepool.set_reservation_status($r_completed, 'COMPLETED') \\g /dev/null
SELECT timepool.set_reservation_status($r_noshow, 'NO_SHOW') \\g /dev/null
RESET timepool.now;
SELECT timepool.set_reservation_status($r_rejected, 'REJECTED') \\g /dev/null
SELECT timepool.cancel_reservation($r_cancelled, 'patient called') \\g /dev/null
-- a plain INSERT (the guard fills the rest)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
  SELECT r.id, s.id, '2025-11-15', '14:00', 'Ida Insert'
    FROM timepool.resources r, timepool.services s WHERE r.code = 'DR_A' AND s.code = 'SKIN_PLUS';
-- a failed insert burns a value of resources_id_seq
DO \$\$ BEGIN
  INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'duplicate');
EXCEPTION WHEN unique_violation THEN NULL;
END \$\$;
-- the old XRAY is retired (its reservation stays) and a hidden successor takes its code
UPDATE timepool.services SET deleted_at = now() - interval '1 day' WHERE code = 'XRAY';
INSERT INTO timepool.services (code, name, category, duration_minutes, price, display_order, is_visible)
  VALUES ('XRAY', 'X-ray', 'Imaging', 20, 80.00, 11, false);
-- closed after Ann booked
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed, reason)
  SELECT id, '2025-11-29', true, 'sick leave' FROM timepool.resources WHERE code = 'DR_A';
SQL

got=$(q "$A" "SELECT string_agg(status || '=' || n, ' ' ORDER BY status)
                FROM (SELECT status, count(*) n FROM timepool.reservations GROUP BY status) s")
expect "1.0 database has reservations in every status" "$got" "CANCELLED=1 COMPLETED=1 CONFIRMED=1 NO_SHOW=1 PENDING=5 REJECTED=1"
expect "1.0 database is at version 1.0" "$(q "$A" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" "1.0"

###########################################################################
# What the upgrade must not change.  services.category is migrated, so
# services is compared without it, and its updated_at on its own.
TABLES="resources clinic_time_slots schedule_overrides reservations"
record_columns "$A" "$TABLES"
snapshot() { # db outdir
	local db=$1 out=$2 t
	mkdir -p "$out"
	for t in $TABLES; do
		q "$db" "SELECT ROW(${COLS[$db.$t]}) FROM timepool.$t t ORDER BY id" >"$out/table.$t"
	done
	for t in $TABLES services; do
		q "$db" "SELECT last_value, is_called FROM timepool.${t}_id_seq" >"$out/seq.$t"
	done
	q "$db" "SELECT id, code, name, description, duration_minutes, buffer_minutes, price, is_active,
	                is_visible, display_order, created_at, deleted_at
	           FROM timepool.services ORDER BY id" >"$out/table.services"
	q "$db" "SELECT id, updated_at FROM timepool.services ORDER BY id" >"$out/services.updated_at"
}
snapshot "$A" "$WORK/before"
# the 1.0 category of each service, and the same list as 1.1 must answer it
q "$A" "SELECT id, code, coalesce(category, '<null>') FROM timepool.services ORDER BY id" >"$WORK/before/services.category_text"

###########################################################################
say "ALTER EXTENSION timepool UPDATE in $A, in a session that used timepool at 1.0"
# one session: 1.0's rules, the update, then 1.1's rules at once (the
# session's cache must not keep 1.0's "no settings")
got=$(PGOPTIONS="-c timepool.today=$TODAY -c TimeZone=$CLINIC_TZ" psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$A" \
	-c "SELECT 'before: ' || timepool.can_book('CONSULT', '$FAR2')" \
	-c "ALTER EXTENSION timepool UPDATE" \
	-c "SELECT 'version: ' || extversion FROM pg_extension WHERE extname = 'timepool'" \
	-c "SELECT 'after: ' || timepool.can_book('CONSULT', '$FAR2')" \
	-c "SELECT 'near: ' || timepool.can_book('CONSULT', '2025-11-22')" \
	-c "SELECT 'today: ' || timepool.clinic_today()" 2>&1) || true
printf '%s\n' "$got" | sed 's/^/#   session: /'
expect "the upgrade session: can_book $FAR2 is true before the update (1.0)" \
	"$(printf '%s\n' "$got" | sed -n 's/^before: //p')" "true"
expect "ALTER EXTENSION timepool UPDATE succeeds and the version is $LATEST (1.0 to 1.1 to 1.2 to 1.3 to 1.4 to 1.5 in one command)" \
	"$(printf '%s\n' "$got" | sed -n 's/^version: //p')" "$LATEST"
expect "the same session after the update: can_book $FAR2 is false (1.1: 365 days ahead)" \
	"$(printf '%s\n' "$got" | sed -n 's/^after: //p')" "false"
expect "the same session after the update: can_book 2025-11-22 is true" \
	"$(printf '%s\n' "$got" | sed -n 's/^near: //p')" "true"
expect "the same session after the update: clinic_today() is the frozen $TODAY" \
	"$(printf '%s\n' "$got" | sed -n 's/^today: //p')" "$TODAY"
expect "pg_extension says $LATEST" "$(q "$A" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" "$LATEST"
# 1.7: the resources in one location, MAIN, which inherits every setting
expect "1.7 made one location, MAIN, each of its settings NULL (the group's)" \
	"$(q "$A" "SELECT string_agg(concat_ws('|', code, name, coalesce(time_zone, '-'), coalesce(min_notice_minutes::text, '-'),
	                                   coalesce(max_advance_days::text, '-'), coalesce(cancel_notice_minutes::text, '-'),
	                                   coalesce(online_status, '-'), coalesce(nearly_full_percent::text, '-')), ' ')
	             FROM timepool.locations")" "MAIN|Main clinic|-|-|-|-|-|-"
expect "every resource is at MAIN" \
	"$(q "$A" "SELECT count(*) FILTER (WHERE location_id = (SELECT id FROM timepool.locations WHERE code = 'MAIN')) || '/' || count(*)
	             FROM timepool.resources")" "3/3"
expect "MAIN's today is the clinic's" "$(q "$A" "SET timepool.today = '$TODAY'; SELECT timepool.clinic_today('MAIN') = timepool.clinic_today()")" "t"

snapshot "$A" "$WORK/after"
for f in table.resources table.clinic_time_slots table.schedule_overrides table.reservations table.services \
	seq.resources seq.services seq.clinic_time_slots seq.schedule_overrides seq.reservations; do
	expect_same_file "after the upgrade: $f is unchanged" "$WORK/before/$f" "$WORK/after/$f"
done
expect_same_file "after the upgrade: services.updated_at is unchanged (the category migration is not an edit)" \
	"$WORK/before/services.updated_at" "$WORK/after/services.updated_at"
got=$(q "$A" "SELECT count(*) FILTER (WHERE min_notice_minutes IS NULL AND max_advance_days IS NULL
                                       AND daily_cap_minutes IS NULL) || '/' || count(*)
                FROM timepool.services")
expect "after the upgrade: the new services columns are NULL (the clinic's policy, no cap) on every service" "$got" "14/14"
got=$(q "$A" "SELECT count(*) FILTER (WHERE max_concurrent IS NULL) || '/' || count(*) FROM timepool.resources")
expect "after the upgrade: every resource has max_concurrent NULL (no clock limit, as before 1.3)" "$got" "3/3"
expect "after the upgrade: resource_services is empty (every resource performs every service)" \
	"$(q "$A" "SELECT count(*) FROM timepool.resource_services")" "0"

# 1.5 on 1.0's rows: DR_A's Saturday morning holds Ann's FACIAL (60,
# PENDING) and Bob's SKIN (30, CONFIRMED), its afternoon (200) Hal's old
# XRAY (30) and Ida's plain INSERT (SKIN_PLUS, 45); DR_B's morning (120)
# Cy's LASER (40, COMPLETED) and Dee's CONSULT (40, NO_SHOW) one after the
# other, its evening (the override, 120) Gil's UNI (15).  On 2025-11-29 DR_A
# is closed all day (sick leave): its two pools are there, closed, with no
# minutes, and DR_B's morning is open and empty.  ROOM_X is inactive.
say "$A at 1.5: utilization() of the upgraded rows"
expect_util "utilization('2025-11-15', '2025-11-15') of the rows made at 1.0: each pool's minutes, booked by status (COMPLETED, NO_SHOW, still open), 4-decimal utilization, no overlap" \
	"$A" 2025-11-15 2025-11-15 <<'EOF'
2025-11-15|DR_A|MORNING|09:00:00|12:00:00|f|180|90|90|2|0.5000|0|0|90|1
2025-11-15|DR_A|AFTERNOON|13:00:00|17:00:00|f|200|75|125|2|0.3750|0|0|75|1
2025-11-15|DR_B|MORNING|09:00:00|11:00:00|f|120|80|40|2|0.6667|40|40|0|1
2025-11-15|DR_B|EVENING|18:00:00|20:00:00|f|120|15|105|1|0.1250|0|0|15|1
EOF
expect_util "utilization('2025-11-29', '2025-11-29'): DR_A's closed pools are listed, closed, with no minutes and no utilization; DR_B's morning open and empty" \
	"$A" 2025-11-29 2025-11-29 <<'EOF'
2025-11-29|DR_A|MORNING|09:00:00|12:00:00|t|0|0|0|0||0|0|0|0
2025-11-29|DR_A|AFTERNOON|13:00:00|17:00:00|t|0|0|0|0||0|0|0|0
2025-11-29|DR_B|MORNING|09:00:00|11:00:00|f|120|0|120|0|0.0000|0|0|0|0
EOF

###########################################################################
say "categories"
# the long text's code is cut at 50 characters
LONG_FULL=A_VERY_LONG_CATEGORY_NAME_THAT_GOES_ON_AND_ON_FOREVER_AND_EVER
LONG_BASE=${LONG_FULL:0:50}
cat >"$WORK/want.categories" <<EOF
AESTHETICS|Aesthetics|0
${LONG_BASE}|A very long category name that goes on and on forever and ever|0
${LONG_BASE:0:48}_2|a very long category name that goes on and on forever and ever|0
CATEGORY|!!!|0
CATEGORY_2|???|0
C_123_LASER|123 Laser|0
HAIR_NAILS|Hair & Nails!!|0
IMAGING|Imaging|0
N_CODE|Ünïcode|0
SKIN_CARE|Skin care|0
SKIN_CARE_2|skin-care|0
EOF
q "$A" "SELECT code, name, display_order FROM timepool.service_categories ORDER BY code COLLATE \"C\"" >"$WORK/after/categories"
expect_same_file "one category per distinct 1.0 text, code made by the rule (upper case, '_' for other runs, C_ before a digit, CATEGORY if empty, _2 on a collision, 50 characters at most)" \
	"$WORK/want.categories" "$WORK/after/categories"
cat >"$WORK/want.services.category" <<EOF
FACIAL|AESTHETICS
PEEL|AESTHETICS
SKIN|SKIN_CARE
SKIN_PLUS|SKIN_CARE_2
LASER|C_123_LASER
UNI|N_CODE
CONSULT|<null>
HAIR|HAIR_NAILS
BANG|CATEGORY
QUESTION|CATEGORY_2
LONG_1|${LONG_BASE}
LONG_2|${LONG_BASE:0:48}_2
XRAY|IMAGING
XRAY|IMAGING
EOF
q "$A" "SELECT code, coalesce(category, '<null>') FROM timepool.services ORDER BY id" >"$WORK/after/services.category"
expect_same_file "services.category now holds the codes (the deleted XRAY's too); NULL stays NULL" \
	"$WORK/want.services.category" "$WORK/after/services.category"
q "$A" "SELECT s.id, s.code, coalesce(c.name, '<null>') FROM timepool.services s
          LEFT JOIN timepool.service_categories c ON c.code = s.category ORDER BY s.id" >"$WORK/after/services.category_text"
expect_same_file "each service's category name is exactly its 1.0 text" \
	"$WORK/before/services.category_text" "$WORK/after/services.category_text"
got=$(q "$A" "SELECT count(*) FROM timepool.service_categories c
               WHERE NOT EXISTS (SELECT FROM timepool.services s WHERE s.category = c.code)")
expect "no category without a service" "$got" "0"
got=$(q "$A" "SELECT count(*) FROM timepool.service_categories WHERE code !~ '^[A-Z][A-Z0-9_]{0,49}\$'")
expect "every category code is a valid code" "$got" "0"
q "$A" "SELECT code, coalesce(category_name, '<null>'), coalesce(category_display_order::text, '<null>')
          FROM timepool.bookable_services" >"$WORK/after/bookable_services"
cat >"$WORK/want.bookable_services" <<EOF
FACIAL|Aesthetics|0
PEEL|Aesthetics|0
LONG_1|A very long category name that goes on and on forever and ever|0
LONG_2|a very long category name that goes on and on forever and ever|0
BANG|!!!|0
QUESTION|???|0
LASER|123 Laser|0
HAIR|Hair & Nails!!|0
UNI|Ünïcode|0
SKIN|Skin care|0
SKIN_PLUS|skin-care|0
CONSULT|<null>|<null>
EOF
expect_same_file "bookable_services: each category's name, ordered by category (display order, code), then service" \
	"$WORK/want.bookable_services" "$WORK/after/bookable_services"

###########################################################################
say "settings and audit_log after the upgrade"
got=$(q "$A" "SELECT id || '|' || time_zone || '|' || min_notice_minutes || '|' || max_advance_days FROM timepool.settings")
expect "settings has its one row: the upgrading session's time zone, no notice, 365 days ahead" "$got" "1|$CLINIC_TZ|0|365"
expect "audit_log is empty after the upgrade" "$(q "$A" "SELECT count(*) FROM timepool.audit_log")" "0"
expect "audit_log_id_seq is unused" "$(q "$A" "SELECT last_value || ' ' || is_called FROM timepool.audit_log_id_seq")" "1 false"
expect "service_categories_id_seq is at the last category" \
	"$(q "$A" "SELECT last_value || ' ' || is_called FROM timepool.service_categories_id_seq")" "11 true"

###########################################################################
say "a fresh CREATE EXTENSION timepool in $B"
createdb "$B"
tpsql "$B" -c "CREATE EXTENSION timepool"
expect "a fresh install is at version $LATEST" "$(q "$B" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" "$LATEST"
expect "timepool.control's default_version is $LATEST" \
	"$(q "$B" "SELECT default_version FROM pg_available_extensions WHERE name = 'timepool'")" "$LATEST"
expect "a fresh install has the settings row" \
	"$(q "$B" "SELECT count(*) || ' ' || min(min_notice_minutes) || ' ' || min(max_advance_days) FROM timepool.settings")" "1 0 365"
expect "a fresh install has no location (its first resource makes MAIN)" "$(q "$B" "SELECT count(*) FROM timepool.locations")" "0"

# plain pg_dump: drop the \restrict lines (a random key) and the comment lines
# at the top that name the versions
normalise_dump() { grep -v -E '^\\(un)?restrict |^-- Dumped (from|by) '; }
dump_plain() { pg_dump --schema-only --no-owner --schema=timepool -d "$1" | normalise_dump; }
# pg_dump does not write the member objects of an extension, only CREATE
# EXTENSION; --binary-upgrade writes every one of them (with the OIDs and
# relfilenodes to keep, the frozen xids and multixact ids and the attribute
# versions (LSNs), which differ between two databases: those numbers are
# replaced; and the state of the config sequences, which is data: the setval
# lines are left out)
dump_binary() {
	pg_dump --schema-only --binary-upgrade --no-owner -d "$1" | normalise_dump |
		sed -E -e "s/'[0-9]+'::pg_catalog\.oid/'OID'::pg_catalog.oid/g" \
			-e "s/(binary_upgrade_create_empty_extension\('timepool', 'timepool', false, '[^']*', )'\{[0-9,]*\}'/\1'{OIDS}'/" \
			-e "s/(WHERE oid = )'[0-9]+'/\1'OID'/" -e "s/relfrozenxid = '[0-9]+'/relfrozenxid = 'XID'/" \
			-e "s/relminmxid = '[0-9]+'/relminmxid = 'MXID'/" \
			-e "/binary_upgrade_set_next_attribute_versions/s#[0-9A-F]+/[0-9A-F]+#LSN#g" \
			-e "/^SELECT pg_catalog.setval\('timepool\./d"
}

# every member object of the extension and what defines it.  An ACL is
# shown with NULL as what it stands for, acldefault() (a GRANT then a REVOKE
# of the same privilege leaves the default written out, which grants the same)
cat >"$WORK/catalogue.sql" <<'SQL'
WITH ext AS (SELECT oid FROM pg_extension WHERE extname = 'timepool'),
mem AS (SELECT d.classid, d.objid FROM pg_depend d, ext
         WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'),
rels AS (SELECT c.* FROM pg_class c JOIN mem ON mem.classid = 'pg_class'::regclass AND mem.objid = c.oid),
procs AS (SELECT p.* FROM pg_proc p JOIN mem ON mem.classid = 'pg_proc'::regclass AND mem.objid = p.oid),
lines AS (
  SELECT 'member: ' || pg_describe_object(classid, objid, 0) AS line FROM mem
  UNION ALL
  SELECT format('extension: version=%s relocatable=%s schema=%s owner=%s config=%s',
                e.extversion, e.extrelocatable, e.extnamespace::regnamespace, e.extowner::regrole,
                (SELECT string_agg(u.c::regclass::text || ' WHERE ' || quote_literal(u.w), ', ' ORDER BY u.c::regclass::text)
                   FROM unnest(e.extconfig, e.extcondition) AS u(c, w)))
    FROM pg_extension e WHERE e.extname = 'timepool'
  UNION ALL
  SELECT format('schema %s: owner=%s acl=%s', n.nspname, n.nspowner::regrole,
                coalesce(n.nspacl, acldefault('n', n.nspowner)))
    FROM pg_namespace n WHERE n.nspname = 'timepool'
  UNION ALL
  SELECT format('relation %s: kind=%s persistence=%s owner=%s acl=%s rowsecurity=%s options=%s comment=%s',
                c.oid::regclass, c.relkind, c.relpersistence, c.relowner::regrole,
                coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's'
                                                   WHEN c.relkind IN ('r', 'p', 'v', 'm', 'f') THEN 'r' END::"char", c.relowner)),
                c.relrowsecurity, c.reloptions, obj_description(c.oid, 'pg_class'))
    FROM rels c
  UNION ALL
  SELECT format('column %s.%s: #%s type=%s notnull=%s default=%s identity=%s generated=%s collation=%s acl=%s comment=%s',
                c.oid::regclass, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated,
                nullif(a.attcollation, 0)::regcollation, a.attacl, col_description(c.oid, a.attnum))
    FROM rels c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
  UNION ALL
  SELECT format('constraint %s.%s: type=%s deferrable=%s deferred=%s validated=%s def=%s',
                co.conrelid::regclass, co.conname, co.contype, co.condeferrable, co.condeferred,
                co.convalidated, pg_get_constraintdef(co.oid))
    FROM pg_constraint co JOIN rels c ON c.oid = co.conrelid
  UNION ALL
  SELECT format('index %s: primary=%s unique=%s def=%s',
                i.indexrelid::regclass, i.indisprimary, i.indisunique, pg_get_indexdef(i.indexrelid))
    FROM pg_index i JOIN rels c ON c.oid = i.indrelid
  UNION ALL
  SELECT format('trigger %s on %s: enabled=%s def=%s', t.tgname, t.tgrelid::regclass, t.tgenabled,
                pg_get_triggerdef(t.oid))
    FROM pg_trigger t JOIN rels c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal
  UNION ALL
  SELECT format('event trigger %s: event=%s enabled=%s tags=%s function=%s owner=%s comment=%s',
                e.evtname, e.evtevent, e.evtenabled, e.evttags, e.evtfoid::regprocedure, e.evtowner::regrole,
                obj_description(e.oid, 'pg_event_trigger'))
    FROM pg_event_trigger e JOIN mem ON mem.classid = 'pg_event_trigger'::regclass AND mem.objid = e.oid
  UNION ALL
  SELECT format('view %s: %s', c.oid::regclass, regexp_replace(pg_get_viewdef(c.oid), '\s+', ' ', 'g'))
    FROM rels c WHERE c.relkind = 'v'
  UNION ALL
  SELECT format('sequence %s: type=%s start=%s increment=%s min=%s max=%s cache=%s cycle=%s owned_by=%s',
                s.seqrelid::regclass, s.seqtypid::regtype, s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
                s.seqcache, s.seqcycle,
                (SELECT d.refobjid::regclass || '.' || a.attname FROM pg_depend d
                   JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                  WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid
                    AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))
    FROM pg_sequence s JOIN rels c ON c.oid = s.seqrelid
  UNION ALL
  SELECT format('function %s: kind=%s lang=%s returns=%s secdef=%s volatile=%s strict=%s parallel=%s leakproof=%s cost=%s rows=%s config=%s owner=%s acl=%s comment=%s def=%s',
                p.oid::regprocedure, p.prokind, l.lanname, pg_get_function_result(p.oid), p.prosecdef,
                p.provolatile, p.proisstrict, p.proparallel, p.proleakproof, p.procost, p.prorows,
                p.proconfig, p.proowner::regrole, coalesce(p.proacl, acldefault('f', p.proowner)),
                obj_description(p.oid, 'pg_proc'),
                replace(pg_get_functiondef(p.oid), E'\n', '\n'))
    FROM procs p JOIN pg_language l ON l.oid = p.prolang
  UNION ALL
  SELECT format('type %s: type=%s owner=%s acl=%s subtype=%s collation=%s comment=%s',
                t.oid::regtype, t.typtype, t.typowner::regrole, coalesce(t.typacl, acldefault('T', t.typowner)),
                r.rngsubtype::regtype,
                nullif(r.rngcollation, 0)::regcollation, obj_description(t.oid, 'pg_type'))
    FROM pg_type t JOIN mem ON mem.classid = 'pg_type'::regclass AND mem.objid = t.oid
    LEFT JOIN pg_range r ON r.rngtypid = t.oid
  UNION ALL
  -- what pg_dump takes as the extension's own privileges (it dumps only
  -- the difference from these)
  SELECT format('initial privileges of %s: %s', pg_describe_object(i.classoid, i.objoid, i.objsubid), i.initprivs)
    FROM pg_init_privs i JOIN mem ON mem.classid = i.classoid AND mem.objid = i.objoid
   WHERE i.privtype = 'e'
)
SELECT line FROM lines ORDER BY line COLLATE "C";
SQL

# compare_with_fresh upgraded fresh: the schema of the upgraded database
# against the fresh one's, in three listings; leaves them in $WORK/<db>/
compare_with_fresh() {
	local up=$1 fresh=$2 db got
	for db in "$up" "$fresh"; do
		mkdir -p "$WORK/$db"
		dump_plain "$db" >"$WORK/$db/schema.sql"
		dump_binary "$db" >"$WORK/$db/schema-binary-upgrade.sql"
		tpsql "$db" -A -t -f "$WORK/catalogue.sql" >"$WORK/$db/catalogue"
	done
	expect_same_file "$up against $fresh: pg_dump --schema-only --no-owner --schema=timepool: same output" \
		"$WORK/$up/schema.sql" "$WORK/$fresh/schema.sql"
	got=$(grep -c -E '^CREATE (TABLE|FUNCTION|TRIGGER|VIEW|INDEX|EVENT TRIGGER)' "$WORK/$up/schema-binary-upgrade.sql" || true)
	expect_like "pg_dump --binary-upgrade of $up lists the member objects ($got CREATE TABLE/FUNCTION/TRIGGER/VIEW/INDEX/EVENT TRIGGER)" "$got" "[1-9][0-9]*"
	expect_same_file "$up against $fresh: pg_dump --schema-only --binary-upgrade: same output but for OIDs" \
		"$WORK/$up/schema-binary-upgrade.sql" "$WORK/$fresh/schema-binary-upgrade.sql"
	got=$(grep -c -E '^(member|column|constraint|index|trigger|function)' "$WORK/$up/catalogue" || true)
	expect_like "the catalogue listing of $up is not empty ($got member/column/constraint/index/trigger/function lines)" "$got" "[1-9][0-9][0-9]*"
	expect_same_file "$up against $fresh: catalogue: every member object, column, constraint, index, trigger, event trigger, function, ACL, initial ACL and config table is the same" \
		"$WORK/$up/catalogue" "$WORK/$fresh/catalogue"
	# the listing has what 1.2 changed (a sanity check of the listing itself)
	got=$(grep -c -E "^member: event trigger timepool_keep_triggers$|^event trigger timepool_keep_triggers: event=ddl_command_end enabled=A |^member: function timepool\.lock_pool\(bigint,date,text\)$|^relation timepool\.(reservation_history|bookable_services): .* options=\{security_barrier=true\} |^constraint timepool\.settings\.settings_pkey:" "$WORK/$up/catalogue" || true)
	expect "the catalogue of $up has 1.2's event trigger (enabled A), lock_pool and two security-barrier views, and no settings_pkey" "$got" "5"
	# and what 1.3 made, in the catalogue listing and in pg_dump --binary-upgrade
	grep -E "$CAT_13_RE" "$WORK/$up/catalogue" >"$WORK/$up/catalogue.1.3" || true
	expect_same_file "the catalogue of $up has each of 1.3's objects as 1.3 makes them (max_concurrent with DEFAULT 1 and its check; resource_services, its keys, index, triggers, comment, ACL, config-table entry)" \
		"$WORK/want.catalogue.1.3" "$WORK/$up/catalogue.1.3"
	got=$(grep -c -E "$DUMP_13_RE" "$WORK/$up/schema-binary-upgrade.sql" || true)
	expect "pg_dump --binary-upgrade of $up writes 1.3's objects (resource_services' table and membership, its 3 triggers and ENABLE ALWAYS, index, 3 constraints and ACL; max_concurrent and its check)" "$got" "13"
	# and what 1.4 made
	grep -E "$CAT_14_RE" "$WORK/$up/catalogue" >"$WORK/$up/catalogue.1.4" || true
	expect_same_file "the catalogue of $up has each of 1.4's objects as 1.4 makes them (the settings' and services' new columns and checks; hold_expires_at, access_token, patient_name nullable; reservations_status_valid with HELD and EXPIRED, reservations_patient_named, reservations_hold_expiry, reservations_access_token_key; the pool and service-day indexes with hold_expires_at, reservations_hold_idx; the type booking_receipt)" \
		"$WORK/want.catalogue.1.4" "$WORK/$up/catalogue.1.4"
	got=$(grep -E '^function timepool\.(open_slots|check_booking|hold_slot|confirm_hold|release_hold|expire_holds|book_online|get_booking|cancel_booking|reschedule_booking|reschedule_reservation|book_service)\(' "$WORK/$up/catalogue" |
		grep -c -E ": kind=f lang=c returns=[^:]* secdef=t .* config=\{\"search_path=pg_catalog, pg_temp\"\} owner=$me acl=\{$me=X/$me\} " || true)
	expect "the catalogue of $up has 1.4's 11 new functions and book_service, each SECURITY DEFINER in C with search_path pg_catalog, pg_temp, EXECUTE for the owner alone" "$got" "12"
	# (1.7's locations table has a cancel_notice_minutes of its own)
	got=$(sed '/^CREATE TABLE timepool\.locations (/,/^);/d' "$WORK/$up/schema-binary-upgrade.sql" | grep -c -E "$DUMP_14_RE" || true)
	expect "pg_dump --binary-upgrade of $up writes 1.4's objects (booking_receipt and its membership; hold_expires_at, access_token; cancel_notice_minutes twice, online_status; 3 reservations checks; the token's key; 2 indexes: 1.5 rebuilds the third, the pool index)" "$got" "13"
	# and what 1.5 made
	grep -E "$CAT_15_RE" "$WORK/$up/catalogue" >"$WORK/$up/catalogue.1.5" || true
	expect_same_file "the catalogue of $up has each of 1.5's objects as 1.5 makes them (the extension at 1.5; settings.nearly_full_percent with DEFAULT 80 and its check; the pool index with status; utilization and schedule_notify as members with their initial privileges; the five report views as members, security barriers with their comments; the two notify triggers)" \
		"$WORK/want.catalogue.1.5" "$WORK/$up/catalogue.1.5"
	got=$(grep -E '^function timepool\.(utilization\(date,date,text,text\)|schedule_notify\(\)): ' "$WORK/$up/catalogue" |
		grep -c -E ": kind=f lang=c returns=[^:]* secdef=t .* config=\{\"search_path=pg_catalog, pg_temp\"\} owner=$me acl=\{$me=X/$me\} comment=[^ ]" || true)
	expect "the catalogue of $up has 1.5's two functions, each SECURITY DEFINER in C with search_path pg_catalog, pg_temp, EXECUTE for the owner alone, with a comment" "$got" "2"
	got=$(grep -E "^column timepool\.($REPORT_VIEWS_RE)\." "$WORK/$up/catalogue" | grep -c -E ' comment=[^ ]' || true)
	expect "the catalogue of $up has the 57 columns of the five report views (1.7's location in each), each with a comment" "$got" "57"
	got=$(grep -c -E "^view timepool\.($REPORT_VIEWS_RE): " "$WORK/$up/catalogue" || true)
	expect "the catalogue of $up has the five views' definitions" "$got" "5"
	got=$(grep -c -E "$DUMP_15_RE" "$WORK/$up/schema-binary-upgrade.sql" || true)
	expect "pg_dump --binary-upgrade of $up writes 1.5's objects (the five views WITH (security_barrier) and their membership; utilization and schedule_notify, their membership and REVOKE; the two notify triggers; nearly_full_percent and its check; the pool index with status)" "$got" "21"
}

# what 1.3 made, as the catalogue listing of a 1.3 database shows it (and
# resource_services a config table; 1.4 rebuilds the pool index)
CAT_13_RE="^member: table timepool\.resource_services\$|^relation timepool\.resource_services: |^column timepool\.resources\.max_concurrent: |^constraint timepool\.resources\.resources_max_concurrent_range: |^column timepool\.resource_services\.|^constraint timepool\.resource_services\.|^index timepool\.(resource_services_pkey|resource_services_service_idx): |^trigger resource_services_|^initial privileges of table timepool\.resource_services: "
me=$(psql -X -A -t -d postgres -c "SELECT current_user")
cat >"$WORK/want.catalogue.1.3" <<EOF
column timepool.resource_services.created_at: #3 type=timestamp with time zone notnull=t default=now() identity= generated= collation= acl= comment=
column timepool.resource_services.resource_id: #1 type=bigint notnull=t default= identity= generated= collation= acl= comment=
column timepool.resource_services.service_id: #2 type=bigint notnull=t default= identity= generated= collation= acl= comment=
column timepool.resources.max_concurrent: #7 type=integer notnull=f default=1 identity= generated= collation= acl= comment=at most this many holding reservations of the resource overlap at any instant, buffer included; NULL = no clock limit, only the pools' minutes
constraint timepool.resource_services.resource_services_pkey: type=p deferrable=f deferred=f validated=t def=PRIMARY KEY (resource_id, service_id)
constraint timepool.resource_services.resource_services_resource_id_fkey: type=f deferrable=f deferred=f validated=t def=FOREIGN KEY (resource_id) REFERENCES timepool.resources(id) ON DELETE CASCADE
constraint timepool.resource_services.resource_services_service_id_fkey: type=f deferrable=f deferred=f validated=t def=FOREIGN KEY (service_id) REFERENCES timepool.services(id) ON DELETE CASCADE
constraint timepool.resources.resources_max_concurrent_range: type=c deferrable=f deferred=f validated=t def=CHECK ((max_concurrent >= 1))
index timepool.resource_services_pkey: primary=t unique=t def=CREATE UNIQUE INDEX resource_services_pkey ON timepool.resource_services USING btree (resource_id, service_id)
index timepool.resource_services_service_idx: primary=f unique=f def=CREATE INDEX resource_services_service_idx ON timepool.resource_services USING btree (service_id)
initial privileges of table timepool.resource_services: {$me=arwdDxt/$me}
member: table timepool.resource_services
relation timepool.resource_services: kind=r persistence=p owner=$me acl={$me=arwdDxt/$me} rowsecurity=t options= comment=which services a resource performs: a resource with rows here performs only those services, one without rows performs every service
trigger resource_services_audit on timepool.resource_services: enabled=O def=CREATE TRIGGER resource_services_audit AFTER INSERT OR DELETE OR UPDATE ON timepool.resource_services FOR EACH ROW EXECUTE FUNCTION timepool.audit_change()
trigger resource_services_audit_truncate on timepool.resource_services: enabled=O def=CREATE TRIGGER resource_services_audit_truncate AFTER TRUNCATE ON timepool.resource_services FOR EACH STATEMENT EXECUTE FUNCTION timepool.audit_change()
trigger resource_services_invalidate_cache on timepool.resource_services: enabled=A def=CREATE TRIGGER resource_services_invalidate_cache AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON timepool.resource_services FOR EACH STATEMENT EXECUTE FUNCTION timepool.invalidate_cache()
EOF
# the lines of 1.3's objects in pg_dump --binary-upgrade, one each
DUMP_13_RE="^CREATE TABLE timepool\.resource_services \(\$|^ALTER EXTENSION timepool ADD TABLE timepool\.resource_services;\$|^CREATE TRIGGER resource_services_(audit|audit_truncate|invalidate_cache) |^ALTER TABLE timepool\.resource_services ENABLE ALWAYS TRIGGER resource_services_invalidate_cache;\$|^CREATE INDEX resource_services_service_idx ON timepool\.resource_services |^    ADD CONSTRAINT resource_services_(pkey PRIMARY KEY|resource_id_fkey FOREIGN KEY|service_id_fkey FOREIGN KEY) |^    max_concurrent integer DEFAULT 1,?\$|^    CONSTRAINT resources_max_concurrent_range CHECK \(\(max_concurrent >= 1\)\),?\$|^-- Name: TABLE resource_services; Type: ACL; "

# what 1.4 made, as the catalogue listing of a 1.4 database shows it (the
# lines of reservations_hold_expiry's CASE included; the extension's line:
# version 1.4, no new config table)
CAT_14_RE="^column timepool\.(settings\.(cancel_notice_minutes|online_status)|services\.cancel_notice_minutes|reservations\.(hold_expires_at|access_token|patient_name)): |^constraint timepool\.(settings\.settings_(cancel_notice_range|online_status_valid)|services\.services_cancel_notice_range|reservations\.reservations_(status_valid|patient_named|hold_expiry|access_token_key)): |^CASE status\$|^    WHEN 'HELD'::text THEN \(hold_expires_at IS NOT NULL\)\$|^    WHEN 'EXPIRED'::text THEN true\$|^    ELSE \(hold_expires_at IS NULL\)\$|^index timepool\.reservations_(service_day_idx|hold_idx|access_token_key): |^member: type timepool\.booking_receipt\$|^type timepool\.booking_receipt: "
# (1.5 rebuilds the pool index, and the extension's line says 1.5: both are
# in 1.5's listing below)
POOL_IDX_14="CREATE INDEX reservations_pool_idx ON timepool.reservations USING btree (reservation_date, resource_id, period) INCLUDE (required_minutes, start_time, end_time, hold_expires_at) WHERE (status <> ALL (ARRAY['CANCELLED'::text, 'REJECTED'::text, 'EXPIRED'::text]))"
# 1.5: the pool index carries the status too
POOL_IDX_15="CREATE INDEX reservations_pool_idx ON timepool.reservations USING btree (reservation_date, resource_id, period) INCLUDE (required_minutes, start_time, end_time, hold_expires_at, status) WHERE (status <> ALL (ARRAY['CANCELLED'::text, 'REJECTED'::text, 'EXPIRED'::text]))"
cat >"$WORK/want.catalogue.1.4" <<EOF4
column timepool.reservations.access_token: #26 type=uuid notnull=t default=gen_random_uuid() identity= generated= collation= acl= comment=the patient's secret for the public functions (get_booking, cancel_booking, reschedule_booking, confirm_hold): 122 random bits
column timepool.reservations.hold_expires_at: #25 type=timestamp with time zone notnull=f default= identity= generated= collation= acl= comment=HELD: the hold counts against its pool until this instant and not after; EXPIRED: when it timed out (NULL: released)
column timepool.reservations.patient_name: #15 type=text notnull=f default= identity= generated= collation="default" acl= comment=
column timepool.services.cancel_notice_minutes: #18 type=integer notnull=f default= identity= generated= collation= acl= comment=the service's own notice for changes made online; NULL = the clinic's (settings.cancel_notice_minutes)
column timepool.settings.cancel_notice_minutes: #6 type=integer notnull=t default=0 identity= generated= collation= acl= comment=a patient may cancel or reschedule by token until this many minutes before the start; staff are not bound by it
column timepool.settings.online_status: #7 type=text notnull=t default='PENDING'::text identity= generated= collation="default" acl= comment=the status of a booking made through the public entry points (book_online, confirm_hold): PENDING or CONFIRMED
constraint timepool.reservations.reservations_access_token_key: type=u deferrable=f deferred=f validated=t def=UNIQUE (access_token)
constraint timepool.reservations.reservations_hold_expiry: type=c deferrable=f deferred=f validated=t def=CHECK (
CASE status
    WHEN 'HELD'::text THEN (hold_expires_at IS NOT NULL)
    WHEN 'EXPIRED'::text THEN true
    ELSE (hold_expires_at IS NULL)
constraint timepool.reservations.reservations_patient_named: type=c deferrable=f deferred=f validated=t def=CHECK (((patient_name IS NOT NULL) OR (status = ANY (ARRAY['HELD'::text, 'EXPIRED'::text]))))
constraint timepool.reservations.reservations_status_valid: type=c deferrable=f deferred=f validated=t def=CHECK ((status = ANY (ARRAY['HELD'::text, 'PENDING'::text, 'CONFIRMED'::text, 'COMPLETED'::text, 'NO_SHOW'::text, 'CANCELLED'::text, 'REJECTED'::text, 'EXPIRED'::text])))
constraint timepool.services.services_cancel_notice_range: type=c deferrable=f deferred=f validated=t def=CHECK (((cancel_notice_minutes >= 0) AND (cancel_notice_minutes <= 525600)))
constraint timepool.settings.settings_cancel_notice_range: type=c deferrable=f deferred=f validated=t def=CHECK (((cancel_notice_minutes >= 0) AND (cancel_notice_minutes <= 525600)))
constraint timepool.settings.settings_online_status_valid: type=c deferrable=f deferred=f validated=t def=CHECK ((online_status = ANY (ARRAY['PENDING'::text, 'CONFIRMED'::text])))
index timepool.reservations_access_token_key: primary=f unique=t def=CREATE UNIQUE INDEX reservations_access_token_key ON timepool.reservations USING btree (access_token)
index timepool.reservations_hold_idx: primary=f unique=f def=CREATE INDEX reservations_hold_idx ON timepool.reservations USING btree (hold_expires_at) WHERE (status = 'HELD'::text)
index timepool.reservations_service_day_idx: primary=f unique=f def=CREATE INDEX reservations_service_day_idx ON timepool.reservations USING btree (service_id, reservation_date) INCLUDE (required_minutes, hold_expires_at) WHERE (status <> ALL (ARRAY['CANCELLED'::text, 'REJECTED'::text, 'EXPIRED'::text]))
member: type timepool.booking_receipt
type timepool.booking_receipt: type=c owner=$me acl={=U/$me,$me=U/$me} subtype= collation= comment=one reservation as its patient sees it; created is false when the call replayed an earlier one (same idempotency key or token)
EOF4
# the lines of 1.4's objects in pg_dump --binary-upgrade, one each
DUMP_14_RE="^CREATE TYPE timepool\.booking_receipt AS \(\$|^ALTER EXTENSION timepool ADD TYPE timepool\.booking_receipt;\$|^    hold_expires_at timestamp with time zone,\$|^    access_token uuid DEFAULT gen_random_uuid\(\) NOT NULL,\$|^    cancel_notice_minutes integer( DEFAULT 0 NOT NULL)?,\$|^    online_status text DEFAULT 'PENDING'::text NOT NULL,\$|^    CONSTRAINT reservations_(patient_named|status_valid) CHECK .*'EXPIRED'::text\]\)+,?\$|^    CONSTRAINT reservations_hold_expiry CHECK \(\$|^    ADD CONSTRAINT reservations_access_token_key UNIQUE \(access_token\);\$|^CREATE INDEX reservations_hold_idx ON timepool\.reservations USING btree \(hold_expires_at\) WHERE \(status = 'HELD'::text\);\$|^CREATE INDEX reservations_service_day_idx ON .* INCLUDE \([a-z_, ]*hold_expires_at\) WHERE \(status <> ALL \(ARRAY\['CANCELLED'::text, 'REJECTED'::text, 'EXPIRED'::text\]\)\);\$"

# what 1.5 made, as the catalogue listing shows it: the extension's line
# (version 1.5, no new config table), the settings' new column and check,
# the pool index with the status, the two functions' membership and initial
# privileges, the five views' membership and relation lines, and the two
# notify triggers (the views' columns and definitions, and the functions'
# lines, are counted in compare_with_fresh).  As they are at the latest
# version: 1.6 adds notify_queue and notify_wait, 1.7 gives utilization
# p_location (and a location column) and the views a location and new
# comments, and the extension 1.7's config tables.
REPORT_VIEWS_RE="daily_overview|service_stats|resource_stats|overbooked_pools|nearly_full"
CAT_15_RE="^extension: |^column timepool\.settings\.nearly_full_percent: |^constraint timepool\.settings\.settings_nearly_full_range: |^index timepool\.reservations_pool_idx: |^member: (function timepool\.(utilization\(date,date,text,text\)|schedule_notify\(\))|view timepool\.($REPORT_VIEWS_RE))\$|^initial privileges of function timepool\.(utilization|schedule_notify)\(|^relation timepool\.($REPORT_VIEWS_RE): |^trigger [a-z_]+_notify on |^member: (table timepool\.notify_queue|function timepool\.notify_wait\(interval\))\$|^relation timepool\.notify_queue: |^column timepool\.notify_queue\.|^initial privileges of function timepool\.notify_wait\("
cat >"$WORK/want.catalogue.1.5" <<EOF5
column timepool.notify_queue.booked_minutes: #4 type=bigint notnull=f default= identity= generated= collation= acl= comment=
column timepool.notify_queue.period: #3 type=text notnull=f default= identity= generated= collation="default" acl= comment=
column timepool.notify_queue.pool_date: #2 type=date notnull=t default= identity= generated= collation= acl= comment=
column timepool.notify_queue.resource_id: #1 type=bigint notnull=t default= identity= generated= collation= acl= comment=
column timepool.settings.nearly_full_percent: #8 type=integer notnull=t default=80 identity= generated= collation= acl= comment=timepool.nearly_full lists the upcoming pools booked to at least this percent of their minutes
constraint timepool.settings.settings_nearly_full_range: type=c deferrable=f deferred=f validated=t def=CHECK (((nearly_full_percent >= 1) AND (nearly_full_percent <= 100)))
extension: version=1.7 relocatable=f schema=timepool owner=$me config=timepool.audit_log WHERE '', timepool.audit_log_id_seq WHERE '', timepool.clinic_time_slots WHERE '', timepool.clinic_time_slots_id_seq WHERE '', timepool.imported WHERE '', timepool.location_staff WHERE '', timepool.locations WHERE '', timepool.locations_id_seq WHERE '', timepool.reservations WHERE '', timepool.reservations_id_seq WHERE '', timepool.resource_services WHERE '', timepool.resources WHERE '', timepool.resources_id_seq WHERE '', timepool.schedule_overrides WHERE '', timepool.schedule_overrides_id_seq WHERE '', timepool.service_categories WHERE '', timepool.service_categories_id_seq WHERE '', timepool.services WHERE '', timepool.services_id_seq WHERE '', timepool.settings WHERE ''
index timepool.reservations_pool_idx: primary=f unique=f def=$POOL_IDX_15
initial privileges of function timepool.notify_wait(interval): {$me=X/$me}
initial privileges of function timepool.schedule_notify(): {$me=X/$me}
initial privileges of function timepool.utilization(date,date,text,text): {$me=X/$me}
member: function timepool.notify_wait(interval)
member: function timepool.schedule_notify()
member: function timepool.utilization(date,date,text,text)
member: table timepool.notify_queue
member: view timepool.daily_overview
member: view timepool.nearly_full
member: view timepool.overbooked_pools
member: view timepool.resource_stats
member: view timepool.service_stats
relation timepool.daily_overview: kind=v persistence=p owner=$me acl={$me=arwdDxt/$me} rowsecurity=f options={security_barrier=true} comment=each resource's next 14 days in its location's time zone (today first): the periods side by side and the day's totals
relation timepool.nearly_full: kind=v persistence=p owner=$me acl={$me=arwdDxt/$me} rowsecurity=f options={security_barrier=true} comment=open pools of the next 31 days of each location that have not ended yet on its clock, booked to at least its nearly_full_percent of their minutes
relation timepool.notify_queue: kind=r persistence=u owner=$me acl={$me=arwdDxt/$me} rowsecurity=f options= comment=pools changed by committed transactions while timepool.notify was on, until the notifier sends their payloads on timepool_availability (resource_id 0: every active resource; period NULL: every pool of the day; booked_minutes: what the pool held at that commit, decided under its lock, or NULL for the notifier to read it)
relation timepool.overbooked_pools: kind=v persistence=p owner=$me acl={$me=arwdDxt/$me} rowsecurity=f options={security_barrier=true} comment=pools holding more minutes than their capacity, or whose reservations overlap beyond the resource's clock limit: possible only where capacity was cut after booking, a restore or an import brought history, or the schedule left reservations outside any pool
relation timepool.resource_stats: kind=v persistence=p owner=$me acl={$me=arwdDxt/$me} rowsecurity=f options={security_barrier=true} comment=per resource and week (Monday to Sunday), from 52 weeks before this week to 4 weeks after it: utilization, attended and missed minutes, the busiest period
relation timepool.service_stats: kind=v persistence=p owner=$me acl={$me=arwdDxt/$me} rowsecurity=f options={security_barrier=true} comment=per service, month of the reservation date and location: bookings (holds are not bookings), minutes, revenue from the price snapshots, cancellation and no-show rates
trigger clinic_time_slots_notify on timepool.clinic_time_slots: enabled=O def=CREATE TRIGGER clinic_time_slots_notify AFTER INSERT OR DELETE OR UPDATE ON timepool.clinic_time_slots FOR EACH ROW EXECUTE FUNCTION timepool.schedule_notify()
trigger schedule_overrides_notify on timepool.schedule_overrides: enabled=O def=CREATE TRIGGER schedule_overrides_notify AFTER INSERT OR DELETE OR UPDATE ON timepool.schedule_overrides FOR EACH ROW EXECUTE FUNCTION timepool.schedule_notify()
EOF5
# the lines of 1.5's objects in pg_dump --binary-upgrade, one each
DUMP_15_RE="^CREATE VIEW timepool\.($REPORT_VIEWS_RE) WITH \(security_barrier='true'\) AS\$|^ALTER EXTENSION timepool ADD VIEW timepool\.($REPORT_VIEWS_RE);\$|^CREATE FUNCTION timepool\.(utilization\(p_from date, p_to date, p_resource text DEFAULT NULL::text, p_location text DEFAULT NULL::text\) RETURNS TABLE\(|schedule_notify\(\) RETURNS trigger\$)|^ALTER EXTENSION timepool ADD FUNCTION timepool\.(utilization\(p_from date, p_to date, p_resource text, p_location text\)|schedule_notify\(\));\$|^REVOKE ALL ON FUNCTION timepool\.(utilization\(p_from date, p_to date, p_resource text, p_location text\)|schedule_notify\(\)) FROM PUBLIC;\$|^CREATE TRIGGER (clinic_time_slots|schedule_overrides)_notify AFTER INSERT OR DELETE OR UPDATE ON timepool\.(clinic_time_slots|schedule_overrides) FOR EACH ROW EXECUTE FUNCTION timepool\.schedule_notify\(\);\$|^    nearly_full_percent integer DEFAULT 80 NOT NULL,?\$|^    CONSTRAINT settings_nearly_full_range CHECK \(\(\(nearly_full_percent >= 1\) AND \(nearly_full_percent <= 100\)\)\),?\$|^CREATE INDEX reservations_pool_idx ON timepool\.reservations USING btree \(reservation_date, resource_id, period\) INCLUDE \(required_minutes, start_time, end_time, hold_expires_at, status\) WHERE \(status <> ALL \(ARRAY\['CANCELLED'::text, 'REJECTED'::text, 'EXPIRED'::text\]\)\);\$"

say "the upgraded schema ($A) against the fresh one ($B)"
compare_with_fresh "$A" "$B"
# the catalogue has what 1.1 changed (a sanity check of the listing itself)
got=$(grep -c -E "^constraint timepool.services.services_category_fkey: .*REFERENCES timepool.service_categories\(code\) ON UPDATE CASCADE ON DELETE RESTRICT|^constraint timepool.services.services_category_length" "$WORK/$A/catalogue" || true)
expect "the upgraded catalogue has services_category_fkey (CASCADE/RESTRICT) and not services_category_length" "$got" "1"

###########################################################################
say "$A after the upgrade: 1.1's rules and audit"
got=$(qv "$A" "SELECT id FROM timepool.book_service('CONSULT', '$FAR2', '09:00', 'Too far', p_resource => 'DR_A')" 2>&1) || true
expect_like "book_service $FAR2 is now refused: too far ahead (TP005)" "$got" "*TP005: date $FAR2 is too far ahead*"
next_r=$(q "$A" "SELECT last_value + 1 FROM timepool.reservations_id_seq")
got=$(q "$A" "SELECT id FROM timepool.book_service('FACIAL', '2025-11-22', '10:00', 'New Patient', p_resource => 'DR_A')" 2>&1) || true
expect "booking after the upgrade works and gets the next id ($next_r)" "$got" "$next_r"
me=$(q "$A" "SELECT current_user")
got=$(q "$A" "SELECT table_name || '|' || row_id || '|' || action || '|' || changed_by || '|' || session_role || '|'
                     || (new_row ->> 'patient_name') || '|' || (new_row ->> 'service_code') || '|' || (old_row IS NULL)
                FROM timepool.audit_log ORDER BY id")
expect "the booking is audited: one INSERT row for it" "$got" "reservations|$next_r|INSERT|$me|$me|New Patient|FACIAL|true"
# a booking by an application role through the SECURITY DEFINER function
tpsql "$A" -c "CREATE ROLE $SITE_ROLE NOLOGIN" \
	-c "GRANT EXECUTE ON FUNCTION timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text, text) TO $SITE_ROLE"
site_id=$(tpsql "$A" -A -t -c "SET ROLE $SITE_ROLE" \
	-c "SELECT id FROM timepool.book_service('PEEL', '2025-11-22', '11:00', 'Site Patient', p_resource => 'DR_A')" 2>&1) || true
expect "a role granted EXECUTE on book_service can book after the upgrade" "$site_id" "$((next_r + 1))"
got=$(q "$A" "SELECT changed_by || '|' || session_role || '|' || row_id || '|' || action FROM timepool.audit_log ORDER BY id DESC LIMIT 1")
expect "its booking is audited as changed_by $SITE_ROLE, session_role $me" "$got" "$SITE_ROLE|$me|$site_id|INSERT"
q "$A" "SELECT timepool.cancel_reservation($next_r, 'changed my mind')" >/dev/null
got=$(q "$A" "SELECT action || '|' || coalesce(old_status, '-') || '|' || new_status || '|' || coalesce(cancel_reason, '-')
                FROM timepool.reservation_history WHERE reservation_id = $next_r ORDER BY audit_id")
expect "reservation_history of the new booking: INSERT PENDING, then CANCELLED with its reason" "$got" \
	"INSERT|-|PENDING|-
UPDATE|PENDING|CANCELLED|changed my mind"
got=$(q "$A" "SELECT count(*) FROM timepool.reservation_history WHERE reservation_id < $next_r")
expect "the reservations made at 1.0 have no history (the log starts with 1.1)" "$got" "0"
# migrated rows are ordinary 1.1 rows
got=$(qv "$A" "INSERT INTO timepool.services (code, name, category, duration_minutes) VALUES ('TEXT_CAT', 'x', 'Aesthetics', 10)" 2>&1) || true
expect_like "a 1.0-style free-text category is refused now (23503, services_category_fkey)" "$got" "*23503: *services_category_fkey*"
q "$A" "UPDATE timepool.service_categories SET code = 'BEAUTY' WHERE code = 'AESTHETICS'" >/dev/null
got=$(q "$A" "SELECT string_agg(code || '=' || category, ',' ORDER BY code) FROM timepool.services WHERE code IN ('FACIAL', 'PEEL')")
expect "renaming a migrated category's code cascades to its services" "$got" "FACIAL=BEAUTY,PEEL=BEAUTY"
got=$(q "$A" "SELECT string_agg(table_name || ':' || action, ',' ORDER BY id) FROM timepool.audit_log WHERE table_name IN ('service_categories', 'services')")
expect "the rename is audited: the category and its two services" "$got" "service_categories:UPDATE,services:UPDATE,services:UPDATE"
got=$(q "$A" "SELECT deleted_at IS NOT NULL FROM timepool.delete_service('LASER', true)" 2>&1) || true
expect "delete_service works on a migrated service" "$got" "t"
# DR_A's morning of 2025-11-22 (the override: 10:00-12:00, 90 minutes)
# holds the site's PEEL (30; the new patient's FACIAL was cancelled): a SKIN
# (30) at 10:00 leaves 30
expect_notify "$A at 1.5: a listener gets DR_A's morning of 2025-11-22 after a SKIN booked there (90 minutes, 60 booked), nothing for the one rolled back" \
	"$A" "SELECT id FROM timepool.book_service('SKIN', '2025-11-22', '10:00', 'Listened To', p_resource => 'DR_A')" \
	'{"resource": "DR_A", "date": "2025-11-22", "period": "MORNING", "total_minutes": 90, "booked_minutes": 60, "remaining_minutes": 30}'

###########################################################################
# more category texts the migration has to turn into distinct codes
upgrade_categories() { # db label texts-as-SQL-values
	local db=$1 label=$2 values=$3 got
	createdb "$db"
	tpsql "$db" -c "CREATE EXTENSION timepool VERSION '1.0'" \
		-c "INSERT INTO timepool.services (code, name, category, duration_minutes)
		      SELECT 'S_' || n, 'Service ' || n, t, 30 FROM (VALUES $values) AS v(n, t)"
	got=$(q "$db" "ALTER EXTENSION timepool UPDATE" 2>&1) && got=ok
	expect "$label: ALTER EXTENSION timepool UPDATE succeeds" "$got" "ok"
	[ "$got" = ok ] || return 0
	expect "$label: the version is $LATEST" "$(q "$db" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" "$LATEST"
	# distinct texts, distinct categories
	got=$(q "$db" "SELECT count(DISTINCT category) || ' categories for ' || (SELECT count(*) FROM timepool.service_categories)
	                      || ' rows; ' || count(*) FILTER (WHERE category IS NULL) || ' NULL'
	                 FROM timepool.services")
	expect "$label: one category per distinct text" "$got" "$4"
	got=$(q "$db" "SELECT count(*) FROM timepool.service_categories WHERE code !~ '^[A-Z][A-Z0-9_]{0,49}\$'")
	expect "$label: every code is a valid code" "$got" "0"
}

say "$C: a numbered suffix that another text already makes"
# 'Skin care' -> SKIN_CARE; 'skin-care' -> SKIN_CARE too, so SKIN_CARE_2;
# 'Skin care 2' -> SKIN_CARE_2 by itself
upgrade_categories "$C" "$C ('Skin care', 'skin-care', 'Skin care 2')" \
	"(1, 'Skin care'), (2, 'skin-care'), (3, 'Skin care 2')" "3 categories for 3 rows; 0 NULL"
if [ "$(q "$C" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" = "$LATEST" ]; then
	got=$(q "$C" "SELECT string_agg(s.code || '=' || c.name, ',' ORDER BY s.code)
	                FROM timepool.services s JOIN timepool.service_categories c ON c.code = s.category")
	expect "$C: each service's category is named by its own text" "$got" "S_1=Skin care,S_2=skin-care,S_3=Skin care 2"
fi

say "$D: a category of blanks only, and one with blanks around it (1.0 allowed 1 to 100 characters of anything)"
upgrade_categories "$D" "$D ('   ', '  Padded  ', 'Aesthetics')" "(1, '   '), (2, '  Padded  '), (3, 'Aesthetics')" \
	"3 categories for 3 rows; 0 NULL"
if [ "$(q "$D" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" = "$LATEST" ]; then
	got=$(q "$D" "SELECT string_agg(s.code || '=' || c.code, ',' ORDER BY s.code)
	                FROM timepool.services s JOIN timepool.service_categories c ON c.code = s.category")
	expect "$D: the codes: CATEGORY for the blanks, PADDED, AESTHETICS" "$got" "S_1=CATEGORY,S_2=PADDED,S_3=AESTHETICS"
fi

###########################################################################
# The 1.1 path: a database made at 1.1, its privileges given as 1.1's
# README said, updated to 1.2.
say "building $E at version 1.1, with the roles and grants of 1.1's README"
E_TZ=America/New_York # the clinic's time zone in $E; the upgrading session runs in UTC
createdb "$E"
tpsql "$E" <<SQL
CREATE EXTENSION timepool VERSION '1.1';
-- 1.1's README, "Privileges": a booking site, the front desk, the clinic's admin
CREATE ROLE $BOOKING_ROLE NOLOGIN;
GRANT EXECUTE ON FUNCTION
    timepool.availability(date, text, text, text),
    timepool.can_book(text, date, time, text),
    timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text)
  TO $BOOKING_ROLE;
GRANT SELECT ON timepool.bookable_services TO $BOOKING_ROLE;
CREATE ROLE $DESK_ROLE;
GRANT $BOOKING_ROLE TO $DESK_ROLE;
GRANT EXECUTE ON FUNCTION
    timepool.cancel_reservation(bigint, text),
    timepool.set_reservation_status(bigint, text)
  TO $DESK_ROLE;
GRANT SELECT ON timepool.reservations, timepool.reservation_history TO $DESK_ROLE;
CREATE ROLE $ADMIN_ROLE;
GRANT $DESK_ROLE TO $ADMIN_ROLE;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA timepool TO $ADMIN_ROLE;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA timepool TO $ADMIN_ROLE;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA timepool TO $ADMIN_ROLE;

-- the admin fills the catalogue, the schedule and the settings with SQL
SET ROLE $ADMIN_ROLE;
INSERT INTO timepool.resources (code, name) VALUES
  ('DR_A', 'Doctor A'), ('DR_B', 'Doctor B'), ('ROOM_X', 'Old room');
UPDATE timepool.resources SET is_active = false WHERE code = 'ROOM_X';
INSERT INTO timepool.service_categories (code, name, display_order) VALUES
  ('AESTHETICS', 'Aesthetics', 1), ('SKIN_CARE', 'Skin care', 2), ('IMAGING', 'Imaging', 3),
  ('UNUSED', 'No service yet', 9);
INSERT INTO timepool.services
  (code, name, description, category, duration_minutes, buffer_minutes, price, display_order,
   min_notice_minutes, max_advance_days, daily_cap_minutes) VALUES
  ('FACIAL', 'Facial', 'a facial', 'AESTHETICS', 45, 15, 90.00, 1, NULL, NULL, NULL),
  ('PEEL', 'Chemical peel', NULL, 'AESTHETICS', 30, 0, 120.00, 2, NULL, 30, NULL),
  ('SKIN', 'Skin check', NULL, 'SKIN_CARE', 20, 10, 40.00, 3, NULL, NULL, 120),
  ('CONSULT', 'Consultation', NULL, NULL, 30, 10, 50.00, 0, NULL, NULL, NULL),
  ('UNI', 'Ünïcode service', 'ümlaut', 'SKIN_CARE', 15, 0, NULL, 6, 0, 3660, 1000000),
  ('XRAY', 'X-ray (old)', NULL, 'IMAGING', 25, 5, 70.00, 11, 60, 14, NULL);
\i test/schedule.sql
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed, reason)
  SELECT id, '2025-11-29', true, 'sick leave' FROM timepool.resources WHERE code = 'DR_A';
UPDATE timepool.settings SET time_zone = '$E_TZ', min_notice_minutes = 120, max_advance_days = 90;
RESET ROLE;
SQL

# reservations: booked by the booking site, moved on by the front desk
book_e() { tpsql "$E" -A -t -c "SET ROLE $BOOKING_ROLE" -c "SELECT id FROM timepool.book_service($1)"; }
# desk_e call [now]: the front desk's call, at the frozen clinic time "now"
# when given (timepool.now, which only a superuser sets: before SET ROLE)
desk_e() { tpsql "$E" -A -t -c "SET timepool.now = '${2:-}'" -c "SET ROLE $DESK_ROLE" -c "SELECT 1 FROM $1" >/dev/null; }
e_pending=$(book_e "'FACIAL', '2025-11-15', '09:00', 'Ann Pending', p_resource => 'DR_A'")
book_e "'SKIN', '2025-11-15', '10:00', 'Bob Confirmed', '+1 555 0100', 'bob@example.com', 'first visit', '{\"lang\": \"en\"}', 'DR_A', 'CONFIRMED', 'idem-bob'" >/dev/null
e_completed=$(book_e "'CONSULT', '2025-11-15', '09:00', 'Cy Completed', p_resource => 'DR_B'")
e_noshow=$(book_e "'CONSULT', '2025-11-15', '09:40', 'Dee No-show', p_resource => 'DR_B', p_status => 'CONFIRMED'")
e_rejected=$(book_e "'PEEL', '2025-11-17', '08:00', 'Eve Rejected'")
e_cancelled=$(book_e "'CONSULT', '2025-11-17', '09:00', 'Fay Cancelled', p_idempotency_key => 'idem-fay'")
book_e "'UNI', '2025-11-15', '18:00', 'Gïl Ëvening', p_resource => 'DR_B'" >/dev/null
book_e "'XRAY', '2025-11-15', '13:00', 'Hal X-ray', p_resource => 'DR_A'" >/dev/null
e_last=$(book_e "'FACIAL', '2025-11-22', '10:00', 'Jo Site', p_resource => 'DR_A'")
echo "# booked reservations $e_pending..$e_last in $E"
expect "$E at 1.1: COMPLETED and NO_SHOW before the start (2025-11-15 09:00, today $TODAY) are allowed, as in 1.1" \
	"$(before_start_moves "$E" "$e_pending")" "confirmed: CONFIRMED function: COMPLETED update: NO_SHOW "
expect "$E at 1.1: a plain INSERT of 30 minutes into a pool with 40 left is accepted" \
	"$(insert_that_fits "$E")" "left: 40 insert: 30 "
desk_e "timepool.set_reservation_status($e_completed, 'CONFIRMED')"
desk_e "timepool.set_reservation_status($e_completed, 'COMPLETED')" "$STARTED"
desk_e "timepool.set_reservation_status($e_noshow, 'NO_SHOW')" "$STARTED"
desk_e "timepool.set_reservation_status($e_rejected, 'REJECTED')"
desk_e "timepool.cancel_reservation($e_cancelled, 'patient called')"
tpsql "$E" <<SQL
SET ROLE $ADMIN_ROLE;
-- a plain INSERT (the guard fills the rest)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
  SELECT r.id, s.id, '2025-11-15', '14:00', 'Ida Insert'
    FROM timepool.resources r, timepool.services s WHERE r.code = 'DR_A' AND s.code = 'SKIN';
-- a failed insert burns a value of resources_id_seq
DO \$\$ BEGIN
  INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'duplicate');
EXCEPTION WHEN unique_violation THEN NULL;
END \$\$;
-- policy edits after the bookings, the old XRAY retired (its reservation
-- stays) and a hidden successor under its code
UPDATE timepool.services SET min_notice_minutes = 2880, price = 95.00 WHERE code = 'FACIAL';
SELECT 1 FROM timepool.delete_service('XRAY', true) \\g /dev/null
INSERT INTO timepool.services (code, name, category, duration_minutes, price, display_order, is_visible)
  VALUES ('XRAY', 'X-ray', 'IMAGING', 20, 80.00, 11, false);
RESET ROLE;
SQL

expect "$E is at version 1.1" "$(q "$E" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" "1.1"
got=$(q "$E" "SELECT string_agg(status || '=' || n, ' ' ORDER BY status)
                FROM (SELECT status, count(*) n FROM timepool.reservations GROUP BY status) s")
expect "$E has reservations in every status" "$got" "CANCELLED=1 COMPLETED=1 CONFIRMED=1 NO_SHOW=1 PENDING=5 REJECTED=1"
got=$(q "$E" "SELECT string_agg(DISTINCT table_name, ',' ORDER BY table_name) || ' by ' ||
                     (SELECT string_agg(DISTINCT changed_by, ',' ORDER BY changed_by) FROM timepool.audit_log
                       WHERE changed_by LIKE 'tp\_upgrade\_%')
                FROM timepool.audit_log")
expect "$E: audit_log has rows of every audited table, by the three roles" "$got" \
	"clinic_time_slots,reservations,resources,schedule_overrides,service_categories,services,settings by $BOOKING_ROLE,$ADMIN_ROLE,$DESK_ROLE"
got=$(q "$E" "SELECT time_zone || '|' || min_notice_minutes || '|' || max_advance_days || '|' || count(*) OVER () FROM timepool.settings")
expect "$E: settings changed from the default (time zone, notice, advance), one row" "$got" "$E_TZ|120|90|1"
got=$(q "$E" "SELECT count(*) FILTER (WHERE min_notice_minutes IS NOT NULL) || ' ' || count(*) FILTER (WHERE max_advance_days IS NOT NULL)
                     || ' ' || count(*) FILTER (WHERE daily_cap_minutes IS NOT NULL) FROM timepool.services")
expect "$E: services with notice, advance and daily cap of their own" "$got" "3 3 2"

# 1.1 as it was, for the checks below to be able to tell
TRIGGER_FUNCS="p.pronamespace = 'timepool'::regnamespace AND p.prorettype IN ('trigger'::regtype, 'event_trigger'::regtype)"
# each trigger function with every role that may EXECUTE it (the owner first;
# a NULL proacl is the default, EXECUTE for PUBLIC)
cat >"$WORK/trigger_grants.sql" <<SQL
SELECT p.oid::regprocedure || '|' ||
       string_agg(CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END, ','
                  ORDER BY a.grantee <> p.proowner, pg_get_userbyid(a.grantee))
  FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
 WHERE $TRIGGER_FUNCS AND a.privilege_type = 'EXECUTE'
 GROUP BY p.oid ORDER BY p.oid::regprocedure::text COLLATE "C";
SQL
me=$(q "$E" "SELECT current_user")
tpsql "$E" -A -t -f "$WORK/trigger_grants.sql" >"$WORK/e.trigger_grants.before"
for f in audit_change audit_log_append_only fill_capacity invalidate_cache keep_service_code \
	reservations_before_write reservations_guard settings_keep_row settings_keep_table touch_updated_at; do
	echo "timepool.$f()|$me,$ADMIN_ROLE"
done >"$WORK/want.e.trigger_grants.before"
expect_same_file "$E at 1.1: the README's GRANT EXECUTE ON ALL FUNCTIONS gave $ADMIN_ROLE the 10 trigger functions" \
	"$WORK/want.e.trigger_grants.before" "$WORK/e.trigger_grants.before"
SB_QUERY="SELECT string_agg(c.relname || '=' || coalesce(array_to_string(c.reloptions, ','), '<none>'), ' ' ORDER BY c.relname)
            FROM pg_class c WHERE c.oid IN ('timepool.reservation_history'::regclass, 'timepool.bookable_services'::regclass)"
expect "$E at 1.1: the two views have no options" "$(q "$E" "$SB_QUERY")" "bookable_services=<none> reservation_history=<none>"
PK_QUERY="SELECT count(*) FROM pg_constraint WHERE conrelid = 'timepool.settings'::regclass AND contype = 'p'"
expect "$E at 1.1: settings has its primary key" "$(q "$E" "$PK_QUERY")" "1"
ET_QUERY="SELECT evtenabled::text || '|' || evtevent || '|' || evtfoid::regproc || '|' || array_to_string(evttags, ',')
            FROM pg_event_trigger WHERE evtname = 'timepool_keep_triggers'"
expect "$E at 1.1: no event trigger timepool_keep_triggers" "$(q "$E" "$ET_QUERY")" ""
# capacity_minutes * 60 above int4 (40000000 * 60 = 2.4e9)
SLOT_HUGE="INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
             SELECT id, 3, 'MORNING', '09:00', '12:00', 40000000 FROM timepool.resources WHERE code = 'DR_A'"
OVERRIDE_HUGE="INSERT INTO timepool.schedule_overrides (resource_id, date, period, start_time, end_time, capacity_minutes)
                 SELECT id, '2026-01-07', 'MORNING', '09:00', '12:00', 40000000 FROM timepool.resources WHERE code = 'DR_A'"
got=$(qv "$E" "$SLOT_HUGE" 2>&1) || true
expect_like "$E at 1.1: clinic_time_slots with capacity_minutes 40000000 overflows (22003)" "$got" "*ERROR:  22003: integer out of range*"
got=$(qv "$E" "$OVERRIDE_HUGE" 2>&1) || true
expect_like "$E at 1.1: schedule_overrides with capacity_minutes 40000000 overflows (22003)" "$got" "*ERROR:  22003: integer out of range*"

###########################################################################
# What the update must not change: every row of every table, every
# sequence, and the privileges but those on trigger functions.
E_TABLES=$(q "$E" "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class
                    WHERE relnamespace = 'timepool'::regnamespace AND relkind IN ('r', 'p')")
expect "$E: the tables of 1.1" "$E_TABLES" \
	"audit_log clinic_time_slots reservations resources schedule_overrides service_categories services settings"
E_SEQS=$(q "$E" "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class
                  WHERE relnamespace = 'timepool'::regnamespace AND relkind = 'S'")
expect "$E: the sequences of 1.1" "$E_SEQS" \
	"audit_log_id_seq clinic_time_slots_id_seq reservations_id_seq resources_id_seq schedule_overrides_id_seq service_categories_id_seq services_id_seq"
# the relations (not indexes) of 1.1, whose privileges must stay as they are
E_RELS=$(q "$E" "SELECT string_agg(quote_literal(relname), ', ' ORDER BY relname) FROM pg_class
                  WHERE relnamespace = 'timepool'::regnamespace AND relkind NOT IN ('i', 'I')")
# and the types of 1.1
TYPES_QUERY="SELECT string_agg(quote_literal(oid::regtype::text), ', ' ORDER BY oid::regtype::text COLLATE \"C\") FROM pg_type
              WHERE typnamespace = 'timepool'::regnamespace"
E_TYPES=$(q "$E" "$TYPES_QUERY")
record_columns "$E" "$E_TABLES"
# the key a table's rows are listed by
key_of() { if [ "$1" = resource_services ]; then echo "t.resource_id, t.service_id"; else echo "t.id"; fi; }
# snapshot_sql outdir db "tables" "sequences" "relations" "types": psql
# commands that write each table (the columns record_columns found),
# sequence and privilege (of the relations and types named, as SQL
# literals, of the schema and of every function) to a file in outdir, for
# the upgrading session to run
snapshot_sql() {
	local out=$1 db=$2 tables=$3 seqs=$4 rels=$5 types=$6 t
	mkdir -p "$out"
	for t in $tables; do
		printf '\\o %s\nSELECT ROW(%s) FROM timepool.%s t ORDER BY %s;\n' "$out/table.$t" "${COLS[$db.$t]}" "$t" "$(key_of "$t")"
	done
	for t in $seqs; do
		printf '\\o %s\nSELECT last_value, is_called FROM timepool.%s;\n' "$out/seq.$t" "$t"
	done
	cat <<SQL
\\o $out/acl.relations
SELECT c.relname, c.relkind, c.relacl FROM pg_class c
 WHERE c.relnamespace = 'timepool'::regnamespace AND c.relkind NOT IN ('i', 'I') AND c.relname IN ($rels)
 ORDER BY c.relname COLLATE "C";
\\o $out/acl.functions
SELECT p.oid::regprocedure, p.proacl FROM pg_proc p
 WHERE p.pronamespace = 'timepool'::regnamespace AND NOT ($TRIGGER_FUNCS)
 ORDER BY p.oid::regprocedure::text COLLATE "C";
\\o $out/acl.schema_types
SELECT 'schema', nspacl FROM pg_namespace WHERE nspname = 'timepool';
SELECT t.oid::regtype, t.typacl FROM pg_type t
 WHERE t.typnamespace = 'timepool'::regnamespace AND t.oid::regtype::text IN ($types)
 ORDER BY t.oid::regtype::text COLLATE "C";
\\o
SQL
}
snapshot_sql "$WORK/e.before" "$E" "$E_TABLES" "$E_SEQS" "$E_RELS" "$E_TYPES" >"$WORK/e.snapshot_before.sql"
snapshot_sql "$WORK/e.after" "$E" "$E_TABLES" "$E_SEQS" "$E_RELS" "$E_TYPES" >"$WORK/e.snapshot_after.sql"
POLICY="concat_ws(',', timepool.can_book('CONSULT', '2026-02-07'), timepool.can_book('CONSULT', '2026-02-14'),
                       timepool.can_book('FACIAL', '2025-11-15', '11:00', 'DR_A'), timepool.can_book('FACIAL', '2025-11-22', '14:00', 'DR_A'))"
cat >"$WORK/e.session.sql" <<SQL
SELECT 'availability: ' || count(*) FROM timepool.availability('2025-11-22');
SELECT 'booked before: ' || id FROM timepool.book_service('CONSULT', '2025-11-22', '13:00', 'Kim Before', p_resource => 'DR_A');
SELECT 'policy before: ' || $POLICY;
SELECT 'audit before: ' || count(*) || '/' || coalesce(max(id), 0) FROM timepool.audit_log;
\\i $WORK/e.snapshot_before.sql
ALTER EXTENSION timepool UPDATE;
SELECT 'audit after: ' || count(*) || '/' || coalesce(max(id), 0) FROM timepool.audit_log;
\\i $WORK/e.snapshot_after.sql
SELECT 'version: ' || extversion FROM pg_extension WHERE extname = 'timepool';
SELECT 'policy after: ' || $POLICY;
SELECT 'availability after: ' || count(*) FROM timepool.availability('2025-11-22');
SELECT 'booked after: ' || id FROM timepool.book_service('CONSULT', '2025-11-22', '15:00', 'Lou After', p_resource => 'DR_A');
SQL

###########################################################################
say "ALTER EXTENSION timepool UPDATE in $E, in a session that used timepool at 1.1"
# one session: availability and a booking at 1.1, the snapshot, the update,
# the snapshot again, then 1.2 at once
session=$(PGOPTIONS="-c TimeZone=UTC" tpsql "$E" -A -t -f "$WORK/e.session.sql" 2>&1) || true
printf '%s\n' "$session" | sed 's/^/#   session: /'
field() { printf '%s\n' "$session" | sed -n "s/^$1: //p"; }
expect_like "the upgrade session: availability at 1.1 lists pools" "$(field availability)" "[1-9]*"
e_before=$(field "booked before")
expect_like "the upgrade session: a booking at 1.1, before the update" "$e_before" "[1-9]*"
expect "the upgrade session at 1.1: can_book 85 and 92 days ahead, FACIAL within and beyond its 2 days' notice" \
	"$(field "policy before")" "t,f,f,t"
expect "ALTER EXTENSION timepool UPDATE succeeds and the version is $LATEST" "$(field version)" "$LATEST"
expect "pg_extension says $LATEST" "$(q "$E" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" "$LATEST"
audit_before=$(field "audit before")
expect_like "audit_log has rows before the update ($audit_before: count/max id)" "$audit_before" "[1-9]*/[1-9]*"
expect "audit_log gained no row from the update itself" "$(field "audit after")" "$audit_before"
expect "the same session after the update: the same policy answers (the clinic's 90 days, the service's notice)" \
	"$(field "policy after")" "$(field "policy before")"
expect "the same session after the update: availability lists as many pools" \
	"$(field "availability after")" "$(field availability)"
e_after=$(field "booked after")
expect "the same session after the update: booking works and gets the next id" "$e_after" "$((e_before + 1))"
got=$(q "$E" "SELECT table_name || '|' || row_id || '|' || action || '|' || changed_by || '|' || (new_row ->> 'patient_name')
                FROM timepool.audit_log WHERE id > ${audit_before#*/} ORDER BY id")
expect "and that booking is audited, the only row after the update's" "$got" "reservations|$e_after|INSERT|$me|Lou After"

for t in $E_TABLES; do
	expect_same_file "after the update: every row of $t is unchanged" "$WORK/e.before/table.$t" "$WORK/e.after/table.$t"
done
for t in $E_SEQS; do
	expect_same_file "after the update: $t is unchanged" "$WORK/e.before/seq.$t" "$WORK/e.after/seq.$t"
done
got=$(for f in "$WORK"/e.before/table.* "$WORK"/e.before/seq.* "$WORK"/e.before/acl.*; do
	[ -s "$f" ] || printf '%s ' "${f##*/}"
done)
expect "the snapshot has a line or more in each file (tables, sequences, privileges)" "$got" ""
got=$(wc -l <"$WORK/e.before/table.reservations")
expect "the snapshot of reservations has every reservation (11)" "$got" "11"

say "privileges after the update"
expect_same_file "the privileges on every table, view and sequence of 1.1 are unchanged" \
	"$WORK/e.before/acl.relations" "$WORK/e.after/acl.relations"
expect_same_file "the privileges on the schema and 1.1's types are unchanged" \
	"$WORK/e.before/acl.schema_types" "$WORK/e.after/acl.schema_types"
# the functions that 1.1 had, by signature (CREATE OR REPLACE keeps the
# function; 1.4 drops book_service and creates it again, with the grants;
# 1.7 does so for availability, can_book and book_service, which gain
# p_location: their grants are read at the new signature)
awk -F'|' 'NR == FNR { had[$1]; next } $1 in had' "$WORK/e.before/acl.functions" <(as_16 "$WORK/e.after/acl.functions") \
	>"$WORK/e.after/acl.functions.of_1.1"
expect_same_file "the privileges on every function of 1.1 that is not a trigger function are unchanged" \
	"$WORK/e.before/acl.functions" "$WORK/e.after/acl.functions.of_1.1"
# (each line of the listing beside its 1.6 signature: new are those 1.1 had
# under neither)
got=$(paste -d '#' <(as_16 "$WORK/e.after/acl.functions") "$WORK/e.after/acl.functions" |
	awk -F'|' 'NR == FNR { had[$1]; next } { split($0, two, "#"); split(two[1], old, "|") }
	           !(old[1] in had) { print two[2] }' "$WORK/e.before/acl.functions" - | tr '\n' ' ')
expect "the new functions since 1.1 (1.2's, 1.4's, 1.5's utilization, 1.6's notify_wait, import_reservations and import_run, at their 1.7 signatures; 1.3 adds none; not trigger functions) are EXECUTE for their owner only, but 1.7's location_visible and resource_visible, PUBLIC's too" "$got" \
	"$(for f in 'book_online(text,date,time without time zone,text,text,text,text,jsonb,text,text,text)' 'cancel_booking(uuid,text)' \
		'check_booking(text,date,time without time zone,text,text)' 'confirm_hold(uuid,text,text,text,text,jsonb)' 'expire_holds()' \
		'get_booking(uuid)' 'hold_slot(text,date,time without time zone,text,interval,text,text)' \
		'import_reservations(text,boolean)' 'import_run(text,boolean,timestamp without time zone)' 'lock_pool(bigint,date,text)' \
		'lock_service(bigint)' 'notify_wait(interval)' 'open_slots(text,date,date,integer,text,text)' 'release_hold(uuid)' \
		'reschedule_booking(uuid,date,time without time zone,text)' 'reschedule_reservation(bigint,date,time without time zone,text)' \
		'utilization(date,date,text,text)'; do
		printf 'timepool.%s|{%s=X/%s} ' "$f" "$me" "$me"
	done | sed -e "s/timepool.lock_pool/timepool.location_visible(bigint)|{$me=X\/$me,=X\/$me} &/" \
	           -e "s/timepool.utilization/timepool.resource_visible(bigint)|{$me=X\/$me,=X\/$me} &/")"
got=$(q "$E" "SELECT string_agg(c.relname || '|' || c.relkind::text || '|' || coalesce(c.relacl, acldefault('r', c.relowner))::text, ' ' ORDER BY c.relname)
                FROM pg_class c
               WHERE c.relnamespace = 'timepool'::regnamespace AND c.relkind NOT IN ('i', 'I', 'c') AND c.relname NOT IN ($E_RELS)")
expect "the new relations, 1.3's resource_services, 1.5's five report views, 1.6's notify_queue and import tables and 1.7's locations and location_staff, are for their owner alone (1.1's GRANT ... ON ALL TABLES does not reach them; booking_receipt's composite type is a type, below)" "$got" \
	"$(for r in daily_overview/v import_rows/r import_services/r import_statuses/r imported/r location_staff/r locations/r locations_id_seq/S nearly_full/v notify_queue/r overbooked_pools/v resource_services/r resource_stats/v service_stats/v; do
		printf '%s|%s|{%s=arwdDxt/%s} ' "${r%/*}" "${r#*/}" "$me" "$me"
	done | sed 's/ $//')"
got=$(q "$E" "SELECT string_agg(oid::regtype::text || '|' || coalesce(typacl::text, 'default'), ' ' ORDER BY oid::regtype::text COLLATE \"C\")
                FROM pg_type WHERE typnamespace = 'timepool'::regnamespace AND oid::regtype::text NOT IN ($E_TYPES)")
expect "the new types, 1.4's booking_receipt, the row types of resource_services, of 1.5's five views, of 1.6's notify_queue and import tables and of 1.7's locations and location_staff, and their arrays, have the default privileges" "$got" \
	"$(for t in booking_receipt daily_overview import_rows import_services import_statuses imported location_staff locations nearly_full notify_queue overbooked_pools resource_services resource_stats service_stats; do
		printf 'timepool.%s|default timepool.%s[]|default ' "$t" "$t"
	done | sed 's/ $//')"
tpsql "$E" -A -t -f "$WORK/trigger_grants.sql" >"$WORK/e.trigger_grants.after"
for f in audit_change audit_log_append_only fill_capacity invalidate_cache keep_service_code keep_triggers \
	locations_check_row reservations_before_write reservations_guard resources_location schedule_notify \
	settings_keep_row settings_keep_table touch_updated_at; do
	echo "timepool.$f()|$me"
done >"$WORK/want.e.trigger_grants.after"
expect_same_file "every trigger and event trigger function of timepool is EXECUTE for its owner alone (aclexplode of proacl)" \
	"$WORK/want.e.trigger_grants.after" "$WORK/e.trigger_grants.after"
got=$(q "$E" "SELECT string_agg(has_function_privilege('$BOOKING_ROLE', f, 'EXECUTE')::text, ',' ORDER BY n)
                FROM (VALUES (1, 'timepool.availability(date, text, text, text, text)'), (2, 'timepool.can_book(text, date, time, text, text)'),
                             (3, 'timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text, text)')) v(n, f)")
expect "$BOOKING_ROLE still has EXECUTE on availability, can_book, book_service" "$got" "true,true,true"
got=$(tpsql "$E" -A -t -c "SET ROLE $BOOKING_ROLE" \
	-c "SELECT 'availability: ' || count(*) FROM timepool.availability('2025-11-22')" \
	-c "SELECT 'can_book: ' || timepool.can_book('CONSULT', '2025-11-22', '09:00', 'DR_B')" \
	-c "SELECT 'booked: ' || id FROM timepool.book_service('CONSULT', '2025-11-22', '09:00', 'Max Site', p_resource => 'DR_B')" 2>&1) || true
expect_like "$BOOKING_ROLE after the update: availability, can_book and book_service work" \
	"$(printf '%s\n' "$got" | sed -n 's/^\(availability\|can_book\|booked\): //p' | tr '\n' ' ')" "[1-9]* true $((e_after + 1)) "
got=$(q "$E" "SELECT table_name || '|' || row_id || '|' || action || '|' || changed_by || '|' || session_role
                FROM timepool.audit_log ORDER BY id DESC LIMIT 1")
expect "its booking is audited as changed_by $BOOKING_ROLE" "$got" "reservations|$((e_after + 1))|INSERT|$BOOKING_ROLE|$me"

say "what 1.2 changed, in $E"
expect "reservation_history and bookable_services are security barriers (pg_class.reloptions)" "$(q "$E" "$SB_QUERY")" \
	"bookable_services=security_barrier=true reservation_history=security_barrier=true"
expect "settings has no primary key any more" "$(q "$E" "$PK_QUERY")" "0"
got=$(q "$E" "SELECT count(*) || '|' || min(id) || '|' || min(time_zone) || '|' || min(min_notice_minutes) || '|' || min(max_advance_days)
                FROM timepool.settings")
expect "settings has its one row, as it was (time zone $E_TZ, 120 minutes' notice, 90 days)" "$got" "1|1|$E_TZ|120|90"
expect "the event trigger timepool_keep_triggers exists, enabled always (A), on ALTER TABLE" "$(q "$E" "$ET_QUERY")" \
	"A|ddl_command_end|timepool.keep_triggers|ALTER TABLE"
got=$(qv "$E" "$SLOT_HUGE" 2>&1) || true
expect_like "clinic_time_slots with capacity_minutes 40000000: 23514, clinic_time_slots_capacity_range" "$got" \
	'*ERROR:  23514: new row for relation "clinic_time_slots" violates check constraint "clinic_time_slots_capacity_range"*'
got=$(qv "$E" "$OVERRIDE_HUGE" 2>&1) || true
expect_like "schedule_overrides with capacity_minutes 40000000: 23514, schedule_overrides_capacity_range" "$got" \
	'*ERROR:  23514: new row for relation "schedule_overrides" violates check constraint "schedule_overrides_capacity_range"*'
next_e=$(q "$E" "SELECT last_value + 1 FROM timepool.reservations_id_seq")
got=$(q "$E" "SELECT id FROM timepool.book_service('SKIN', '2025-11-22', '16:00', 'Ned New', p_resource => 'DR_A')" 2>&1) || true
expect "booking in a new session after the update works and gets the next id ($next_e)" "$got" "$next_e"
got=$(q "$E" "SELECT table_name || '|' || row_id || '|' || action || '|' || changed_by || '|' || (new_row ->> 'patient_name')
                     || '|' || (new_row ->> 'service_code') || '|' || (old_row IS NULL)
                FROM timepool.audit_log ORDER BY id DESC LIMIT 1")
expect "the booking is audited: one INSERT row for it" "$got" "reservations|$next_e|INSERT|$me|Ned New|SKIN|true"
got=$(q "$E" "SELECT action || '|' || new_status FROM timepool.reservation_history WHERE reservation_id = $e_pending ORDER BY audit_id")
expect "reservation_history still shows a reservation booked at 1.1" "$got" "INSERT|PENDING"

say "what 1.3 changed, in $E"
got=$(q "$E" "SELECT count(*) FILTER (WHERE max_concurrent IS NULL) || '/' || count(*) FROM timepool.resources")
expect "every resource of 1.1 has max_concurrent NULL (no clock limit)" "$got" "3/3"
expect "resource_services is empty" "$(q "$E" "SELECT count(*) FROM timepool.resource_services")" "0"
got=$(q "$E" "SELECT pg_get_indexdef('timepool.reservations_pool_idx'::regclass)")
expect "reservations_pool_idx is rebuilt with INCLUDE (required_minutes, start_time, end_time, hold_expires_at, status), EXPIRED left out (1.4, 1.5)" "$got" \
	"$POOL_IDX_15"

# 1.5 on 1.1's rows: as in $A but for the services' own minutes (CONSULT
# 40 for Cy and Dee, the plain INSERT a SKIN of 30)
say "what 1.5 made, in $E"
expect_util "utilization('2025-11-15', '2025-11-15') of the rows made at 1.1" "$E" 2025-11-15 2025-11-15 <<'EOF'
2025-11-15|DR_A|MORNING|09:00:00|12:00:00|f|180|90|90|2|0.5000|0|0|90|1
2025-11-15|DR_A|AFTERNOON|13:00:00|17:00:00|f|200|60|140|2|0.3000|0|0|60|1
2025-11-15|DR_B|MORNING|09:00:00|11:00:00|f|120|80|40|2|0.6667|40|40|0|1
2025-11-15|DR_B|EVENING|18:00:00|20:00:00|f|120|15|105|1|0.1250|0|0|15|1
EOF
expect "settings has nearly_full_percent 80 beside its own values" \
	"$(q "$E" "SELECT time_zone || '|' || min_notice_minutes || '|' || max_advance_days || '|' || nearly_full_percent FROM timepool.settings")" \
	"$E_TZ|120|90|80"

###########################################################################
say "the upgraded schema ($E) against the fresh one ($B)"
# The grants the test made to its roles are not the extension's: the
# privileges checks above were made with them; here they go, with DROP
# OWNED, which revokes what was granted to the roles (and would drop what
# they own: nothing).  pg_init_privs, the extension's own privileges as
# pg_dump sees them, stays as the update left it.  First: the roles' grants
# are all that tells $E from $B, line for line.
e_roles_re=$(printf '%s|' $BOOKING_ROLE $DESK_ROLE $ADMIN_ROLE)
e_roles_re="(${e_roles_re%|})"
got=$(q "$E" "SELECT count(*) FROM pg_shdepend
               WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND deptype = 'o'
                 AND refobjid IN (SELECT oid FROM pg_roles WHERE rolname ~ '^$e_roles_re\$')")
expect "$E: the test's roles own no object (DROP OWNED only revokes)" "$got" "0"
mkdir -p "$WORK/$E.granted"
dump_binary "$E" >"$WORK/$E.granted/schema-binary-upgrade.sql"
tpsql "$E" -A -t -f "$WORK/catalogue.sql" >"$WORK/$E.granted/catalogue"
for f in schema-binary-upgrade.sql catalogue; do
	diff "$WORK/$E.granted/$f" "$WORK/$B/$f" >"$WORK/diff.granted" || true
	mine=$(grep -c '^< ' "$WORK/diff.granted" || true)
	theirs=$(grep -c '^> ' "$WORK/diff.granted" || true)
	# (the dump's header of an ACL section that only the grants make is no difference of its own)
	other=$(grep -E '^< ' "$WORK/diff.granted" | grep -v -E "^< (--( Name: [^;]*; Type: ACL; .*)?)?\$" |
		grep -c -v -E "$e_roles_re" || true)
	expect_like "with the grants, $E's $f differs from $B's only in lines that name the test's roles ($mine against $theirs)" \
		"$other $mine" "0 [1-9]*"
done
got=$(diff "$WORK/$E.granted/catalogue" "$WORK/$B/catalogue" | grep -c '^> ' || true)
expect "and in the catalogue each such line stands for one of $B's (the same objects, other ACLs)" "$got" \
	"$(diff "$WORK/$E.granted/catalogue" "$WORK/$B/catalogue" | grep -c '^< ' || true)"
# pg_dump leaves out what pg_init_privs holds: a grant of the test's that
# the update recorded there would be lost by a dump and restore
got=$(grep -E '^initial privileges of ' "$WORK/$E.granted/catalogue" | grep -c -E "$e_roles_re" || true)
expect "the update recorded none of the test's grants as the extension's own (pg_init_privs)" "$got" "0"
tpsql "$E" -c "DROP OWNED BY $BOOKING_ROLE, $DESK_ROLE, $ADMIN_ROLE"
compare_with_fresh "$E" "$B"

say "$E after the comparison: the event trigger works"
# ENABLE TRIGGER ALL (what a data-only restore ends with) makes ALWAYS
# triggers ordinary; timepool_keep_triggers sets them back
tpsql "$E" -c "ALTER TABLE timepool.audit_log ENABLE TRIGGER ALL"
got=$(q "$E" "SELECT tgenabled FROM pg_trigger WHERE tgrelid = 'timepool.audit_log'::regclass AND tgname = 'audit_log_append_only'")
expect "after ALTER TABLE timepool.audit_log ENABLE TRIGGER ALL, audit_log_append_only is ALWAYS again (A)" "$got" "A"
# DR_B's morning of 2025-11-22 (120) holds Max's CONSULT at 09:00 (40)
expect_notify "$E at 1.5: a listener gets DR_B's morning of 2025-11-22 after a CONSULT booked there (120 minutes, 80 booked), nothing for the one rolled back" \
	"$E" "SELECT id FROM timepool.book_service('CONSULT', '2025-11-22', '09:40', 'Listened To', p_resource => 'DR_B')" \
	'{"resource": "DR_B", "date": "2025-11-22", "period": "MORNING", "total_minutes": 120, "booked_minutes": 80, "remaining_minutes": 40}'

###########################################################################
# The 1.2 path: a database made at 1.2, with bookings of one doctor that
# overlap on the clock (1.2 had no clock rule), updated to 1.3.
say "building $F at version 1.2, with bookings of DR_A that overlap on the clock"
createdb "$F"
tpsql "$F" <<'SQL'
CREATE EXTENSION timepool VERSION '1.2';
INSERT INTO timepool.resources (code, name) VALUES
  ('DR_A', 'Doctor A'), ('DR_B', 'Doctor B'), ('ROOM_X', 'Old room');
UPDATE timepool.resources SET is_active = false WHERE code = 'ROOM_X';
INSERT INTO timepool.service_categories (code, name, display_order) VALUES
  ('GENERAL', 'General', 1), ('IMAGING', 'Imaging', 2), ('UNUSED', 'No service yet', 9);
INSERT INTO timepool.services
  (code, name, description, category, duration_minutes, buffer_minutes, price, display_order,
   min_notice_minutes, max_advance_days, daily_cap_minutes) VALUES
  ('CONSULT', 'Consultation', NULL, 'GENERAL', 30, 10, 50.00, 1, NULL, NULL, NULL),
  ('SKIN', 'Skin check', 'a look', 'GENERAL', 20, 10, 40.00, 2, 30, 60, 300),
  ('XRAY', 'X-ray (old)', NULL, 'IMAGING', 25, 5, 70.00, 3, NULL, 14, NULL),
  ('FACIAL', 'Facial', NULL, NULL, 45, 15, 90.00, 4, 2880, NULL, NULL);
\i test/schedule.sql
UPDATE timepool.settings SET time_zone = 'Europe/Paris', min_notice_minutes = 60, max_advance_days = 120;
SQL
book_f() { q "$F" "SELECT id FROM timepool.book_service($1)"; }
f_pending=$(book_f "'CONSULT', '2025-11-15', '09:00', 'Ann Pending', p_resource => 'DR_A'")
book_f "'SKIN', '2025-11-15', '10:00', 'Bob Confirmed', '+1 555 0100', 'bob@example.com', 'first visit', '{\"lang\": \"en\"}', 'DR_A', 'CONFIRMED', 'idem-bob'" >/dev/null
f_completed=$(book_f "'CONSULT', '2025-11-15', '09:00', 'Cy Completed', p_resource => 'DR_B'")
f_noshow=$(book_f "'CONSULT', '2025-11-15', '09:40', 'Dee No-show', p_resource => 'DR_B', p_status => 'CONFIRMED'")
f_rejected=$(book_f "'CONSULT', '2025-11-17', '08:00', 'Eve Rejected'")
f_cancelled=$(book_f "'CONSULT', '2025-11-17', '11:00', 'Fay Cancelled', p_idempotency_key => 'idem-fay'")
book_f "'XRAY', '2025-11-15', '13:00', 'Hal X-ray', p_resource => 'DR_A'" >/dev/null
f_gil=$(book_f "'CONSULT', '2025-11-15', '18:00', 'Gil Evening', p_resource => 'DR_B'")
# the clock: four bookings of DR_A at the same 09:00 on Monday, the minutes
# of its DAY pool (480) allowing them
f_overlaps=""
for p in 'Ovl One' 'Ovl Two' 'Ovl Three' 'Ovl Four'; do
	f_overlaps="$f_overlaps$(book_f "'CONSULT', '2025-11-17', '09:00', '$p', p_resource => 'DR_A'"),"
done
f_overlaps=${f_overlaps%,}
echo "# booked reservations $f_pending..${f_overlaps##*,} in $F; the four at 09:00: $f_overlaps"
expect "$F at 1.2: COMPLETED and NO_SHOW before the start (2025-11-15 09:00, today $TODAY) are allowed, as in 1.2" \
	"$(before_start_moves "$F" "$f_pending")" "confirmed: CONFIRMED function: COMPLETED update: NO_SHOW "
expect "$F at 1.2: a plain INSERT of 30 minutes into a pool with 40 left is accepted" \
	"$(insert_that_fits "$F")" "left: 40 insert: 30 "
tpsql "$F" <<SQL
SELECT timepool.set_reservation_status($f_completed, 'CONFIRMED') \\g /dev/null
SET timepool.now = '$STARTED';
SELECT timepool.set_reservation_status($f_completed, 'COMPLETED') \\g /dev/null
SELECT timepool.set_reservation_status($f_noshow, 'NO_SHOW') \\g /dev/null
RESET timepool.now;
SELECT timepool.set_reservation_status($f_rejected, 'REJECTED') \\g /dev/null
SELECT timepool.cancel_reservation($f_cancelled, 'patient called') \\g /dev/null
-- a plain INSERT over Gil's window (18:00-18:40) on DR_B: 1.2 has no clock rule
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
  SELECT r.id, s.id, '2025-11-15', '18:10', 'Ida Insert'
    FROM timepool.resources r, timepool.services s WHERE r.code = 'DR_B' AND s.code = 'SKIN';
-- a failed insert burns a value of resources_id_seq
DO \$\$ BEGIN
  INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'duplicate');
EXCEPTION WHEN unique_violation THEN NULL;
END \$\$;
-- the old XRAY retired (its reservation stays), a hidden successor under its code
SELECT 1 FROM timepool.delete_service('XRAY', true) \\g /dev/null
INSERT INTO timepool.services (code, name, category, duration_minutes, price, display_order, is_visible)
  VALUES ('XRAY', 'X-ray', 'IMAGING', 20, 80.00, 3, false);
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed, reason)
  SELECT id, '2025-11-29', true, 'sick leave' FROM timepool.resources WHERE code = 'DR_A';
SQL

expect "$F is at version 1.2" "$(q "$F" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" "1.2"
got=$(q "$F" "SELECT string_agg(status || '=' || n, ' ' ORDER BY status)
                FROM (SELECT status, count(*) n FROM timepool.reservations GROUP BY status) s")
expect "$F has reservations in every status" "$got" "CANCELLED=1 COMPLETED=1 CONFIRMED=1 NO_SHOW=1 PENDING=8 REJECTED=1"
# DR_A's holding reservations at 09:00 on 2025-11-17, and DR_B's that
# overlap Gil's window on 2025-11-15
F_AT_NINE="SELECT string_agg(x.id::text, ',' ORDER BY x.id) FROM timepool.reservations x JOIN timepool.resources r ON r.id = x.resource_id
            WHERE r.code = 'DR_A' AND x.reservation_date = '2025-11-17' AND x.start_time = '09:00' AND x.status NOT IN ('CANCELLED', 'REJECTED')"
F_OVER_GIL="SELECT string_agg(x.patient_name, ',' ORDER BY x.id) FROM timepool.reservations x, timepool.reservations c
            WHERE c.id = $f_gil AND x.resource_id = c.resource_id AND x.reservation_date = c.reservation_date
              AND x.start_time < c.end_time AND c.start_time < x.end_time AND x.status NOT IN ('CANCELLED', 'REJECTED')"
expect "$F at 1.2: the 1.3 library booked four of DR_A at 09:00 on 2025-11-17 (1.2 has no clock limit)" "$(q "$F" "$F_AT_NINE")" "$f_overlaps"
expect "$F at 1.2: and a plain INSERT over Gil's window on DR_B" "$(q "$F" "$F_OVER_GIL")" "Gil Evening,Ida Insert"
got=$(q "$F" "SELECT count(*) FROM pg_attribute WHERE attrelid = 'timepool.resources'::regclass AND attname = 'max_concurrent'")
expect "$F at 1.2: no max_concurrent yet" "$got" "0"
got=$(q "$F" "SELECT string_agg(DISTINCT table_name, ',' ORDER BY table_name) FROM timepool.audit_log")
expect "$F at 1.2: audit_log has rows of every audited table" "$got" \
	"clinic_time_slots,reservations,resources,schedule_overrides,service_categories,services,settings"

F_TABLES=$(q "$F" "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class
                    WHERE relnamespace = 'timepool'::regnamespace AND relkind IN ('r', 'p')")
expect "$F: the tables of 1.2" "$F_TABLES" \
	"audit_log clinic_time_slots reservations resources schedule_overrides service_categories services settings"
F_SEQS=$(q "$F" "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class
                  WHERE relnamespace = 'timepool'::regnamespace AND relkind = 'S'")
F_RELS=$(q "$F" "SELECT string_agg(quote_literal(relname), ', ' ORDER BY relname) FROM pg_class
                  WHERE relnamespace = 'timepool'::regnamespace AND relkind NOT IN ('i', 'I')")
record_columns "$F" "$F_TABLES"
F_TYPES=$(q "$F" "$TYPES_QUERY")
snapshot_sql "$WORK/f.before" "$F" "$F_TABLES" "$F_SEQS" "$F_RELS" "$F_TYPES" >"$WORK/f.snapshot_before.sql"
snapshot_sql "$WORK/f.after" "$F" "$F_TABLES" "$F_SEQS" "$F_RELS" "$F_TYPES" >"$WORK/f.snapshot_after.sql"
F_INSERT_OVERLAP="INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
  SELECT r.id, s.id, '2025-11-17', '09:30', 'Uma Insert' FROM timepool.resources r, timepool.services s
   WHERE r.code = 'DR_A' AND s.code = 'SKIN' RETURNING 'inserted ' || id"
cat >"$WORK/f.session.sql" <<SQL
SELECT 'availability: ' || count(*) FROM timepool.availability('2025-11-17');
SELECT 'can_book before: ' || timepool.can_book('CONSULT', '2025-11-17', '09:00', 'DR_A');
SELECT 'booked before: ' || id FROM timepool.book_service('CONSULT', '2025-11-17', '09:00', 'Pat Fifth', p_resource => 'DR_A');
SELECT 'audit before: ' || count(*) || '/' || coalesce(max(id), 0) FROM timepool.audit_log;
\\i $WORK/f.snapshot_before.sql
ALTER EXTENSION timepool UPDATE;
\\echo 'update:' :SQLSTATE
SELECT 'audit after: ' || count(*) || '/' || coalesce(max(id), 0) FROM timepool.audit_log;
\\i $WORK/f.snapshot_after.sql
SELECT 'version: ' || extversion FROM pg_extension WHERE extname = 'timepool';
SELECT 'limits: ' || string_agg(code || '=' || coalesce(max_concurrent::text, 'NULL'), ' ' ORDER BY id) FROM timepool.resources;
SELECT 'can_book no limit: ' || timepool.can_book('CONSULT', '2025-11-17', '09:00', 'DR_A');
SELECT 'booked no limit: ' || id FROM timepool.book_service('CONSULT', '2025-11-17', '09:00', 'Quin Sixth', p_resource => 'DR_A');
\\echo 'booked no limit sqlstate:' :SQLSTATE
UPDATE timepool.resources SET max_concurrent = 1;
SELECT 'can_book limit 1: ' || timepool.can_book('CONSULT', '2025-11-17', '09:00', 'DR_A');
SELECT 'booked limit 1: ' || id FROM timepool.book_service('CONSULT', '2025-11-17', '09:20', 'Rae Refused', p_resource => 'DR_A');
\\echo 'booked limit 1 sqlstate:' :SQLSTATE
$F_INSERT_OVERLAP;
\\echo 'insert limit 1 sqlstate:' :SQLSTATE
SELECT 'booked free: ' || id FROM timepool.book_service('CONSULT', '2025-11-17', '14:00', 'Sam Free', p_resource => 'DR_A');
SELECT 'availability after: ' || count(*) FROM timepool.availability('2025-11-17');
SQL

###########################################################################
say "ALTER EXTENSION timepool UPDATE in $F, in a session that used timepool at 1.2"
session=$(tpsql "$F" -A -t -v ON_ERROR_STOP=0 -v VERBOSITY=verbose -f "$WORK/f.session.sql" 2>&1) || true
printf '%s\n' "$session" | sed 's/^/#   session: /'
expect_like "the upgrade session: availability at 1.2 lists pools" "$(field availability)" "[1-9]*"
expect "the upgrade session at 1.2: can_book CONSULT at 09:00 on DR_A, four bookings there already, is true" \
	"$(field "can_book before")" "true"
f_before=$(field "booked before")
expect_like "the upgrade session at 1.2: a fifth booking at 09:00 on DR_A" "$f_before" "[1-9]*"
expect "ALTER EXTENSION timepool UPDATE succeeds" "$(field update)" "00000"
expect "the version is $LATEST" "$(field version)" "$LATEST"
expect "pg_extension says $LATEST" "$(q "$F" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" "$LATEST"
audit_before=$(field "audit before")
expect_like "audit_log has rows before the update ($audit_before: count/max id)" "$audit_before" "[1-9]*/[1-9]*"
expect "audit_log gained no row from the update itself" "$(field "audit after")" "$audit_before"
expect "the same session after the update: every existing resource has max_concurrent NULL" "$(field limits)" \
	"DR_A=NULL DR_B=NULL ROOM_X=NULL"
expect "the same session, DR_A without a limit: can_book CONSULT at 09:00 is still true" "$(field "can_book no limit")" "true"
f_sixth=$(field "booked no limit")
expect "the same session, DR_A without a limit: a sixth booking at 09:00 is accepted and gets the next id" \
	"$f_sixth ($(field "booked no limit sqlstate"))" "$((f_before + 1)) (00000)"
expect "the same session, after UPDATE timepool.resources SET max_concurrent = 1: can_book CONSULT at 09:00 is false" \
	"$(field "can_book limit 1")" "false"
expect "and book_service overlapping them (09:20) is refused with TP007" "$(field "booked limit 1 sqlstate")" "TP007"
expect_like "with TP007's message" "$session" "*ERROR:  TP007: resource DR_A is busy from 09:20 to 10:00 on 2025-11-17*"
expect "and a plain INSERT overlapping them (09:30) is refused with TP007" "$(field "insert limit 1 sqlstate")" "TP007"
# (the refused INSERT took a value of reservations_id_seq: the id is not checked)
expect_like "and a booking at a free time (14:00) is accepted" "$(field "booked free")" "[1-9]*"
expect "the same session after the update: availability lists as many pools" \
	"$(field "availability after")" "$(field availability)"

for t in $F_TABLES; do
	expect_same_file "after the update: every row of $t is unchanged (1.2's columns)" "$WORK/f.before/table.$t" "$WORK/f.after/table.$t"
done
for t in $F_SEQS; do
	expect_same_file "after the update: $t is unchanged" "$WORK/f.before/seq.$t" "$WORK/f.after/seq.$t"
done
expect_same_file "after the update: the privileges on 1.2's tables, views and sequences are unchanged" \
	"$WORK/f.before/acl.relations" "$WORK/f.after/acl.relations"
expect_same_file "after the update: the privileges on the schema and 1.2's types are unchanged" \
	"$WORK/f.before/acl.schema_types" "$WORK/f.after/acl.schema_types"
got=$(for f in "$WORK"/f.before/table.* "$WORK"/f.before/seq.*; do
	[ -s "$f" ] || printf '%s ' "${f##*/}"
done)
expect "the snapshot has a line or more in each file (tables, sequences)" "$got" ""
expect "the snapshot of reservations has every reservation (14)" "$(wc -l <"$WORK/f.before/table.reservations")" "14"

say "$F after the update: the overlapping reservations, the clock limit, who performs what"
expect "DR_A's reservations at 09:00 on 2025-11-17 are all there and holding: the four, the fifth and the sixth" \
	"$(q "$F" "$F_AT_NINE")" "$f_overlaps,$f_before,$f_sixth"
expect "and DR_B's over Gil's window" "$(q "$F" "$F_OVER_GIL")" "Gil Evening,Ida Insert"
got=$(q "$F" "SELECT count(*) FROM timepool.reservations WHERE patient_name IN ('Rae Refused', 'Uma Insert')")
expect "the refused booking and INSERT left no row" "$got" "0"
got=$(q "$F" "SELECT string_agg(code || '=' || max_concurrent, ' ' ORDER BY id) FROM timepool.resources")
expect "the UPDATE set every resource's max_concurrent to 1 (and touched no reservation)" "$got" "DR_A=1 DR_B=1 ROOM_X=1"
got=$(q "$F" "SELECT string_agg(action || ':' || (old_row ->> 'code') || ':' || coalesce(old_row ->> 'max_concurrent', 'NULL') || '>' || (new_row ->> 'max_concurrent'), ' ' ORDER BY id)
                FROM timepool.audit_log WHERE table_name = 'resources' AND id > ${audit_before#*/}")
expect "that UPDATE is audited, from NULL to 1, a row per resource" "$got" \
	"UPDATE:DR_A:NULL>1 UPDATE:DR_B:NULL>1 UPDATE:ROOM_X:NULL>1"
got=$(q "$F" "SELECT pg_get_indexdef('timepool.reservations_pool_idx'::regclass)")
expect "reservations_pool_idx is rebuilt with INCLUDE (required_minutes, start_time, end_time, hold_expires_at, status), EXPIRED left out (1.4, 1.5)" "$got" \
	"$POOL_IDX_15"
got=$(q "$F" "INSERT INTO timepool.resources (code, name) VALUES ('DR_NEW', 'New doctor') RETURNING max_concurrent" 2>&1) || true
expect "a resource inserted after the update gets max_concurrent 1 (the default)" "$got" "1"
got=$(qv "$F" "INSERT INTO timepool.resources (code, name, max_concurrent) VALUES ('DR_ZERO', 'Zero', 0)" 2>&1) || true
expect_like "max_concurrent 0 is refused (23514, resources_max_concurrent_range)" "$got" \
	'*ERROR:  23514: new row for relation "resources" violates check constraint "resources_max_concurrent_range"*'
got=$(q "$F" "SELECT count(*) FROM timepool.resource_services")
expect "resource_services is empty after the update" "$got" "0"
q "$F" "INSERT INTO timepool.resource_services (resource_id, service_id)
          SELECT r.id, s.id FROM timepool.resources r, timepool.services s
           WHERE r.code = 'DR_B' AND s.code = 'SKIN'" >/dev/null
got=$(qv "$F" "SELECT id FROM timepool.book_service('CONSULT', '2025-11-22', '09:00', 'Vic Not performed', p_resource => 'DR_B')" 2>&1) || true
expect_like "once resource_services says DR_B performs SKIN only, CONSULT on DR_B is refused (TP008)" "$got" \
	"*TP008: resource DR_B does not perform CONSULT*"
next_f=$(q "$F" "SELECT last_value + 1 FROM timepool.reservations_id_seq")
got=$(q "$F" "SELECT id FROM timepool.book_service('CONSULT', '2025-11-22', '10:00', 'Wes New', p_resource => 'DR_A')" 2>&1) || true
expect "booking in a new session after the update works and gets the next id ($next_f)" "$got" "$next_f"
got=$(q "$F" "SELECT table_name || '|' || row_id || '|' || action || '|' || (new_row ->> 'patient_name') FROM timepool.audit_log ORDER BY id DESC LIMIT 1")
expect "the booking is audited" "$got" "reservations|$next_f|INSERT|Wes New"

# 1.5 on 1.2's rows.  2025-11-15: DR_A's morning Ann's CONSULT (40) and
# Bob's SKIN (30), its afternoon Hal's XRAY (30); DR_B's morning Cy (40,
# COMPLETED) and Dee (40, NO_SHOW), its evening Gil's CONSULT at 18:00 (40)
# and Ida's SKIN inserted at 18:10 (30): two at once.  2025-11-17: DR_A's
# DAY (480) the six CONSULTs at 09:00 (the four, the fifth, the sixth) and
# Sam's at 14:00, 7 x 40.  Every resource now has the clock limit 1, so
# overbooked_pools lists those two pools: within their minutes, over the
# clock (2 of 1, 6 of 1).
say "what 1.5 made, in $F"
expect_util "utilization('2025-11-15', '2025-11-15') of the rows made at 1.2: DR_B's evening has two at once" "$F" 2025-11-15 2025-11-15 <<'EOF'
2025-11-15|DR_A|MORNING|09:00:00|12:00:00|f|180|70|110|2|0.3889|0|0|70|1
2025-11-15|DR_A|AFTERNOON|13:00:00|17:00:00|f|200|30|170|1|0.1500|0|0|30|1
2025-11-15|DR_B|MORNING|09:00:00|11:00:00|f|120|80|40|2|0.6667|40|40|0|1
2025-11-15|DR_B|EVENING|18:00:00|20:00:00|f|120|70|50|2|0.5833|0|0|70|2
EOF
expect_util "utilization('2025-11-17', '2025-11-17'): DR_A's DAY holds 7 CONSULTs, six of them at once" "$F" 2025-11-17 2025-11-17 <<'EOF'
2025-11-17|DR_A|DAY|08:00:00|16:00:00|f|480|280|200|7|0.5833|0|0|280|6
EOF
f_ida=$(q "$F" "SELECT id FROM timepool.reservations WHERE patient_name = 'Ida Insert'")
f_sam=$(field "booked free")
expect "overbooked_pools: DR_B's evening of 2025-11-15 (2 at once, limit 1) and DR_A's DAY of 2025-11-17 (6 at once, limit 1), each with its reservations by start" \
	"$(q "$F" "SELECT * FROM timepool.overbooked_pools ORDER BY date, resource, period" 2>&1)" \
	"DR_B|2025-11-15|EVENING|120|70|0|2|1|1|{$f_gil,$f_ida}|MAIN
DR_A|2025-11-17|DAY|480|280|0|6|1|5|{$f_overlaps,$f_before,$f_sixth,$f_sam}|MAIN"

say "the upgraded schema ($F) against the fresh one ($B)"
compare_with_fresh "$F" "$B"
# DR_A's morning of 2025-11-22 (the override, 90) holds Wes's CONSULT at
# 10:00 (40); DR_A's limit is 1, and 11:00 is free
expect_notify "$F at 1.5: a listener gets DR_A's morning of 2025-11-22 after a CONSULT booked there (90 minutes, 80 booked), nothing for the one rolled back" \
	"$F" "SELECT id FROM timepool.book_service('CONSULT', '2025-11-22', '11:00', 'Listened To', p_resource => 'DR_A')" \
	'{"resource": "DR_A", "date": "2025-11-22", "period": "MORNING", "total_minutes": 90, "booked_minutes": 80, "remaining_minutes": 10}'

###########################################################################
# The 1.3 path: a database made at 1.3 with 1.3's features in use (a clock
# limit of 2, one resource without a limit, resource_services), roles with
# EXECUTE on book_service, updated to 1.5 (1.4 drops book_service and
# creates it again with the grants it had).
say "building $G at version 1.3, with max_concurrent, resource_services and roles granted book_service"
# the 1.3 signature, then (1.7 adds p_location) the one it has once updated
BOOK_SERVICE_13="timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text)"
BOOK_SERVICE="timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text, text)"
createdb "$G"
tpsql "$G" <<SQL
CREATE EXTENSION timepool VERSION '1.3';
CREATE ROLE $G_SITE NOLOGIN;
CREATE ROLE $G_DESK NOLOGIN;
CREATE ROLE $G_MEMBER NOLOGIN IN ROLE $G_SITE;
GRANT EXECUTE ON FUNCTION $BOOK_SERVICE_13 TO $G_SITE;
GRANT EXECUTE ON FUNCTION $BOOK_SERVICE_13 TO $G_DESK WITH GRANT OPTION;
GRANT EXECUTE ON FUNCTION timepool.cancel_reservation(bigint, text), timepool.set_reservation_status(bigint, text) TO $G_DESK;
GRANT SELECT ON timepool.reservations TO $G_DESK;
INSERT INTO timepool.resources (code, name, max_concurrent) VALUES
  ('DR_A', 'Doctor A', 2), ('DR_B', 'Doctor B', NULL), ('ROOM_X', 'Old room', 1);
UPDATE timepool.resources SET is_active = false WHERE code = 'ROOM_X';
INSERT INTO timepool.service_categories (code, name, display_order) VALUES ('GENERAL', 'General', 1), ('IMAGING', 'Imaging', 2);
INSERT INTO timepool.services
  (code, name, description, category, duration_minutes, buffer_minutes, price, display_order,
   min_notice_minutes, max_advance_days, daily_cap_minutes, is_visible) VALUES
  ('CONSULT', 'Consultation', NULL, 'GENERAL', 30, 10, 50.00, 1, NULL, NULL, NULL, true),
  ('SKIN', 'Skin check', 'a look', 'GENERAL', 20, 10, 40.00, 2, 30, 60, 300, true),
  ('XRAY', 'X-ray', NULL, 'IMAGING', 25, 5, 70.00, 3, NULL, 14, NULL, false);
-- DR_B performs SKIN only (1.3)
INSERT INTO timepool.resource_services (resource_id, service_id)
  SELECT r.id, s.id FROM timepool.resources r, timepool.services s WHERE r.code = 'DR_B' AND s.code = 'SKIN';
\i test/schedule.sql
UPDATE timepool.settings SET time_zone = 'Europe/Paris', min_notice_minutes = 60, max_advance_days = 120;
SQL
book_g() { tpsql "$G" -A -t -c "SET ROLE $G_SITE" -c "SELECT id FROM timepool.book_service($1)"; }
g_pending=$(book_g "'CONSULT', '2025-11-15', '09:00', 'Ann Pending', p_resource => 'DR_A'")
g_idem=$(book_g "'SKIN', '2025-11-15', '10:00', 'Bob Confirmed', '+1 555 0100', 'bob@example.com', 'first visit', '{\"lang\": \"en\"}', 'DR_A', 'CONFIRMED', 'idem-bob'")
g_completed=$(book_g "'SKIN', '2025-11-15', '09:00', 'Cy Completed', p_resource => 'DR_B'")
g_noshow=$(book_g "'SKIN', '2025-11-15', '09:40', 'Dee No-show', p_resource => 'DR_B', p_status => 'CONFIRMED'")
g_rejected=$(book_g "'CONSULT', '2025-11-17', '08:00', 'Eve Rejected'")
g_cancelled=$(book_g "'CONSULT', '2025-11-17', '11:00', 'Fay Cancelled', p_idempotency_key => 'idem-fay'")
g_xray=$(book_g "'XRAY', '2025-11-15', '13:00', 'Hal X-ray', p_resource => 'DR_A'")
# DR_A's clock limit is 2: two at 09:00 on Monday
g_two="$(book_g "'CONSULT', '2025-11-17', '09:00', 'Two One', p_resource => 'DR_A'"),$(book_g "'CONSULT', '2025-11-17', '09:00', 'Two Two', p_resource => 'DR_A'")"
echo "# booked reservations $g_pending..${g_two#*,} in $G; the two at 09:00: $g_two"
G_THIRD="SELECT id FROM timepool.book_service('CONSULT', '2025-11-17', '09:10', 'Three Refused', p_resource => 'DR_A')"
got=$(qv "$G" "$G_THIRD" 2>&1) || true
expect_like "$G at 1.3: a third overlapping booking on DR_A (max_concurrent 2) is refused (TP007)" "$got" "*TP007: resource DR_A is busy*"
G_NOT_PERFORMED="SELECT id FROM timepool.book_service('CONSULT', '2025-11-22', '09:00', 'Not Performed', p_resource => 'DR_B')"
got=$(qv "$G" "$G_NOT_PERFORMED" 2>&1) || true
expect_like "$G at 1.3: CONSULT on DR_B, which performs SKIN only, is refused (TP008)" "$got" "*TP008: resource DR_B does not perform CONSULT*"
tpsql "$G" <<SQL
SET timepool.now = '$STARTED';
SET ROLE $G_DESK;
SELECT timepool.set_reservation_status($g_completed, 'CONFIRMED') \\g /dev/null
SELECT timepool.set_reservation_status($g_completed, 'COMPLETED') \\g /dev/null
SELECT timepool.set_reservation_status($g_noshow, 'NO_SHOW') \\g /dev/null
SELECT timepool.set_reservation_status($g_rejected, 'REJECTED') \\g /dev/null
SELECT timepool.cancel_reservation($g_cancelled, 'patient called') \\g /dev/null
RESET ROLE;
RESET timepool.now;
-- a plain INSERT (the guard fills the rest)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
  SELECT r.id, s.id, '2025-11-15', '14:00', 'Ida Insert'
    FROM timepool.resources r, timepool.services s WHERE r.code = 'DR_A' AND s.code = 'SKIN';
SELECT 1 FROM timepool.delete_service('XRAY', true) \\g /dev/null
SQL
expect "$G is at version 1.3" "$(q "$G" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" "1.3"
got=$(q "$G" "SELECT string_agg(status || '=' || n, ' ' ORDER BY status)
                FROM (SELECT status, count(*) n FROM timepool.reservations GROUP BY status) s")
expect "$G has reservations in every status of 1.3" "$got" "CANCELLED=1 COMPLETED=1 CONFIRMED=1 NO_SHOW=1 PENDING=5 REJECTED=1"
got=$(q "$G" "SELECT string_agg(r.code || '>' || s.code, ' ') FROM timepool.resource_services x
                JOIN timepool.resources r ON r.id = x.resource_id JOIN timepool.services s ON s.id = x.service_id")
expect "$G: resource_services says DR_B performs SKIN" "$got" "DR_B>SKIN"
# the privileges on book_service, as aclexplode lists them (grantee,
# grantor, grant option), before the update
G_BOOK_ACL="SELECT string_agg(pg_get_userbyid(a.grantee) || ':' || pg_get_userbyid(a.grantor) || ':' || a.is_grantable, ' '
                                ORDER BY pg_get_userbyid(a.grantee))
              FROM pg_proc p, aclexplode(p.proacl) a WHERE p.oid = 'SIG'::regprocedure"
g_book_acl=$(q "$G" "${G_BOOK_ACL/SIG/$BOOK_SERVICE_13}")
expect "$G at 1.3: EXECUTE on book_service for the owner, $G_DESK (with grant option) and $G_SITE" "$g_book_acl" \
	"$me:$me:false $G_DESK:$me:true $G_SITE:$me:false"
G_INIT_PRIVS="SELECT coalesce(string_agg(i.initprivs::text, ' '), '<none>') FROM pg_init_privs i
                WHERE i.classoid = 'pg_proc'::regclass AND i.objoid = 'SIG'::regprocedure AND i.objsubid = 0"
expect "$G at 1.3: pg_init_privs of book_service is the owner's EXECUTE alone" "$(q "$G" "${G_INIT_PRIVS/SIG/$BOOK_SERVICE_13}")" "{$me=X/$me}"

G_TABLES=$(q "$G" "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class
                    WHERE relnamespace = 'timepool'::regnamespace AND relkind IN ('r', 'p')")
expect "$G: the tables of 1.3" "$G_TABLES" \
	"audit_log clinic_time_slots reservations resource_services resources schedule_overrides service_categories services settings"
G_SEQS=$(q "$G" "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class
                  WHERE relnamespace = 'timepool'::regnamespace AND relkind = 'S'")
G_RELS=$(q "$G" "SELECT string_agg(quote_literal(relname), ', ' ORDER BY relname) FROM pg_class
                  WHERE relnamespace = 'timepool'::regnamespace AND relkind NOT IN ('i', 'I')")
record_columns "$G" "$G_TABLES"
G_TYPES=$(q "$G" "$TYPES_QUERY")
snapshot_sql "$WORK/g.before" "$G" "$G_TABLES" "$G_SEQS" "$G_RELS" "$G_TYPES" >"$WORK/g.snapshot_before.sql"
snapshot_sql "$WORK/g.after" "$G" "$G_TABLES" "$G_SEQS" "$G_RELS" "$G_TYPES" >"$WORK/g.snapshot_after.sql"
# each table's count and checksum (1.3's columns), in the same session
for t in $G_TABLES; do
	printf "SELECT 'sum %s: ' || count(*) || ' ' || md5(coalesce(string_agg(ROW(%s)::text, ',' ORDER BY %s), '')) FROM timepool.%s t;\n" \
		"$t" "${COLS[$G.$t]}" "$(key_of "$t")" "$t"
done >"$WORK/g.sums.sql"
cat >"$WORK/g.session.sql" <<SQL
SELECT 'booked before: ' || id FROM timepool.book_service('CONSULT', '2025-11-22', '13:00', 'Kim Before', p_resource => 'DR_A');
SELECT 'audit before: ' || count(*) || '/' || coalesce(max(id), 0) FROM timepool.audit_log;
SELECT 'hold_slot before: ' || count(*) FROM pg_proc WHERE proname = 'hold_slot';
\\i $WORK/g.snapshot_before.sql
\\i $WORK/g.sums.sql
ALTER EXTENSION timepool UPDATE;
\\echo 'update:' :SQLSTATE
SELECT 'audit after: ' || count(*) || '/' || coalesce(max(id), 0) FROM timepool.audit_log;
\\i $WORK/g.snapshot_after.sql
\\echo 'after the update'
\\i $WORK/g.sums.sql
SELECT 'version: ' || extversion FROM pg_extension WHERE extname = 'timepool';
SELECT 'third after: ' || id FROM timepool.book_service('CONSULT', '2025-11-17', '09:10', 'Three Refused', p_resource => 'DR_A');
\\echo 'third after sqlstate:' :SQLSTATE
SELECT 'held after: ' || status || ' ' || (hold_expires_at IS NOT NULL) FROM timepool.hold_slot('CONSULT', '2025-11-22', '14:00', 'DR_A');
SELECT 'booked after: ' || id || ' ' || created FROM timepool.book_service('CONSULT', '2025-11-22', '15:00', 'Lou After', p_resource => 'DR_A');
SQL

say "ALTER EXTENSION timepool UPDATE in $G, in a session that used timepool at 1.3"
session=$(tpsql "$G" -A -t -v ON_ERROR_STOP=0 -v VERBOSITY=verbose -f "$WORK/g.session.sql" 2>&1) || true
printf '%s\n' "$session" | sed 's/^/#   session: /'
g_before=$(field "booked before")
expect_like "the upgrade session at 1.3: a booking before the update" "$g_before" "[1-9]*"
expect "the upgrade session at 1.3: no hold_slot yet" "$(field "hold_slot before")" "0"
expect "ALTER EXTENSION timepool UPDATE succeeds" "$(field update)" "00000"
expect "the version is $LATEST" "$(field version)" "$LATEST"
expect "pg_extension says $LATEST" "$(q "$G" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" "$LATEST"
audit_before=$(field "audit before")
expect_like "audit_log has rows before the update ($audit_before: count/max id)" "$audit_before" "[1-9]*/[1-9]*"
expect "audit_log gained no row from the update itself" "$(field "audit after")" "$audit_before"
expect "the same session after the update: DR_A's limit of 2 still refuses a third overlapping booking (TP007)" \
	"$(field "third after sqlstate")" "TP007"
expect "the same session after the update: hold_slot holds at once" "$(field "held after")" "HELD true"
expect "the same session after the update: book_service books, created = true, the id after the hold's" \
	"$(field "booked after")" "$((g_before + 2)) true"
sums_before=$(printf '%s\n' "$session" | sed -n '/^after the update$/q; s/^sum //p')
sums_after=$(printf '%s\n' "$session" | sed -n '/^after the update$/,$ s/^sum //p')
printf '%s\n' "$sums_before" | sed 's/^/#   before: /'
expect "the count and checksum of every table (1.3's columns) is the same after the update" "$sums_after" "$sums_before"
expect_like "and they were taken: nine tables, reservations with its 11 rows" "$(printf '%s\n' "$sums_before" | wc -l) $sums_before" \
	"9 *reservations: 11 [0-9a-f]*"
for t in $G_TABLES; do
	expect_same_file "after the update: every row of $t is unchanged (1.3's columns)" "$WORK/g.before/table.$t" "$WORK/g.after/table.$t"
done
for t in $G_SEQS; do
	expect_same_file "after the update: $t is unchanged" "$WORK/g.before/seq.$t" "$WORK/g.after/seq.$t"
done
expect_same_file "after the update: the privileges on 1.3's tables, views and sequences are unchanged" \
	"$WORK/g.before/acl.relations" "$WORK/g.after/acl.relations"
awk -F'|' 'NR == FNR { had[$1]; next } $1 in had' "$WORK/g.before/acl.functions" <(as_16 "$WORK/g.after/acl.functions") \
	>"$WORK/g.after/acl.functions.of_1.3"
expect_same_file "after the update: the privileges on every function of 1.3 (book_service's, dropped and created again, among them) are unchanged" \
	"$WORK/g.before/acl.functions" "$WORK/g.after/acl.functions.of_1.3"

say "$G after the update: the new columns of the existing rows"
got=$(q "$G" "SELECT count(*) || ' ' || count(access_token) || ' ' || count(DISTINCT access_token) || ' '
                     || count(*) FILTER (WHERE access_token::text ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\$')
                FROM timepool.reservations WHERE id <= $g_before")
expect "every reservation made at 1.3 (11) got a non-null access token of its own, random (version 4)" "$got" "11 11 11 11"
got=$(q "$G" "SELECT count(*) FILTER (WHERE status IN ('HELD', 'EXPIRED')) || ' ' || count(hold_expires_at)
                FROM timepool.reservations WHERE id <= $g_before")
expect "no reservation made at 1.3 is HELD or EXPIRED, none has hold_expires_at" "$got" "0 0"
got=$(q "$G" "SELECT count(*) || '|' || min(cancel_notice_minutes) || '|' || max(cancel_notice_minutes) || '|' || min(online_status) || '|' || max(online_status) FROM timepool.settings")
expect "settings keeps its one row with the new columns' defaults: cancel_notice_minutes 0, online_status PENDING" "$got" "1|0|0|PENDING|PENDING"
got=$(q "$G" "SELECT count(*) FILTER (WHERE cancel_notice_minutes IS NULL) || '/' || count(*) FROM timepool.services")
expect "every service has cancel_notice_minutes NULL (the clinic's notice)" "$got" "3/3"
got=$(qv "$G" "$G_NOT_PERFORMED" 2>&1) || true
expect_like "resource_services still holds: CONSULT on DR_B is refused (TP008)" "$got" "*TP008: resource DR_B does not perform CONSULT*"
got=$(q "$G" "SELECT string_agg(code || '=' || coalesce(max_concurrent::text, 'NULL'), ' ' ORDER BY id) FROM timepool.resources")
expect "max_concurrent as 1.3 left it" "$got" "DR_A=2 DR_B=NULL ROOM_X=1"
got=$(q "$G" "SELECT pg_get_indexdef('timepool.reservations_pool_idx'::regclass)")
expect "reservations_pool_idx is rebuilt with hold_expires_at and status, EXPIRED left out" "$got" "$POOL_IDX_15"

# 1.5 on 1.3's rows.  2025-11-15: DR_A's morning Ann's CONSULT (40) and
# Bob's SKIN (30), its afternoon Hal's XRAY (30, its service deleted since)
# and Ida's SKIN (30); DR_B's morning Cy's SKIN (30, COMPLETED) and Dee's
# (30, NO_SHOW).  2025-11-17: DR_A's two at 09:00 (its limit, 2).
# 2025-11-22, as the update session left it: DR_A's afternoon holds Kim's
# CONSULT, the live hold at 14:00 (still open, clinic's clock frozen at
# midnight) and Lou's, 3 x 40.
say "what 1.5 made, in $G"
expect_util "utilization('2025-11-15', '2025-11-15') of the rows made at 1.3" "$G" 2025-11-15 2025-11-15 <<'EOF'
2025-11-15|DR_A|MORNING|09:00:00|12:00:00|f|180|70|110|2|0.3889|0|0|70|1
2025-11-15|DR_A|AFTERNOON|13:00:00|17:00:00|f|200|60|140|2|0.3000|0|0|60|1
2025-11-15|DR_B|MORNING|09:00:00|11:00:00|f|120|60|60|2|0.5000|30|30|0|1
2025-11-15|DR_B|EVENING|18:00:00|20:00:00|f|120|0|120|0|0.0000|0|0|0|0
EOF
expect_util "utilization('2025-11-17', '2025-11-17'): DR_A's two at 09:00 overlap (max_overlap 2)" "$G" 2025-11-17 2025-11-17 <<'EOF'
2025-11-17|DR_A|DAY|08:00:00|16:00:00|f|480|80|400|2|0.1667|0|0|80|2
EOF
expect_util "utilization('2025-11-22', '2025-11-22'): the hold made at 1.5 counts, open, beside the two bookings" "$G" 2025-11-22 2025-11-22 <<'EOF'
2025-11-22|DR_A|MORNING|10:00:00|12:00:00|f|90|0|90|0|0.0000|0|0|0|0
2025-11-22|DR_A|AFTERNOON|13:00:00|17:00:00|f|200|120|80|3|0.6000|0|0|120|1
2025-11-22|DR_B|MORNING|09:00:00|11:00:00|f|120|0|120|0|0.0000|0|0|0|0
EOF

say "$G after the update: the grants on book_service"
expect "EXECUTE on book_service: the same grantees, grantors and grant options as at 1.3" "$(q "$G" "${G_BOOK_ACL/SIG/$BOOK_SERVICE}")" "$g_book_acl"
got=$(q "$G" "SELECT string_agg(r || '=' || has_function_privilege(r, '$BOOK_SERVICE', 'EXECUTE'), ' ' ORDER BY r)
                FROM unnest(ARRAY['$G_SITE', '$G_DESK', '$G_MEMBER']) r")
expect "has_function_privilege: the site, the desk, and a member of the site" "$got" "$G_DESK=true $G_MEMBER=true $G_SITE=true"
got=$(q "$G" "SELECT has_function_privilege('public', '$BOOK_SERVICE', 'EXECUTE')")
expect "PUBLIC has no EXECUTE on book_service" "$got" "f"
got=$(tpsql "$G" -A -t -c "SET ROLE $G_MEMBER" \
	-c "SELECT id || ' ' || created || ' ' || (access_token IS NOT NULL) FROM timepool.book_service('SKIN', '2025-11-22', '10:00', 'Max Member', p_resource => 'DR_A', p_idempotency_key => 'idem-max')" \
	-c "SELECT id || ' ' || created FROM timepool.book_service('SKIN', '2025-11-22', '10:00', 'Max Member', p_resource => 'DR_A', p_idempotency_key => 'idem-max')" 2>&1) || true
g_max=$(q "$G" "SELECT id FROM timepool.reservations WHERE idempotency_key = 'idem-max'")
expect "a member of $G_SITE books through book_service after the update (created true), and the same key again replays it (created false)" \
	"$got" "$g_max true true
$g_max false"
got=$(tpsql "$G" -A -t -c "SET ROLE $G_SITE" -c "SELECT id || ' ' || created FROM timepool.book_service('SKIN', '2025-11-15', '10:00', 'Bob Confirmed', '+1 555 0100', 'bob@example.com', 'first visit', '{\"lang\": \"en\"}', 'DR_A', 'CONFIRMED', 'idem-bob')" 2>&1) || true
expect "a key used at 1.3 replays the reservation made at 1.3 (created false)" "$got" "$g_idem false"
got=$(tpsql "$G" -A -t -c "BEGIN" -c "SET LOCAL ROLE $G_DESK" -c "GRANT EXECUTE ON FUNCTION $BOOK_SERVICE TO $G_MEMBER" \
	-c "RESET ROLE" -c "SELECT count(*) FROM pg_proc p, aclexplode(p.proacl) a WHERE p.oid = '$BOOK_SERVICE'::regprocedure AND a.grantee = '$G_MEMBER'::regrole AND a.grantor = '$G_DESK'::regrole" \
	-c "ROLLBACK" 2>&1) || true
expect "$G_DESK kept its grant option: it can grant EXECUTE on book_service on (in a transaction rolled back)" "$got" "1"
# pg_dump writes only the difference from pg_init_privs: a grant recorded
# there would be lost by a dump and restore
expect "the update recorded none of the grants on book_service as the extension's own (pg_init_privs: the owner's EXECUTE, as at 1.3)" \
	"$(q "$G" "${G_INIT_PRIVS/SIG/$BOOK_SERVICE}")" "{$me=X/$me}"
pg_dump -Fc -d "$G" -f "$WORK/g.dump"
createdb "$H"
pg_restore --exit-on-error -d "$H" "$WORK/g.dump" 2>&1 | sed 's/^/#   pg_restore: /'
got=$(q "$H" "SELECT string_agg(r || '=' || has_function_privilege(r, '$BOOK_SERVICE', 'EXECUTE'), ' ' ORDER BY r)
                FROM unnest(ARRAY['$G_SITE', '$G_DESK', '$G_MEMBER', 'public']) r" 2>&1) || true
expect "pg_dump of $G restored in $H: the grants on book_service are kept" "$got" \
	"public=false $G_DESK=true $G_MEMBER=true $G_SITE=true"
expect "and the access tokens" "$(q "$H" "SELECT md5(string_agg(id || ' ' || access_token, ',' ORDER BY id)) FROM timepool.reservations")" \
	"$(q "$G" "SELECT md5(string_agg(id || ' ' || access_token, ',' ORDER BY id)) FROM timepool.reservations")"

say "the upgraded schema ($G) against the fresh one ($B)"
tpsql "$G" -c "DROP OWNED BY $G_SITE, $G_DESK, $G_MEMBER"
compare_with_fresh "$G" "$B"
# DR_A's morning of 2025-11-22 (the override, 90) holds Max's SKIN at 10:00 (30)
expect_notify "$G at 1.5: a listener gets DR_A's morning of 2025-11-22 after a SKIN booked there (90 minutes, 60 booked), nothing for the one rolled back" \
	"$G" "SELECT id FROM timepool.book_service('SKIN', '2025-11-22', '11:00', 'Listened To', p_resource => 'DR_A')" \
	'{"resource": "DR_A", "date": "2025-11-22", "period": "MORNING", "total_minutes": 90, "booked_minutes": 60, "remaining_minutes": 30}'

###########################################################################
# The 1.4 path: a database made at 1.4 (CREATE EXTENSION timepool VERSION
# '1.4': 1.0's script and the updates to 1.4) with 1.4's booking flow in
# use, updated to 1.5.  DR_A has no clock limit (two of its bookings
# overlap), DR_B two at once.
say "building $I at version 1.4, with bookings in every status, holds of every kind and a reschedule"
createdb "$I"
tpsql "$I" <<'SQL'
CREATE EXTENSION timepool VERSION '1.4';
INSERT INTO timepool.resources (code, name, max_concurrent) VALUES
  ('DR_A', 'Doctor A', NULL), ('DR_B', 'Doctor B', 2), ('ROOM_X', 'Old room', 1);
UPDATE timepool.resources SET is_active = false WHERE code = 'ROOM_X';
INSERT INTO timepool.service_categories (code, name, display_order) VALUES ('GENERAL', 'General', 1), ('IMAGING', 'Imaging', 2);
INSERT INTO timepool.services
  (code, name, description, category, duration_minutes, buffer_minutes, price, display_order, cancel_notice_minutes) VALUES
  ('CONSULT', 'Consultation', NULL, 'GENERAL', 30, 10, 50.00, 1, NULL),
  ('SKIN', 'Skin check', 'a look', 'GENERAL', 20, 10, 40.00, 2, 1440),
  ('XRAY', 'X-ray', NULL, 'IMAGING', 25, 5, 70.00, 3, NULL);
\i test/schedule.sql
UPDATE timepool.settings SET time_zone = 'Europe/Paris', max_advance_days = 120,
                             cancel_notice_minutes = 60, online_status = 'CONFIRMED';
SQL
book_i() { q "$I" "SELECT id FROM timepool.book_service($1)"; }
# Saturday 2025-11-15: DR_A's morning (180) Ann's CONSULT at 09:00 and
# Bob's SKIN at 09:20 (overlapping), Fay's (cancelled) and Eve's
# (rejected); DR_B's morning (120) Cy's XRAY at 09:00 (COMPLETED), Dee's
# CONSULT at 09:30 (NO_SHOW) and the live hold at 10:10; Jo's SKIN at 15:00,
# rescheduled to 2025-11-22 10:00; Hal's CONSULT on 2025-11-29, closed after
book_i "'CONSULT', '2025-11-15', '09:00', 'Ann Pending', p_resource => 'DR_A'" >/dev/null
book_i "'SKIN', '2025-11-15', '09:20', 'Bob Confirmed', '+1 555 0100', 'bob@example.com', 'first visit', '{\"lang\": \"en\"}', 'DR_A', 'CONFIRMED', 'idem-bob'" >/dev/null
i_completed=$(book_i "'XRAY', '2025-11-15', '09:00', 'Cy Completed', p_resource => 'DR_B'")
i_noshow=$(book_i "'CONSULT', '2025-11-15', '09:30', 'Dee No-show', p_resource => 'DR_B', p_status => 'CONFIRMED'")
i_cancelled=$(book_i "'CONSULT', '2025-11-15', '11:00', 'Fay Cancelled', p_resource => 'DR_A', p_idempotency_key => 'idem-fay'")
i_rejected=$(book_i "'SKIN', '2025-11-15', '11:20', 'Eve Rejected', p_resource => 'DR_A'")
i_hal=$(book_i "'CONSULT', '2025-11-29', '09:00', 'Hal Closed-later', p_resource => 'DR_A', p_status => 'CONFIRMED'")
i_jo=$(book_i "'SKIN', '2025-11-15', '15:00', 'Jo Moved', p_resource => 'DR_A'")
# 1.4's flow, the clinic's clock frozen at midnight of $TODAY (Paris):
# Gil books online (CONFIRMED, the online status); a live hold until 01:00;
# a hold made at 22:00 the evening before for 10 minutes, which
# expire_holds() closes (EXPIRED, its expiry kept), and another made so
# after it, which nobody expired (HELD past its expiry: it holds nothing);
# one released (EXPIRED, no expiry); and Hy's hold, confirmed
i_online=$(q "$I" "SELECT id FROM timepool.book_online('CONSULT', '2025-11-15', '13:00', 'Gil Online', p_resource => 'DR_A')")
expect "$I at 1.4: Gil's online booking is CONFIRMED (the online status)" \
	"$(q "$I" "SELECT status FROM timepool.reservations WHERE id = $i_online")" "CONFIRMED"
i_held=$(q "$I" "SELECT id FROM timepool.hold_slot('CONSULT', '2025-11-15', '10:10', 'DR_B', '1 hour', 'hold-live')")
i_timedout=$(tpsql "$I" -A -t -c "SET timepool.now = '2025-11-13 22:00'" \
	-c "SELECT id FROM timepool.hold_slot('SKIN', '2025-11-15', '10:30', 'DR_A', '10 minutes', 'hold-timed-out')")
expect "$I at 1.4: expire_holds() closes the hold that timed out" "$(q "$I" "SELECT timepool.expire_holds()")" 1
i_stale=$(tpsql "$I" -A -t -c "SET timepool.now = '2025-11-13 22:00'" \
	-c "SELECT id FROM timepool.hold_slot('SKIN', '2025-11-15', '10:30', 'DR_A', '10 minutes')")
i_released=$(q "$I" "SELECT id FROM timepool.hold_slot('SKIN', '2025-11-15', '10:00', 'DR_A', '10 minutes')")
q "$I" "SELECT timepool.release_hold(access_token) FROM timepool.reservations WHERE id = $i_released" >/dev/null
i_hy=$(q "$I" "SELECT id FROM timepool.hold_slot('SKIN', '2025-11-15', '14:00', 'DR_A')")
got=$(q "$I" "SELECT c.id || ' ' || c.status FROM timepool.reservations r, timepool.confirm_hold(r.access_token, 'Hy Held') c WHERE r.id = $i_hy")
expect "$I at 1.4: confirm_hold books Hy's hold under its id, CONFIRMED (the online status)" "$got" "$i_hy CONFIRMED"
tpsql "$I" <<SQL
SELECT timepool.set_reservation_status($i_completed, 'CONFIRMED') \\g /dev/null
SET timepool.now = '$STARTED';
SELECT timepool.set_reservation_status($i_completed, 'COMPLETED') \\g /dev/null
SELECT timepool.set_reservation_status($i_noshow, 'NO_SHOW') \\g /dev/null
RESET timepool.now;
SELECT timepool.set_reservation_status($i_rejected, 'REJECTED') \\g /dev/null
SELECT timepool.cancel_reservation($i_cancelled, 'patient called') \\g /dev/null
SELECT 1 FROM timepool.reschedule_reservation($i_jo, '2025-11-22', '10:00', 'DR_A') \\g /dev/null
-- a plain INSERT (the guard fills the rest)
INSERT INTO timepool.reservations (resource_id, service_id, reservation_date, start_time, patient_name)
  SELECT r.id, s.id, '2025-11-15', '18:00', 'Ida Insert'
    FROM timepool.resources r, timepool.services s WHERE r.code = 'DR_B' AND s.code = 'XRAY';
-- closed after Hal booked: the closure keeps the reservation
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed, reason)
  SELECT id, '2025-11-29', true, 'sick leave' FROM timepool.resources WHERE code = 'DR_A';
SQL

expect "$I is at version 1.4" "$(q "$I" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" "1.4"
got=$(q "$I" "SELECT string_agg(status || '=' || n, ' ' ORDER BY status)
                FROM (SELECT status, count(*) n FROM timepool.reservations GROUP BY status) s")
expect "$I has reservations in every status of 1.4" "$got" "CANCELLED=1 COMPLETED=1 CONFIRMED=4 EXPIRED=2 HELD=2 NO_SHOW=1 PENDING=3 REJECTED=1"
I_HOLDS="SELECT string_agg(id || ' ' || status || ' ' || coalesce(to_char(hold_expires_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM-DD HH24:MI'), 'NULL'), ', ' ORDER BY id)
           FROM timepool.reservations WHERE status IN ('HELD', 'EXPIRED')"
i_want_holds="$i_held HELD 2025-11-14 01:00, $i_timedout EXPIRED 2025-11-13 22:10, $i_stale HELD 2025-11-13 22:10, $i_released EXPIRED NULL"
expect "$I at 1.4: the holds: live until 01:00, timed out and expired, timed out and still HELD, released" "$(q "$I" "$I_HOLDS")" "$i_want_holds"
expect "$I at 1.4: Jo's booking is rescheduled to 2025-11-22 10:00" \
	"$(q "$I" "SELECT reservation_date || ' ' || start_time || ' ' || status FROM timepool.reservations WHERE id = $i_jo")" "2025-11-22 10:00:00 PENDING"

# the 1.5 library on the 1.4 schema: the pool index of 1.4 (seven columns,
# no status) serves availability, can_book and open_slots; no 1.5 object yet
expect "$I at 1.4: the pool index is 1.4's (seven columns, no status)" \
	"$(q "$I" "SELECT pg_get_indexdef('timepool.reservations_pool_idx'::regclass)")" "$POOL_IDX_14"
expect "$I at 1.4: no utilization(), no report view, no settings.nearly_full_percent" \
	"$(q "$I" "SELECT (SELECT count(*) FROM pg_proc WHERE proname IN ('utilization', 'schedule_notify'))
	                  + (SELECT count(*) FROM pg_class WHERE relnamespace = 'timepool'::regnamespace AND relkind = 'v' AND relname NOT IN ('bookable_services', 'reservation_history'))
	                  + (SELECT count(*) FROM pg_attribute WHERE attrelid = 'timepool.settings'::regclass AND attname = 'nearly_full_percent')")" "0"
got=$(q "$I" "SELECT string_agg(period || ' ' || total_minutes || ' ' || booked_minutes || ' ' || reservation_count, ', ' ORDER BY start_time)
                FROM timepool.availability('2025-11-15', p_resource => 'DR_B')" 2>&1) || true
expect "$I at 1.4, 1.5 library: availability of DR_B on 2025-11-15 (the morning: Cy 30, Dee 40, the live hold 40; the evening: Ida's 30)" "$got" \
	"MORNING 120 110 3, EVENING 120 30 1"
got=$(q "$I" "SELECT timepool.can_book('CONSULT', '2025-11-15', '10:50', 'DR_B') || ' ' || timepool.can_book('CONSULT', '2025-11-15', '18:30', 'DR_B')" 2>&1) || true
expect "$I at 1.4, 1.5 library: can_book CONSULT on DR_B at 10:50 (10 minutes left) false, at 18:30 true" "$got" "false true"
got=$(q "$I" "SELECT string_agg(start_time::text, ' ' ORDER BY start_time) FROM timepool.open_slots('CONSULT', '2025-11-15', p_step_minutes => 30, p_resource => 'DR_B')" 2>&1) || true
expect "$I at 1.4, 1.5 library: open_slots of CONSULT on DR_B, every 30 minutes: none in the morning (10 minutes left), the evening's (DR_B takes two at once: 18:00 beside Ida's XRAY too)" "$got" \
	"18:00:00 18:30:00 19:00:00"

# README, "1.5 to 1.6": until the update, the 1.6 library sends nothing
# (it has no queue to write to).  DR_A's Saturday 2025-12-06 (180) is
# empty: a CONSULT leaves 140.
expect_notify "$I at 1.4, 1.6 library: a booking sends nothing before the update (no notify_queue)" \
	"$I" "SELECT id FROM timepool.book_service('CONSULT', '2025-12-06', '09:00', 'Early Listened To', p_resource => 'DR_A')"
expect_notify "$I at 1.4, 1.5 library: an override (DR_B closed on 2025-12-13) sends nothing yet: no trigger notes it" \
	"$I" "INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed, reason)
	        SELECT id, '2025-12-13', true, 'course' FROM timepool.resources WHERE code = 'DR_B'"

I_TABLES=$(q "$I" "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class
                    WHERE relnamespace = 'timepool'::regnamespace AND relkind IN ('r', 'p')")
expect "$I: the tables of 1.4" "$I_TABLES" \
	"audit_log clinic_time_slots reservations resource_services resources schedule_overrides service_categories services settings"
I_SEQS=$(q "$I" "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class
                  WHERE relnamespace = 'timepool'::regnamespace AND relkind = 'S'")
I_RELS=$(q "$I" "SELECT string_agg(quote_literal(relname), ', ' ORDER BY relname) FROM pg_class
                  WHERE relnamespace = 'timepool'::regnamespace AND relkind NOT IN ('i', 'I')")
record_columns "$I" "$I_TABLES"
I_TYPES=$(q "$I" "$TYPES_QUERY")
snapshot_sql "$WORK/i.before" "$I" "$I_TABLES" "$I_SEQS" "$I_RELS" "$I_TYPES" >"$WORK/i.snapshot_before.sql"
snapshot_sql "$WORK/i.after" "$I" "$I_TABLES" "$I_SEQS" "$I_RELS" "$I_TYPES" >"$WORK/i.snapshot_after.sql"
for t in $I_TABLES; do
	printf "SELECT 'sum %s: ' || count(*) || ' ' || md5(coalesce(string_agg(ROW(%s)::text, ',' ORDER BY %s), '')) FROM timepool.%s t;\n" \
		"$t" "${COLS[$I.$t]}" "$(key_of "$t")" "$t"
done >"$WORK/i.sums.sql"
# the same backend before and after the update: it has used the pool
# index of 1.4, which the update drops and builds again with the status
cat >"$WORK/i.session.sql" <<SQL
SELECT 'availability: ' || count(*) FROM timepool.availability('2025-11-22');
SELECT 'booked before: ' || id FROM timepool.book_service('CONSULT', '2025-11-22', '13:00', 'Kim Before', p_resource => 'DR_A');
SELECT 'audit before: ' || count(*) || '/' || coalesce(max(id), 0) FROM timepool.audit_log;
\\i $WORK/i.snapshot_before.sql
\\i $WORK/i.sums.sql
ALTER EXTENSION timepool UPDATE;
\\echo 'update:' :SQLSTATE
SELECT 'audit after: ' || count(*) || '/' || coalesce(max(id), 0) FROM timepool.audit_log;
\\i $WORK/i.snapshot_after.sql
\\echo 'after the update'
\\i $WORK/i.sums.sql
SELECT 'version: ' || extversion FROM pg_extension WHERE extname = 'timepool';
SELECT 'utilization after: ' || string_agg(resource || ' ' || period || ' ' || booked_minutes || '/' || total_minutes || ' ' || completed_minutes || ' ' || no_show_minutes || ' ' || open_minutes, ', ' ORDER BY resource, start_time)
  FROM timepool.utilization('2025-11-15', '2025-11-15');
SELECT 'booked after: ' || id FROM timepool.book_service('CONSULT', '2025-11-22', '15:00', 'Lou After', p_resource => 'DR_A');
SELECT 'availability after: ' || count(*) FROM timepool.availability('2025-11-22');
SQL

say "ALTER EXTENSION timepool UPDATE in $I, in a session that used timepool at 1.4"
session=$(tpsql "$I" -A -t -v ON_ERROR_STOP=0 -v VERBOSITY=verbose -f "$WORK/i.session.sql" 2>&1) || true
printf '%s\n' "$session" | sed 's/^/#   session: /'
i_before=$(field "booked before")
expect_like "the upgrade session at 1.4: a booking before the update" "$i_before" "[1-9]*"
expect "ALTER EXTENSION timepool UPDATE succeeds" "$(field update)" "00000"
expect "the version is $LATEST" "$(field version)" "$LATEST"
expect "pg_extension says $LATEST" "$(q "$I" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" "$LATEST"
audit_before=$(field "audit before")
expect_like "audit_log has rows before the update ($audit_before: count/max id)" "$audit_before" "[1-9]*/[1-9]*"
expect "audit_log gained no row from the update itself" "$(field "audit after")" "$audit_before"
expect "the same session after the update: utilization() of 2025-11-15 at once (its cache finds the rebuilt pool index): booked/total, completed, no-show, open minutes" \
	"$(field "utilization after")" "DR_A MORNING 70/180 0 0 70, DR_A AFTERNOON 70/200 0 0 70, DR_B MORNING 110/120 30 40 40, DR_B EVENING 30/120 0 0 30"
expect "the same session after the update: booking works and gets the next id" "$(field "booked after")" "$((i_before + 1))"
expect "the same session after the update: availability lists as many pools" \
	"$(field "availability after")" "$(field availability)"
sums_before=$(printf '%s\n' "$session" | sed -n '/^after the update$/q; s/^sum //p')
sums_after=$(printf '%s\n' "$session" | sed -n '/^after the update$/,$ s/^sum //p')
expect "the count and checksum of every table (1.4's columns) is the same after the update" "$sums_after" "$sums_before"
expect_like "and they were taken: nine tables, reservations with its 17 rows" "$(printf '%s\n' "$sums_before" | wc -l) $sums_before" \
	"9 *reservations: 17 [0-9a-f]*"
for t in $I_TABLES; do
	expect_same_file "after the update: every row of $t is unchanged (1.4's columns)" "$WORK/i.before/table.$t" "$WORK/i.after/table.$t"
done
for t in $I_SEQS; do
	expect_same_file "after the update: $t is unchanged" "$WORK/i.before/seq.$t" "$WORK/i.after/seq.$t"
done
expect_same_file "after the update: the privileges on 1.4's tables, views and sequences are unchanged" \
	"$WORK/i.before/acl.relations" "$WORK/i.after/acl.relations"
awk -F'|' 'NR == FNR { had[$1]; next } $1 in had' "$WORK/i.before/acl.functions" <(as_16 "$WORK/i.after/acl.functions") \
	>"$WORK/i.after/acl.functions.of_1.4"
expect_same_file "after the update: the privileges on every function of 1.4 are unchanged" \
	"$WORK/i.before/acl.functions" "$WORK/i.after/acl.functions.of_1.4"

say "$I after the update: what 1.5 made of 1.4's rows"
expect "the holds are as they were (live, timed out and expired, timed out and still HELD, released)" "$(q "$I" "$I_HOLDS")" "$i_want_holds"
got=$(q "$I" "SELECT count(*) OVER () || '|' || time_zone || '|' || max_advance_days || '|' || cancel_notice_minutes || '|' || online_status || '|' || nearly_full_percent
                FROM timepool.settings")
expect "settings keeps its one row, its values, and gets nearly_full_percent 80" "$got" "1|Europe/Paris|120|60|CONFIRMED|80"
expect "reservations_pool_idx is rebuilt with the status" \
	"$(q "$I" "SELECT pg_get_indexdef('timepool.reservations_pool_idx'::regclass)")" "$POOL_IDX_15"
# 2025-11-15: DR_A's morning Ann (40) and Bob (30) overlapping 09:20-09:40,
# the cancelled, rejected, expired and stale-held rows counting nothing;
# its afternoon Gil's online CONSULT (40) and Hy's confirmed hold (30, SKIN;
# Jo's SKIN moved away); DR_B's morning Cy (30, COMPLETED), Dee (40,
# NO_SHOW) and the live hold (40, open), 110 of 120; its evening Ida (30)
expect_util "utilization('2025-11-15', '2025-11-15') of the rows made at 1.4: each status in its column, the live hold open, the timed-out and released holds nowhere, Ann and Bob two at once" \
	"$I" 2025-11-15 2025-11-15 <<'EOF'
2025-11-15|DR_A|MORNING|09:00:00|12:00:00|f|180|70|110|2|0.3889|0|0|70|2
2025-11-15|DR_A|AFTERNOON|13:00:00|17:00:00|f|200|70|130|2|0.3500|0|0|70|1
2025-11-15|DR_B|MORNING|09:00:00|11:00:00|f|120|110|10|3|0.9167|30|40|40|1
2025-11-15|DR_B|EVENING|18:00:00|20:00:00|f|120|30|90|1|0.2500|0|0|30|1
EOF
# 2025-11-22: Jo's rescheduled SKIN in DR_A's morning (the override, 90),
# Kim's and Lou's CONSULTs of the update session in its afternoon
expect_util "utilization('2025-11-22', '2025-11-22'): the rescheduled booking in its new pool, the bookings of the update session" \
	"$I" 2025-11-22 2025-11-22 <<'EOF'
2025-11-22|DR_A|MORNING|10:00:00|12:00:00|f|90|30|60|1|0.3333|0|0|30|1
2025-11-22|DR_A|AFTERNOON|13:00:00|17:00:00|f|200|80|120|2|0.4000|0|0|80|1
2025-11-22|DR_B|MORNING|09:00:00|11:00:00|f|120|0|120|0|0.0000|0|0|0|0
EOF
# 2025-11-29: DR_A closed after Hal booked: a closed pool of no minutes
# that holds his 40
expect_util "utilization('2025-11-29', '2025-11-29'): DR_A closed, its morning holding Hal's 40 minutes in none (remaining -40, no utilization)" \
	"$I" 2025-11-29 2025-11-29 <<'EOF'
2025-11-29|DR_A|MORNING|09:00:00|12:00:00|t|0|40|-40|1||0|0|40|1
2025-11-29|DR_A|AFTERNOON|13:00:00|17:00:00|t|0|0|0|0||0|0|0|0
2025-11-29|DR_B|MORNING|09:00:00|11:00:00|f|120|0|120|0|0.0000|0|0|0|0
EOF
expect "nearly_full (80%, the default): DR_B's morning of 2025-11-15, 110 of 120" \
	"$(q "$I" "SELECT * FROM timepool.nearly_full ORDER BY date, resource, period" 2>&1)" \
	"DR_B|2025-11-15|MORNING|09:00:00|11:00:00|120|110|10|0.9167|80|MAIN"
expect "overbooked_pools: DR_A's closed morning of 2025-11-29, 40 minutes over its none (DR_A has no clock limit: no overlap counts)" \
	"$(q "$I" "SELECT * FROM timepool.overbooked_pools ORDER BY date, resource, period" 2>&1)" \
	"DR_A|2025-11-29|MORNING|0|40|40|1||0|{$i_hal}|MAIN"
got=$(q "$I" "SELECT string_agg(c.relname || '|' || coalesce(c.relacl, acldefault('r', c.relowner))::text, ' ' ORDER BY c.relname)
                FROM pg_class c
               WHERE c.relnamespace = 'timepool'::regnamespace AND c.relkind NOT IN ('i', 'I', 'c') AND c.relname NOT IN ($I_RELS)")
expect "the five report views, 1.6's notify_queue and import tables and 1.7's locations and location_staff are new, for their owner alone" "$got" \
	"$(for r in daily_overview import_rows import_services import_statuses imported location_staff locations locations_id_seq nearly_full notify_queue overbooked_pools resource_stats service_stats; do
		printf '%s|{%s=arwdDxt/%s} ' "$r" "$me" "$me"
	done | sed 's/ $//')"

say "the upgraded schema ($I) against the fresh one ($B)"
compare_with_fresh "$I" "$B"

say "$I at 1.5: live changes"
# DR_A's morning of 2025-11-22 (the override, 90) holds Jo's SKIN at 10:00
# (30); a SKIN at 11:00 makes it 60, and the override cut to 80 minutes
# leaves 20: each sends its pool once
expect_notify "$I at 1.5: a listener gets DR_A's morning of 2025-11-22 after a SKIN booked there (90 minutes, 60 booked), nothing for the one rolled back" \
	"$I" "SELECT id FROM timepool.book_service('SKIN', '2025-11-22', '11:00', 'Listened To', p_resource => 'DR_A')" \
	'{"resource": "DR_A", "date": "2025-11-22", "period": "MORNING", "total_minutes": 90, "booked_minutes": 60, "remaining_minutes": 30}'
expect_notify "$I at 1.5: and the override's capacity cut to 80 (schedule_overrides_notify, a trigger the update made): 80 minutes, 60 booked" \
	"$I" "UPDATE timepool.schedule_overrides SET capacity_minutes = 80 WHERE date = '2025-11-22' AND period = 'MORNING'" \
	'{"resource": "DR_A", "date": "2025-11-22", "period": "MORNING", "total_minutes": 80, "booked_minutes": 60, "remaining_minutes": 20}'

###########################################################################
echo "1..$checks"
if [ "$failures" -eq 0 ]; then
	echo "# upgrade: all $checks checks passed"
else
	echo "# upgrade: $failures of $checks checks failed"
	exit 1
fi
