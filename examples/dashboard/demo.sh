#!/usr/bin/env bash
# examples/dashboard/demo.sh: the live dashboard on the demo's data, in the
# foreground, against the cluster that libpq's environment points to
# (./dev dashboard makes a throwaway one; PGUSER must be a superuser).
#   1. test/demo.sh loads the worked example into database timepool_demo
#      and keeps it (TIMEPOOL_DEMO_KEEP=1);
#   2. roles.sql makes the roles clinic_reports, booking_site and dashboard
#      (a random password);
#   3. npm ci installs pg when it is missing;
#   4. server.js runs as dashboard on PORT (8080) and HOST (127.0.0.1).
# Book from another terminal with psql (the command is printed) and watch
# the bars move.  Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/../.."
EX=examples/dashboard
DB=timepool_demo
PORT=${PORT:-8080}
HOST=${HOST:-127.0.0.1}

log=$(mktemp -t timepool-dashboard-demo.XXXXXX)
echo "# loading the demo's data into $DB (its output: $log)"
TIMEPOOL_DEMO_KEEP=1 bash test/demo.sh >"$log" 2>&1 || {
	cat "$log"
	exit 1
}
day=$(psql -X -A -t -d "$DB" -c "SELECT min(reservation_date) FROM timepool.reservations")

# live changes are sent where the DBA turns them on (timepool.notify)
psql -X -q -d "$DB" -c "ALTER DATABASE $DB SET timepool.notify = on"
password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v dashboard_password="$password" -f "$EX/roles.sql"

want_pg=$(node -p "require('./$EX/package-lock.json').packages['node_modules/pg'].version")
have_pg=$(node -p "try { require('./$EX/node_modules/pg/package.json').version } catch (e) { '' }")
if [ "$have_pg" != "$want_pg" ]; then
	echo "# installing the dashboard's dependency (pg $want_pg) with npm ci"
	npm ci --prefix "$EX" --no-audit --no-fund >>"$log" 2>&1 || {
		cat "$log"
		exit 1
	}
fi

cat <<MSG

# the dashboard: open http://$HOST:$PORT/?date=$day&service=BOTOX
# (the demo's day, $day; a tunnel from elsewhere: ssh -L $PORT:127.0.0.1:$PORT this-machine)
# to book and watch a bar move, in another shell of this machine:
#   $(printf 'PGHOST=%q PGPORT=%q PGUSER=%q PGPASSWORD=%q' "$PGHOST" "${PGPORT:-5432}" "$PGUSER" "${PGPASSWORD:-}") \\
#     psql -d $DB -c "SELECT id FROM timepool.book_service('SKIN_CARE', '$day', '13:00', 'Walk-in')"
# Ctrl-C stops the server and drops the cluster.

MSG
PGDATABASE=$DB PGUSER=dashboard PGPASSWORD=$password PORT=$PORT HOST=$HOST exec node "$EX/server.js"
