#!/usr/bin/env bash
# test/sqlsmith.sh: a short randomized robustness run.  SQLsmith sends
# 40000 random statements (about 90 seconds), a fifth of them calling
# timepool's functions with random arguments, and the server must neither
# crash nor raise an internal error in timepool.
#
# Against the cluster that libpq's environment points to (PGHOST, PGPORT,
# PGUSER: a superuser):
#   database tp_sqlsmith: CREATE EXTENSION timepool, with resources (one
#     inactive), categories, services (one soft-deleted and replaced, one
#     hidden, daily caps), the weekly schedule and overrides of
#     test/schedule.sql, Wednesdays for DR_B, and 52 reservations booked
#     through book_service (today frozen at 2025-11-14) in every status, a
#     date closed after its bookings.  The database then gets
#     statement_timeout = 1s, timepool.today = 2025-11-14, temp_file_limit,
#     and log_error_verbosity = verbose: every error in the server log
#     carries its SQLSTATE ("ERROR:  XX000: ...") and its LOCATION.
#   sqlsmith --seed=$SEED --max-queries=$QUERIES --exclude-catalog, as the
#     superuser, under timeout.  Each statement is its own transaction,
#     committed: its random INSERT, UPDATE, DELETE and MERGE statements and
#     its calls of book_service, cancel_reservation, delete_service... go
#     through timepool's triggers and checks.  --exclude-catalog keeps its
#     FROM clauses and writes off pg_catalog and information_schema (a
#     superuser's random DELETE on pg_proc would break the database);
#     every function, PostgreSQL's and timepool's, remains callable.
#     Replication origins and slots it creates are dropped afterwards.
# Then, from the server log lines this run wrote (the file that
# pg_current_logfile() or pg_lsclusters names, from its length at the
# start, plus the files the collector rotated to; a LOG marker at the
# start and an error with a known SQLSTATE at the end must be among them):
#   - no backend terminated by a signal or with an exit code other than 0
#     and 1, no crash restart, no PANIC, no TRAP (assertion);
#   - no internal error (class XX: XX000 "cache lookup failed", "unrecognized
#     node type", any elog(ERROR); XX001, XX002 corruption), save those that
#     are PostgreSQL's own: known ones (listed below, each reproduced at each
#     run by a one-line query in a database without timepool) and XX000s
#     raised in PostgreSQL's code by a statement that runs no timepool code;
#     those are listed and not counted;
#   - the server still answers, and sqlsmith finished (exit 0) within its
#     time limit (a query that ignores statement_timeout makes it hang).
# Each finding prints its log entry (with its statement, or for a crash
# "Failed process was running: ..."), then a summary line: queries run,
# how many called timepool, how long, errors by SQLSTATE class; then "ok"
# or "not ok", and a non-zero exit on any failure.  The database is dropped
# at the end (KEEP_DBS=1 keeps it and the work directory: this run's server
# log lines, each finding, sqlsmith's output and its last 20 statements).
#
#   TIMEPOOL_SQLSMITH_SEED      seed (default 20251114)
#   TIMEPOOL_SQLSMITH_QUERIES   statements (default 40000)
#   TIMEPOOL_SQLSMITH_TIMEOUT   seconds sqlsmith may take (default 600)
#
# With a fixed seed the run is nearly, not exactly, repeatable: sqlsmith
# steers away from constructs that failed, and a statement timeout depends
# on the machine's speed.
set -euo pipefail
cd "$(dirname "$0")/.." # test/schedule.sql and test/lib.sh are read from here

DB=tp_sqlsmith
TODAY=2025-11-14 # "today" for timepool: bookings are on Saturday 2025-11-15 and later
SEED=${TIMEPOOL_SQLSMITH_SEED:-20251114}
QUERIES=${TIMEPOOL_SQLSMITH_QUERIES:-40000}
LIMIT=${TIMEPOOL_SQLSMITH_TIMEOUT:-600}
WORK=$(mktemp -d -t tp_sqlsmith.XXXXXX)
TOKEN="tp_sqlsmith_$$_$(date +%s)" # marks this run's lines in the server log
failures=0

say() { printf '\n== %s\n' "$*"; }
fail() {
	printf 'FAIL: %s\n' "$*"
	failures=$((failures + 1))
}

