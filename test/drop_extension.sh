#!/usr/bin/env bash
# test/drop_extension.sh: a transaction that books (or changes the
# schedule) and then drops the extension commits: the checks and the
# NOTIFY that timepool runs at COMMIT find nothing left to do.  In a
# database of its own on the cluster libpq's environment points to.
set -euo pipefail
db=timepool_drop_extension
dropdb --if-exists "$db"
createdb "$db"
trap 'dropdb --if-exists "$db"' EXIT
run() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
setup() {
	run <<'SQL'
CREATE EXTENSION timepool;
INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'A');
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('BOTOX', 'Botox', 40);
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r.id, d, 'MORNING', '09:00', '12:00' FROM timepool.resources r, generate_series(0, 6) d;
SQL
}
for change in \
	"SELECT timepool.book_service('BOTOX', '2026-12-08', '09:00', 'Ann', p_resource => 'DR_A');" \
	"UPDATE timepool.clinic_time_slots SET capacity_minutes = 100;" \
	"INSERT INTO timepool.schedule_overrides (date, is_closed) VALUES ('2026-12-08', true);"; do
	setup
	run <<SQL
SET timepool.now = '2026-12-07 08:00';
BEGIN;
$change
DROP EXTENSION timepool CASCADE;
COMMIT;
SQL
	n=$(psql -X -At -d "$db" -c "SELECT count(*) FROM pg_extension WHERE extname = 'timepool'")
	[ "$n" = 0 ] || { echo "the extension is still there after: $change" >&2; exit 1; }
	echo "ok: $change then DROP EXTENSION commits"
done
