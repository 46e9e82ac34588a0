#!/usr/bin/env bash
# test/dashboard.sh: the live dashboard (examples/dashboard) end to end, in
# headless Chromium: Debian's chromium package driven by playwright-core from
# the npm registry (pinned in test/dashboard/package-lock.json; no browser is
# downloaded).
#
# Against the cluster that libpq's environment points to (PGHOST, PGPORT,
# PGUSER: a superuser), in database tp_dashboard, made fresh, with the roles
# clinic_reports, booking_site and dashboard made by examples/dashboard/
# roles.sql (the database and the roles are dropped at the end; KEEP_DBS=1
# keeps them).  A cluster that already has one of those roles is refused:
# the test drops no role it did not make.  Needs node (20) and npm: `npm ci`
# installs pg into examples/dashboard and playwright-core into test/dashboard
# when they are not there.
#
# The clinic: DR_A (MORNING 09:00-12:00, AFTERNOON 13:00-17:00) and DR_B
# (MORNING 09:00-13:00 with 120 minutes), one patient at a time, every day;
# CONSULT (30 minutes, online) and LASER (hidden); on day D (a week ahead)
# one CONSULT at 09:00 with DR_A.
#
# The server started as a superuser refuses to start.  Started as dashboard
# on a free port, it serves the page, and test/dashboard/check.js checks in
# the browser:
#   - the bars of D are utilization()'s rows, numbers shown; the menu is
#     bookable_services; the open starts are open_slots()'s;
#   - a booking through SQL moves its bar to the new figures within 1 s of
#     the statement being sent (timed in the page: a MutationObserver's clock
#     against the test's), in place, from the payload; the open starts follow;
#   - a booking rolled back: after 1.5 s no event came and no bar moved;
#   - a NOTIFY on the channel that is not a pool's figures is not passed on;
#   - a booking on another date: one event, no bar of D moves;
#   - two pools in one transaction: both bars, one event each, within 1 s;
#   - a cancellation moves the bar back within 1 s;
#   - the server's LISTEN connection terminated: the page shows the server
#     reconnecting, then live, and the next booking arrives within 1 s;
#   - the API answers 400 to malformed dates and codes (and timepool's
#     TP003 for an unknown service), 404 elsewhere; the server's connections
#     are the role dashboard, no superuser; no error in the page.
# It saves test/output_dashboard/dashboard.png.
#
# When it cannot run (no chromium, no node, npm ci failing, the browser not
# starting, the role dashboard refused a login by the cluster's
# authentication) it prints "dashboard test: cannot run: <reason>" and
# exits 1.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

DB=tp_dashboard
EX=$PWD/examples/dashboard
TD=$PWD/test/dashboard
OUT=$PWD/test/output_dashboard
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
ROLES=(dashboard booking_site clinic_reports)
WORK=$(mktemp -d -t tp_dashboard.XXXXXX)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
server_pid=
roles_ours=0
failures=0

