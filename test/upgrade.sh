#!/usr/bin/env bash
# test/upgrade.sh: ALTER EXTENSION timepool UPDATE from 1.0 to 1.1 keeps every
# row, migrates the free-text categories, and gives the same schema as a
# fresh CREATE EXTENSION timepool.
#
# Against the cluster that libpq's environment points to (PGHOST, PGPORT,
# PGUSER: a superuser):
#   database tp_upgrade_a: CREATE EXTENSION timepool VERSION '1.0', with
#     resources, services with free-text categories (duplicates that differ
#     only in case or punctuation, a leading digit, non-ASCII letters, only
#     punctuation, over 50 characters, NULL), a weekly schedule, overrides
#     and reservations in every status, one of them more than 365 days ahead
#     (1.0 has no limit ahead, and the 1.1 library must keep it so in a 1.0
#     database).  Snapshot every table and sequence, then in a session that
#     already used timepool: ALTER EXTENSION timepool UPDATE.  Then: every
#     row is the same (services.category aside; services.updated_at too: the
#     migration is no edit), the categories are migrated to codes, settings
#     has its row, audit_log is empty, 1.1's rules apply at once in that
#     session, and booking works and is audited.
#   database tp_upgrade_b: a fresh CREATE EXTENSION timepool (1.1); its
#     schema must be the upgraded one: pg_dump --schema-only (plain, and
#     --binary-upgrade, which lists the extension's member objects) and a
#     catalogue listing of every member object must be equal.
#   databases tp_upgrade_c, tp_upgrade_d: categories that the migration must
#     also handle (a numbered suffix that another text already produces; a
#     category of blanks only, and one with blanks around it).
#
# Prints "ok N - ..." or "not ok N - ..." per check, then "1..N"; exits
# non-zero on any failure.  The databases are dropped at the end (KEEP_DBS=1
# keeps them).
set -euo pipefail
cd "$(dirname "$0")/.." # test/schedule.sql and test/lib.sh are read from here

A=tp_upgrade_a
B=tp_upgrade_b
C=tp_upgrade_c
D=tp_upgrade_d
SITE_ROLE=tp_upgrade_site
TODAY=2025-11-14 # "today" for timepool: bookings are on Saturday 2025-11-15 and later
FAR=2027-01-02   # a Saturday 414 days after TODAY: bookable in 1.0, not in 1.1 (365 days ahead)
FAR2=2027-01-09
CLINIC_TZ=Europe/Paris # the TimeZone of the session that runs the upgrade
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
		for db in "$A" "$B" "$C" "$D"; do
			dropdb --if-exists "$db" >/dev/null 2>&1 || echo "warning: could not drop $db" >&2
		done
		psql -X -q -d postgres -c "DROP ROLE IF EXISTS $SITE_ROLE" >/dev/null 2>&1 ||
			echo "warning: could not drop role $SITE_ROLE" >&2
		rm -rf "$WORK"
	else
		echo "kept databases $A $B $C $D, role $SITE_ROLE and $WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT

# tpsql, q and qv: psql with today frozen at $TODAY
# shellcheck source=test/lib.sh
. test/lib.sh

for db in "$A" "$B" "$C" "$D"; do
	PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists "$db"
done
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS $SITE_ROLE"

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

# 1.0 has no limit ahead: with the 1.1 library loaded, a 1.0 database keeps
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