cleanup() {
	local rc=$?
	if [ "${KEEP_DBS:-}" != 1 ]; then
		# sqlsmith may still be connected if it was killed: --force
		dropdb --if-exists --force "$DB" >/dev/null 2>&1 || echo "warning: could not drop $DB" >&2
		rm -rf "$WORK"
	else
		echo "kept database $DB and $WORK (server.log: this run's server log lines; found/: each finding; sqlsmith.err; last-queries.sql)"
	fi
	exit "$rc"
}
trap cleanup EXIT

# tpsql, q: psql with today frozen at $TODAY
# shellcheck source=test/lib.sh
. test/lib.sh

command -v sqlsmith >/dev/null || {
	echo "sqlsmith is not installed (apt-get install sqlsmith; ./dev test installs it)"
	echo "not ok"
	exit 1
}

###########################################################################
# The server log: where it is, and how long it is now.
#
# With logging_collector on, pg_current_logfile() names the file (relative
# to the data directory, or absolute), and the collector may rotate to a new
# file during the run (sqlsmith calls pg_rotate_logfile() too): the files of
# the log directory written since the start are read as well.  With it off
# (pg_virtualenv, and Debian's clusters) the server writes to stderr, which
# pg_ctlcluster sends to the cluster's log file: pg_lsclusters shows it;
# under pg_virtualenv it is <tmpdir>/log/postgresql-15-regress.log.
logfile=$(q postgres "SELECT CASE WHEN f IS NULL THEN '' WHEN f LIKE '/%' THEN f
                                  ELSE current_setting('data_directory') || '/' || f END
                        FROM pg_current_logfile() f")
collector=$([ -n "$logfile" ] && echo yes || echo no)
if [ "$collector" = no ]; then
	datadir=$(q postgres "SHOW data_directory")
	port=$(q postgres "SHOW port")
	# Ver Cluster Port Status Owner Data-directory Log-file
	logfile=$(pg_lsclusters -h 2>/dev/null | awk -v p="$port" -v d="$datadir" '$3 == p && $6 == d { print $7 }' | head -1)
	if [ -z "$logfile" ] || [ "$logfile" = "<unknown>" ]; then
		# the name pg_ctlcluster gives it by default
		cluster=$(q postgres "SELECT replace(current_setting('cluster_name'), '/', '-')")
		logfile=/var/log/postgresql/postgresql-$cluster.log
	fi
fi
# A log file is read here if this machine can, else through the server
# (pg_stat_file and pg_read_file: a superuser's).
log_size() { # file
	if [ -r "$1" ]; then stat -c %s "$1"; else q postgres "SELECT size FROM pg_stat_file('$1')"; fi
}
log_from() { # file offset
	if [ -r "$1" ]; then
		tail -c +"$(($2 + 1))" "$1"
	else
		q postgres "SELECT pg_read_file('$1', $2, size - $2) FROM pg_stat_file('$1')"
	fi
}
# this run's lines of the server log, on stdout
run_log() {
	local f
	if [ "$(log_size "$logfile")" -ge "$log_start" ]; then
		log_from "$logfile" "$log_start"
	else
		echo "(the server log is shorter than at the start: rotated or truncated; reading all of it)" >&2
		log_from "$logfile" 0
	fi
	if [ "$collector" = yes ]; then
		for f in $(q postgres "SELECT name FROM pg_ls_logdir()
		                        WHERE modification >= '$log_since' AND name <> '$(basename "$logfile")'
		                        ORDER BY modification, name"); do
			log_from "$(dirname "$logfile")/$f" 0
		done
	fi
}
log_since=$(q postgres "SELECT date_trunc('second', now())") # pg_ls_logdir() has whole seconds
if ! log_start=$(log_size "$logfile" 2>/dev/null) || [ -z "$log_start" ]; then
	echo "cannot read the server log (tried $logfile): a crash or internal error would go unseen"
	echo "not ok"
	exit 1
fi
echo "server log: $logfile (logging_collector: $collector), from byte $log_start"

###########################################################################
say "building $DB"
PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists --force "$DB"
createdb "$DB"
tpsql "$DB" <<'SQL'
CREATE EXTENSION timepool;
UPDATE timepool.settings SET min_notice_minutes = 0, max_advance_days = 120;

-- clock limits of every kind: none (DR_A), two at once (DR_B), the default one (ROOM_X)
INSERT INTO timepool.resources (code, name, max_concurrent) VALUES
  ('DR_A', 'Doctor A', NULL), ('DR_B', 'Doctor B', 2);
INSERT INTO timepool.resources (code, name) VALUES ('ROOM_X', 'Old room');
UPDATE timepool.resources SET is_active = false WHERE code = 'ROOM_X';

INSERT INTO timepool.service_categories (code, name, display_order) VALUES
  ('GENERAL', 'General', 1), ('IMAGING', 'Imaging', 2), ('DENTAL', 'Dental', 3), ('UNUSED', 'Unused', 9);
INSERT INTO timepool.services
  (code, name, description, category, duration_minutes, buffer_minutes, price, display_order,
   min_notice_minutes, max_advance_days, daily_cap_minutes) VALUES
  ('CONSULT', 'Consultation', 'General consultation', 'GENERAL', 30, 10, 50.00, 1, 60, 60, NULL),
  ('XRAY', 'X-ray (old)', NULL, 'IMAGING', 25, 5, 70.00, 3, NULL, NULL, NULL),
  ('CLEANING', 'Cleaning', NULL, 'DENTAL', 45, 15, NULL, 2, NULL, NULL, 600),
  ('VIP', 'Hidden service', 'booked by staff only', NULL, 60, 0, 300.00, 9, 0, 10, NULL);
SELECT timepool.delete_service('XRAY') \g /dev/null
INSERT INTO timepool.services (code, name, category, duration_minutes, price, display_order, daily_cap_minutes)
  VALUES ('XRAY', 'X-ray', 'IMAGING', 20, 80.00, 3, 200);
UPDATE timepool.services SET is_visible = false WHERE code = 'VIP';

-- the weekly schedule and overrides of the other scripts; Wednesdays for DR_B
\i test/schedule.sql
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
  SELECT id, 3, 'DAY', '08:00', '16:00' FROM timepool.resources WHERE code = 'DR_B';
-- who performs what: DR_B everything but CLEANING, ROOM_X nothing but VIP
INSERT INTO timepool.resource_services (resource_id, service_id)
  SELECT r.id, s.id FROM timepool.resources r, timepool.services s
   WHERE s.deleted_at IS NULL
     AND ((r.code = 'DR_B' AND s.code <> 'CLEANING') OR (r.code = 'ROOM_X' AND s.code = 'VIP'));
SQL

# a few dozen reservations through book_service, one statement each
{
	n=0
	for d in 2025-11-15 2025-11-29 2025-12-06 2025-12-13 2025-12-20; do # Saturdays
		for t in 09:00 09:40 10:20; do
			echo "SELECT timepool.book_service('CONSULT', '$d', '$t', 'Patient $((n += 1))', p_resource => 'DR_A');"
		done
		for t in 13:00 14:00; do
			echo "SELECT timepool.book_service('CLEANING', '$d', '$t', 'Patient $((n += 1))', '+1 555 01$n', 'p$n@example.com', p_resource => 'DR_A', p_status => 'CONFIRMED');"
		done
		for t in 09:00 09:20 09:40; do
			echo "SELECT timepool.book_service('XRAY', '$d', '$t', 'Patient $((n += 1))', p_resource => 'DR_B', p_details => '{\"n\": $n}');"
		done
	done
	# 2025-11-22: DR_A's morning is 10:00-12:00 (90 minutes)
	echo "SELECT timepool.book_service('CONSULT', '2025-11-22', '10:00', 'Patient $((n += 1))', p_resource => 'DR_A', p_idempotency_key => 'key-$n');"
	echo "SELECT timepool.book_service('CONSULT', '2025-11-22', '10:40', 'Patient $((n += 1))', p_resource => 'DR_A', p_idempotency_key => 'key-$n');"
	for d in 2025-11-17 2025-11-24 2025-12-01; do # Mondays: DR_A; Wednesdays: DR_B
		echo "SELECT timepool.book_service('CONSULT', '$d', '08:00', 'Patient $((n += 1))', p_notes => 'monday');"
		echo "SELECT timepool.book_service('CLEANING', '$d', '09:00', 'Patient $((n += 1))');"
		echo "SELECT timepool.book_service('XRAY', date '$d' + 2, '10:00', 'Patient $((n += 1))');"
	done
	echo "SELECT timepool.book_service('VIP', '2025-11-15', '18:00', 'Patient $((n += 1))', p_resource => 'DR_B');"
} >"$WORK/book.sql"
tpsql "$DB" -f "$WORK/book.sql" >/dev/null
tpsql "$DB" <<'SQL'
SELECT timepool.set_reservation_status(id, 'CONFIRMED') FROM timepool.reservations WHERE status = 'PENDING' AND id % 5 = 1 \g /dev/null
-- COMPLETED and NO_SHOW once the appointments have started
SET timepool.now = '2026-01-01 00:00';
SELECT timepool.set_reservation_status(id, 'COMPLETED') FROM timepool.reservations WHERE status = 'CONFIRMED' AND id % 4 = 1 \g /dev/null
SELECT timepool.set_reservation_status(id, 'NO_SHOW') FROM timepool.reservations WHERE status = 'CONFIRMED' AND id % 4 = 2 \g /dev/null
RESET timepool.now;
SELECT timepool.set_reservation_status(id, 'REJECTED') FROM timepool.reservations WHERE status = 'PENDING' AND id % 7 = 3 \g /dev/null
SELECT timepool.cancel_reservation(id, 'patient called') FROM timepool.reservations WHERE status IN ('PENDING', 'CONFIRMED') AND id % 7 = 5 \g /dev/null
-- closed after DR_A's bookings on 2025-11-29
INSERT INTO timepool.schedule_overrides (resource_id, date, is_closed, reason)
  SELECT id, '2025-11-29', true, 'sick leave' FROM timepool.resources WHERE code = 'DR_A';
ANALYZE;
SQL
echo "reservations by status: $(q "$DB" "SELECT string_agg(status || '=' || n, ' ' ORDER BY status)
                                        FROM (SELECT status, count(*) n FROM timepool.reservations GROUP BY status) s")"

tpsql "$DB" <<SQL
ALTER DATABASE $DB SET statement_timeout = '1s';
ALTER DATABASE $DB SET lock_timeout = '1s';
ALTER DATABASE $DB SET idle_in_transaction_session_timeout = '10s';
ALTER DATABASE $DB SET temp_file_limit = '256MB';
ALTER DATABASE $DB SET timepool.today = '$TODAY';
ALTER DATABASE $DB SET lc_messages = 'C';
ALTER DATABASE $DB SET log_error_verbosity = verbose;
ALTER DATABASE $DB SET log_min_error_statement = error;
SQL
# the settings apply to new sessions: check that sqlsmith's will have them
got=$(psql -X -A -t -d "$DB" -c "SELECT current_setting('statement_timeout') || ' ' || current_setting('timepool.today') || ' ' || current_setting('log_error_verbosity')")
if [ "$got" != "1s $TODAY verbose" ]; then
	echo "the settings of $DB do not apply to a new session: got '$got'"
	echo "not ok"
	exit 1
fi

###########################################################################
say "sqlsmith --seed=$SEED --max-queries=$QUERIES --exclude-catalog"
# conninfo values in single quotes, \ and ' escaped
cq() {
	local v=${1//\\/\\\\}
	printf "'%s'" "${v//\'/\\\'}"
}
target="dbname=$(cq "$DB")"
[ -n "${PGHOST:-}" ] && target+=" host=$(cq "$PGHOST")"
[ -n "${PGPORT:-}" ] && target+=" port=$(cq "$PGPORT")"
[ -n "${PGUSER:-}" ] && target+=" user=$(cq "$PGUSER")"
echo "target: $target"

# sqlsmith is a superuser: it creates replication origins and slots with
# the names it finds in timepool's tables; the ones it leaves are dropped
# after the run (they are the cluster's, not the database's)
slots_before=$(q postgres "SELECT 'ARRAY[' || coalesce(string_agg(quote_literal(slot_name), ','), '') || ']::text[]' FROM pg_replication_slots")
origins_before=$(q postgres "SELECT 'ARRAY[' || coalesce(string_agg(quote_literal(roname), ','), '') || ']::text[]' FROM pg_replication_origin")

psql -X -q -d "$DB" -c "DO \$\$ BEGIN RAISE LOG '$TOKEN start'; END \$\$"
start=$(date +%s)
set +e
# --dump-all-queries prints each query before it runs: count those that
# call a timepool function, and keep the last 20 (if sqlsmith hangs, the
# query it hangs on is the last one)
timeout --kill-after=10 "$LIMIT" sqlsmith --target="$target" --seed="$SEED" --max-queries="$QUERIES" \
	--exclude-catalog --verbose --dump-all-queries 2>"$WORK/sqlsmith.err" |
	awk -v out="$WORK/last-queries.sql" '
		BEGIN { RS = ";\n" }
		/timepool\.[a-z_]+\(/ { tp++ }
		{ last[NR % 20] = $0 }
		END {
			for (i = NR - 19; i <= NR; i++) if (i > 0) print last[i % 20] ";" >out
			print tp + 0
		}' >"$WORK/tp_calls"
smith_rc=${PIPESTATUS[0]}
set -e
elapsed=$(($(date +%s) - start))

# Does the server still answer?  (After a crash it restarts: give it time.)
answers=no
for _ in $(seq 1 30); do
	if psql -X -q -A -t -d "$DB" -c "SELECT 1" >/dev/null 2>&1; then
		answers=yes
		break
	fi
	sleep 1
done
# the end marker: an error with a known SQLSTATE, which must be in the log
# with its SQLSTATE (proof that log_error_verbosity applies)
psql -X -q -d "$DB" -c "DO \$\$ BEGIN RAISE EXCEPTION '$TOKEN end' USING ERRCODE = 'P0001'; END \$\$" >/dev/null 2>&1 || true
sleep 1 # let the server write it
if [ "$answers" = yes ]; then
	left=$(q postgres "SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots
	                    WHERE slot_name <> ALL ($slots_before) AND NOT active")
	left="$left replication slot(s), $(q postgres "SELECT count(pg_replication_origin_drop(roname)) FROM pg_replication_origin
	                                                WHERE roname <> ALL ($origins_before)") origin(s)"
	echo "sqlsmith left $left: dropped"
fi

###########################################################################
say "checks"
# One pass over this run's log lines.  An entry is a message line and the
# lines that follow it up to the next message (DETAIL, LOCATION, STATEMENT
# and the statement's own lines; for a crash, "Failed process was
# running: ...").  Counted: errors by SQLSTATE class.  Kept, each in its own
# file: the entries of a crash (a backend terminated by a signal or with an
# exit code other than 0 and 1, a crash restart, a PANIC, a TRAP), and those
# of an error of class XX.
crash='was terminated by (signal|exception)|\(PID [0-9]+\) exited with exit code ([2-9]|[1-9][0-9]+)|terminating any other active server processes|all server processes terminated; reinitializing|database system was interrupted|PANIC:  |^TRAP: |FailedAssertion'
mkdir "$WORK/found"
keep_log=/dev/null
[ "${KEEP_DBS:-}" != 1 ] || keep_log=$WORK/server.log
{ run_log || true; } | tee "$keep_log" | CRASH=$crash TOKEN=$TOKEN OUT=$WORK/found awk '
	BEGIN { crash = ENVIRON["CRASH"]; token = ENVIRON["TOKEN"]; out = ENVIRON["OUT"] }
	/^TRAP: / || (/(LOG|ERROR|FATAL|PANIC|WARNING|NOTICE|INFO|DEBUG[1-5]?):  / && !/(DETAIL|HINT|CONTEXT|LOCATION|STATEMENT|QUERY):  /) {
		if (file != "") close(file)
		file = ""
		lines = 0
		code = ""
		# ERROR:  22012: ... (no {5}: mawk has no intervals)
		if (match($0, /(ERROR|FATAL|PANIC):  [0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z]: /))
			code = substr($0, RSTART + RLENGTH - 7, 5)
		if (index($0, token " start"))
			start_seen = 1
		if (code == "P0001" && index($0, token " end"))
			end_seen = 1
		else if (code != "") {
			errors++
			class[substr(code, 1, 2)]++
		}
		if ($0 ~ crash)
			file = out "/crash." (++crashes)
		else if (code ~ /^XX/)
			file = out "/internal." (++internals)
	}
	file != "" && lines++ < 5000 { print > file }
	END {
		printf "%d %d %d %d %d %d\n", NR, start_seen, end_seen, errors, crashes, internals > (out "/summary")
		for (c in class)
			print c "=" class[c] > (out "/classes")
	}'
read -r nlines start_seen end_seen errors crashes internals <"$WORK/found/summary"
echo "server log lines of this run: $nlines"
classes=$(sort "$WORK/found/classes" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')

# the right log, read from the right place, with SQLSTATEs
[ "$start_seen" = 1 ] ||
	fail "the start marker ($TOKEN start) is not in the server log lines read: wrong log file?"
[ "$end_seen" = 1 ] ||
	fail "the end marker is not in the server log with its SQLSTATE (ERROR:  P0001: $TOKEN end)"

show() { sed -e 's/^/    /' "$1" | head -80; }

if [ "$crashes" -gt 0 ]; then
	fail "the server crashed ($crashes log entries: a backend died, a crash restart, a PANIC or a TRAP):"
	for f in "$WORK"/found/crash.*; do show "$f"; done
fi

# Internal errors (class XX).  Each one fails the run, save two kinds that
# are PostgreSQL's and not timepool's:
#  - known: PostgreSQL 15's own functions have internal errors that any
#    superuser reaches with a bad argument, and sqlsmith calls them all.
#    Those listed below are not counted when the entry's LOCATION is that
#    function, its message starts so, its statement contains the text given
#    (the SQL function that gets the bad argument), and the one-line query
#    given raises the same error in a database without timepool on this
#    server (checked at each run; an entry that no longer reproduces excuses
#    nothing).
#  - elsewhere: an XX000 raised in PostgreSQL's code (its LOCATION is in no
#    file of src/) by a statement that runs no timepool code: it calls no
#    timepool function and writes no table (sqlsmith only writes timepool's
#    tables, whose triggers are timepool's; reading them runs PostgreSQL's
#    code only).  Listed, not counted.
# An internal error raised in timepool's source, one without LOCATION or
# statement, one of class XX other than XX000 (XX001 data corrupted, XX002
# index corrupted), or one of a statement that runs timepool code and is not
# known: the run fails and the entry is printed.
#   LOCATION function|message starts with|statement contains|reproduced by
known=(
	# a typmod no interval has: elog(ERROR), not ereport
	"intervaltypmodout|invalid INTERVAL typmod: |intervaltypmodout(|SELECT pg_catalog.intervaltypmodout(85)"
	"intervaltypmodleastfield|invalid INTERVAL typmod: |interval(|SELECT pg_catalog.interval(pg_catalog.sum(i), 50) FROM (VALUES (NULL::interval)) v(i)"
	"AdjustIntervalForTypmod|unrecognized interval typmod: |interval(|SELECT pg_catalog.interval(i, 50) FROM (VALUES (interval '1 day')) v(i)"
	# initdb's function, which anyone may call afterwards
	"SetNextObjectId|cannot advance OID counter anymore|pg_stop_making_pinned_objects(|SELECT pg_catalog.pg_stop_making_pinned_objects()"
	# an expression of type unknown (unknownin(), cast(... as unknown)) where text is wanted
	"coerce_type|failed to find conversion function from unknown to |unknown|SELECT pg_catalog.textlen(pg_catalog.unknownin('x'))"
	# a file name too long (ENAMETOOLONG has no SQLSTATE of its own)
	"lo_import_internal|could not open server file |lo_import(|SELECT pg_catalog.lo_import(repeat('x', 5000))"
	# an object type letter acldefault() does not know
	"acldefault_sql|unrecognized objtype abbreviation: |acldefault(|SELECT pg_catalog.acldefault('M', 10)"
)
# timepool's C files: an error raised in one of them is timepool's
tp_sources=" "
for f in src/*.c; do [ -e "$f" ] && tp_sources+="${f#src/} "; done
excused=""
elsewhere=0
if [ "$internals" -gt 0 ]; then
	PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists "${DB}_plain"
	createdb "${DB}_plain"
	active=()
	for k in "${known[@]}"; do
		IFS='|' read -r kfun kmsg kneedle krepro <<<"$k"
		out=$(psql -X -q -v VERBOSITY=verbose -d "${DB}_plain" -c "$krepro" 2>&1 || true)
		if [[ $out == *"ERROR:  XX000: $kmsg"* && $out == *"LOCATION:  $kfun, "* ]]; then
			active+=("$k")
		else
			echo "note: '$krepro' no longer raises '$kmsg' in $kfun on this server: it excuses nothing"
		fi
	done
	dropdb --if-exists "${DB}_plain"
	declare -A seen=()
	for f in "$WORK"/found/internal.*; do
		first=$(head -1 "$f")
		fun=$(sed -n -E 's/.*LOCATION:  ([A-Za-z0-9_]+), .*/\1/p' "$f" | head -1)
		src=$(sed -n -E 's/.*LOCATION:  [A-Za-z0-9_]+, ([A-Za-z0-9_.-]+\.[a-z]+):[0-9]+.*/\1/p' "$f" | head -1)
		sed -n '/STATEMENT:  /,$p' "$f" >"$WORK/statement"
		verdict=""
		if [[ $first != *"XX000: "* ]]; then
			verdict="not XX000"
		elif [ -z "$fun" ]; then
			verdict="no LOCATION"
		elif [ "$tp_sources" = " " ] || [[ $tp_sources == *" $src "* ]]; then
			verdict="raised in timepool's $src"
		else
			for k in "${active[@]}"; do
				IFS='|' read -r kfun kmsg kneedle krepro <<<"$k"
				if [ "$fun" = "$kfun" ] && [[ $first == *"ERROR:  XX000: $kmsg"* ]] && grep -q -F -- "$kneedle" "$WORK/statement"; then
					verdict=known
					seen[$kfun]=$((${seen[$kfun]:-0} + 1))
					break
				fi
			done
			if [ -z "$verdict" ]; then
				if [ ! -s "$WORK/statement" ]; then
					verdict="no statement"
				elif grep -q -i -E 'timepool\.[a-z0-9_]+\(|insert into|update timepool\.|delete from|merge into' "$WORK/statement"; then
					verdict="raised in $src:$fun by a statement that runs timepool code"
				else
					verdict=elsewhere
					elsewhere=$((elsewhere + 1))
					echo "PostgreSQL's, not counted (raised in $src:$fun, by a statement that runs no timepool code):" \
						"$(sed -E 's/.*XX000: //' <<<"$first" | cut -c1-120)"
				fi
			fi
		fi
		case $verdict in
		known | elsewhere) ;;
		*)
			fail "internal error ($verdict):"
			show "$f"
			;;
		esac
	done
	for k in "${!seen[@]}"; do excused+=" $k=${seen[$k]}"; done
	[ -z "$excused" ] || echo "known PostgreSQL internal errors, not counted:$excused"
fi

[ "$answers" = yes ] || fail "the server does not answer after the run"
case $smith_rc in
0) ;;
124 | 137)
	fail "sqlsmith did not finish within ${LIMIT}s (a statement that ignores statement_timeout?); the end of the last statements it sent, the one it was running last:"
	sed 's/^/    /' "$WORK/last-queries.sql" | tail -60
	;;
*)
	fail "sqlsmith exited with status $smith_rc; the end of its output:"
	tail -5 "$WORK/sqlsmith.err" | sed 's/^/    /'
	;;
esac

# queries run (sqlsmith's final report), those calling timepool's functions
ran=$(grep -E '^queries: [0-9]+' "$WORK/sqlsmith.err" | tail -1 | awk '{ print $2 }')
echo
echo "sqlsmith: seed $SEED, ${ran:-?} queries ($(cat "$WORK/tp_calls") calling timepool functions) in ${elapsed}s;" \
	"$errors errors in the server log, by SQLSTATE class: ${classes:-none};" \
	"$crashes crash entries, $internals internal errors (${excused:+known PostgreSQL ones:$excused; }$elsewhere PostgreSQL's elsewhere)"
if [ "$failures" -eq 0 ]; then
	echo "ok"
else
	echo "$failures check(s) failed"
	echo "not ok"
	exit 1
fi