cleanup() {
	local rc=$?
	if [ -n "$server_pid" ]; then
		kill "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
	fi
	if [ "${KEEP_DBS:-}" != 1 ]; then
		psql -X -q -d postgres -c "SET client_min_messages = warning" \
			-c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 ||
			echo "warning: could not drop $DB" >&2
		if [ "$roles_ours" = 1 ]; then
			for role in "${ROLES[@]}"; do
				psql -X -q -d postgres -c "SET client_min_messages = warning" \
					-c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 ||
					echo "warning: could not drop role $role" >&2
			done
		fi
		rm -rf "$WORK"
	else
		echo "# kept database $DB, roles ${ROLES[*]} and $WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT

cannot() {
	echo "dashboard test: cannot run: $*"
	exit 1
}
fail() {
	echo "not ok - $*"
	failures=$((failures + 1))
}

# ---- what it needs
command -v node >/dev/null || cannot "node is not installed (./dev test installs Debian's nodejs and npm)"
[ -x "$CHROMIUM" ] || cannot "no browser at $CHROMIUM (./dev test installs Debian's chromium package)"
# a package the lock file pins, installed with npm ci unless it is there
npm_ci() {
	local dir=$1 pkg=$2 want have
	want=$(node -p "require('$dir/package-lock.json').packages['node_modules/$pkg'].version")
	have=$(node -p "try { require('$dir/node_modules/$pkg/package.json').version } catch (e) { '' }")
	if [ "$have" != "$want" ]; then
		echo "# installing $pkg $want into ${dir#"$PWD"/} with npm ci"
		npm ci --prefix "$dir" --no-audit --no-fund >"$WORK/npm.log" 2>&1 || {
			cat "$WORK/npm.log"
			cannot "npm ci failed in ${dir#"$PWD"/}"
		}
	fi
}
npm_ci "$EX" pg
npm_ci "$TD" playwright-core

# ---- the roles are ours to make and drop
list=$(printf "'%s'," "${ROLES[@]}")
existing=$(psql -X -A -t -d postgres -c "SELECT string_agg(rolname, ' ') FROM pg_roles WHERE rolname IN (${list%,})") ||
	cannot "psql cannot reach the cluster"
[ -z "$existing" ] ||
	cannot "this cluster already has role(s) $existing; the test drops no role it did not make: drop them, or run it on another cluster"

# ---- the clinic
PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists "$DB"
createdb "$DB" || cannot "createdb $DB failed"
# live changes are sent where the DBA turns them on (timepool.notify)
psql -X -q -d "$DB" -c "ALTER DATABASE $DB SET timepool.notify = on" || exit 1
psql -X -q -d "$DB" -c "CREATE EXTENSION timepool" || exit 1
D=$(psql -X -A -t -d "$DB" -c "SELECT timepool.clinic_today() + 7") || exit 1
D2=$(date -d "$D + 1 day" +%F)
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v day="$D" >/dev/null <<'SQL' || exit 1
INSERT INTO timepool.resources (code, name) VALUES ('DR_A', 'Dr A'), ('DR_B', 'Dr B');
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
SELECT r.id, d, p.period, p.start_time, p.end_time, p.capacity
  FROM timepool.resources r, generate_series(0, 6) AS d,
       (VALUES ('DR_A', 'MORNING', time '09:00', time '12:00', NULL::integer),
               ('DR_A', 'AFTERNOON', '13:00', '17:00', NULL),
               ('DR_B', 'MORNING', '09:00', '13:00', 120)) AS p(resource, period, start_time, end_time, capacity)
 WHERE r.code = p.resource;
INSERT INTO timepool.services (code, name, duration_minutes, is_visible)
VALUES ('CONSULT', 'Consultation', 30, true), ('LASER', 'Laser', 60, false);
SELECT id FROM timepool.book_service('CONSULT', :'day', '09:00', 'First patient', p_resource => 'DR_A');
SQL
password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
roles_ours=1
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v dashboard_password="$password" -f "$EX/roles.sql" || exit 1

# ---- as a superuser, the server refuses to start
PGDATABASE=$DB PORT=0 timeout 20 node "$EX/server.js" >"$WORK/super.out" 2>"$WORK/super.err"
rc=$?
if [ "$rc" = 1 ] && grep -q 'refusing to start: role ".*" is a superuser' "$WORK/super.err"; then
	echo "ok - as a superuser the server refuses to start: $(cat "$WORK/super.err")"
else
	fail "as a superuser the server refuses to start (exit $rc: $(cat "$WORK/super.out" "$WORK/super.err"))"
fi

# ---- as dashboard, on a free port
PGDATABASE=$DB PGUSER=dashboard PGPASSWORD=$password PORT=0 HOST=127.0.0.1 \
	node "$EX/server.js" >"$WORK/server.out" 2>"$WORK/server.err" &
server_pid=$!
url=
for _ in $(seq 1 150); do
	url=$(sed -n 's|^dashboard: \(http://[^ ]*\) .*|\1|p' "$WORK/server.out")
	[ -n "$url" ] && break
	kill -0 "$server_pid" 2>/dev/null || break
	sleep 0.1
done
if [ -z "$url" ]; then
	cat "$WORK/server.out" "$WORK/server.err"
	# a cluster that lets no password role log in where PGHOST points
	# (peer authentication on the socket) is the machine's, not a failure
	grep -q '^dashboard: cannot connect to the database' "$WORK/server.err" &&
		cannot "the role dashboard cannot log in (PGHOST=${PGHOST:-}): $(sed -n 's/^dashboard: cannot connect to the database: //p' "$WORK/server.err")"
	fail "the server started as dashboard"
	exit 1
fi
echo "# server: $url (pid $server_pid)"

# ---- the browser
start=$(date +%s%N)
PGDATABASE=$DB CHROMIUM=$CHROMIUM OUT_DIR=$OUT EXAMPLE_DIR=$EX node "$TD/check.js" "$url" "$D" "$D2"
rc=$?
echo "# browser run: $((($(date +%s%N) - start) / 1000000)) ms"
case $rc in
0) ;;
2) exit 1 ;; # cannot run: check.js said why
*) failures=$((failures + 1)) ;;
esac

# ---- the server logged what happened and nothing else (no failed query)
want_log="dashboard: listening on timepool_availability
dashboard: ignored a payload on timepool_availability that is not a pool's figures
dashboard: ignored a payload on timepool_availability that is not a pool's figures
dashboard: LISTEN connection lost (terminating connection due to administrator command); connecting again
dashboard: listening on timepool_availability"
if [ "$(cat "$WORK/server.err")" = "$want_log" ]; then
	echo "ok - the server logged the two payloads it dropped and the LISTEN connection's loss, nothing else"
else
	fail "the server logged the two payloads it dropped and the LISTEN connection's loss, nothing else:"
	diff <(echo "$want_log") "$WORK/server.err"
fi

[ "$failures" -eq 0 ]