tpsql "$A" <<SQL
SELECT timepool.set_reservation_status($r_completed, 'CONFIRMED') \\g /dev/null
SELECT timepool.set_reservation_status($r_completed, 'COMPLETED') \\g /dev/null
SELECT timepool.set_reservation_status($r_noshow, 'NO_SHOW') \\g /dev/null
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
snapshot() { # db outdir
	local db=$1 out=$2 t
	mkdir -p "$out"
	for t in $TABLES; do
		q "$db" "SELECT t FROM timepool.$t t ORDER BY id" >"$out/table.$t"
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
expect "ALTER EXTENSION timepool UPDATE succeeds and the version is 1.1" \
	"$(printf '%s\n' "$got" | sed -n 's/^version: //p')" "1.1"
expect "the same session after the update: can_book $FAR2 is false (1.1: 365 days ahead)" \
	"$(printf '%s\n' "$got" | sed -n 's/^after: //p')" "false"
expect "the same session after the update: can_book 2025-11-22 is true" \
	"$(printf '%s\n' "$got" | sed -n 's/^near: //p')" "true"
expect "the same session after the update: clinic_today() is the frozen $TODAY" \
	"$(printf '%s\n' "$got" | sed -n 's/^today: //p')" "$TODAY"
expect "pg_extension says 1.1" "$(q "$A" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" "1.1"

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
expect "a fresh install is at version 1.1" "$(q "$B" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" "1.1"
expect "a fresh install has the settings row" \
	"$(q "$B" "SELECT count(*) || ' ' || min(min_notice_minutes) || ' ' || min(max_advance_days) FROM timepool.settings")" "1 0 365"

say "the upgraded schema ($A) against the fresh one ($B)"
# plain pg_dump: drop the \restrict lines (a random key) and the comment lines
# at the top that name the versions
normalise_dump() { grep -v -E '^\\(un)?restrict |^-- Dumped (from|by) '; }
for db in "$A" "$B"; do
	mkdir -p "$WORK/$db"
	pg_dump --schema-only --no-owner --schema=timepool -d "$db" | normalise_dump >"$WORK/$db/schema.sql"
done
expect_same_file "pg_dump --schema-only --no-owner --schema=timepool: same output" "$WORK/$A/schema.sql" "$WORK/$B/schema.sql"
# pg_dump does not write the member objects of an extension, only CREATE
# EXTENSION; --binary-upgrade writes every one of them (with the OIDs and
# relfilenodes to keep, the frozen xids and the attribute versions (LSNs),
# which differ between two databases: those numbers are replaced; and the
# state of the config sequences, which is data: the setval lines are left out)
for db in "$A" "$B"; do
	pg_dump --schema-only --binary-upgrade --no-owner -d "$db" | normalise_dump |
		sed -E -e "s/'[0-9]+'::pg_catalog\.oid/'OID'::pg_catalog.oid/g" \
			-e "s/(binary_upgrade_create_empty_extension\('timepool', 'timepool', false, '[^']*', )'\{[0-9,]*\}'/\1'{OIDS}'/" \
			-e "s/(WHERE oid = )'[0-9]+'/\1'OID'/" -e "s/relfrozenxid = '[0-9]+'/relfrozenxid = 'XID'/" \
			-e "/binary_upgrade_set_next_attribute_versions/s#[0-9A-F]+/[0-9A-F]+#LSN#g" \
			-e "/^SELECT pg_catalog.setval\('timepool\./d" \
			>"$WORK/$db/schema-binary-upgrade.sql"
done
got=$(grep -c -E '^CREATE (TABLE|FUNCTION|TRIGGER|VIEW|INDEX)' "$WORK/$A/schema-binary-upgrade.sql" || true)
expect_like "pg_dump --binary-upgrade of $A lists the member objects ($got CREATE TABLE/FUNCTION/TRIGGER/VIEW/INDEX)" "$got" "[1-9][0-9]*"
expect_same_file "pg_dump --schema-only --binary-upgrade: same output but for OIDs" \
	"$WORK/$A/schema-binary-upgrade.sql" "$WORK/$B/schema-binary-upgrade.sql"

# every member object of the extension and what defines it
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
  SELECT format('schema %s: owner=%s acl=%s', n.nspname, n.nspowner::regrole, n.nspacl)
    FROM pg_namespace n WHERE n.nspname = 'timepool'
  UNION ALL
  SELECT format('relation %s: kind=%s persistence=%s owner=%s acl=%s rowsecurity=%s options=%s comment=%s',
                c.oid::regclass, c.relkind, c.relpersistence, c.relowner::regrole, c.relacl,
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
                p.proconfig, p.proowner::regrole, p.proacl, obj_description(p.oid, 'pg_proc'),
                replace(pg_get_functiondef(p.oid), E'\n', '\n'))
    FROM procs p JOIN pg_language l ON l.oid = p.prolang
  UNION ALL
  SELECT format('type %s: type=%s owner=%s acl=%s subtype=%s collation=%s comment=%s',
                t.oid::regtype, t.typtype, t.typowner::regrole, t.typacl, r.rngsubtype::regtype,
                nullif(r.rngcollation, 0)::regcollation, obj_description(t.oid, 'pg_type'))
    FROM pg_type t JOIN mem ON mem.classid = 'pg_type'::regclass AND mem.objid = t.oid
    LEFT JOIN pg_range r ON r.rngtypid = t.oid
)
SELECT line FROM lines ORDER BY line COLLATE "C";
SQL
for db in "$A" "$B"; do
	tpsql "$db" -A -t -f "$WORK/catalogue.sql" >"$WORK/$db/catalogue"
done
got=$(grep -c -E '^(member|column|constraint|index|trigger|function)' "$WORK/$A/catalogue" || true)
expect_like "the catalogue listing of $A is not empty ($got member/column/constraint/index/trigger/function lines)" "$got" "[1-9][0-9][0-9]*"
expect_same_file "catalogue: every member object, column, constraint, index, trigger, function, ACL and config table is the same" \
	"$WORK/$A/catalogue" "$WORK/$B/catalogue"
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
	-c "GRANT EXECUTE ON FUNCTION timepool.book_service(text, date, time, text, text, text, text, jsonb, text, text, text) TO $SITE_ROLE"
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
if [ "$(q "$C" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" = 1.1 ]; then
	got=$(q "$C" "SELECT string_agg(s.code || '=' || c.name, ',' ORDER BY s.code)
	                FROM timepool.services s JOIN timepool.service_categories c ON c.code = s.category")
	expect "$C: each service's category is named by its own text" "$got" "S_1=Skin care,S_2=skin-care,S_3=Skin care 2"
fi

say "$D: a category of blanks only, and one with blanks around it (1.0 allowed 1 to 100 characters of anything)"
upgrade_categories "$D" "$D ('   ', '  Padded  ', 'Aesthetics')" "(1, '   '), (2, '  Padded  '), (3, 'Aesthetics')" \
	"3 categories for 3 rows; 0 NULL"
if [ "$(q "$D" "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")" = 1.1 ]; then
	got=$(q "$D" "SELECT string_agg(s.code || '=' || c.code, ',' ORDER BY s.code)
	                FROM timepool.services s JOIN timepool.service_categories c ON c.code = s.category")
	expect "$D: the codes: CATEGORY for the blanks, PADDED, AESTHETICS" "$got" "S_1=CATEGORY,S_2=PADDED,S_3=AESTHETICS"
fi

###########################################################################
echo "1..$checks"
if [ "$failures" -eq 0 ]; then
	echo "# upgrade: all $checks checks passed"
else
	echo "# upgrade: $failures of $checks checks failed"
	exit 1
fi
