#!/usr/bin/env bash
# test/retry.sh: the README's application example, examples/booking-client/
# book.js, run by 40 concurrent clients for the last room of a pool at READ
# COMMITTED, REPEATABLE READ and SERIALIZABLE: every client gets the true
# answer (booked, or full), and none gives up on 40001.
#
# Against the cluster that libpq's environment points to (PGHOST, PGPORT,
# PGUSER: a superuser), in database tp_retry, made fresh (dropped at the end;
# KEEP_DBS=1 keeps it and the work directory).  Needs node (20) and npm:
# `npm ci` installs the example's pinned pg into examples/booking-client/
# node_modules when it is not there.
#
# First: the ```js block of README.md that starts with the line
# "// examples/booking-client/book.js: ..." is that file, byte for byte, so
# that what the README shows is what this test runs.
#
# Then, on a clinic with today frozen at TODAY (timepool.today, passed to
# every client with PGOPTIONS) and one 40-minute service offered online, two
# scenarios at each of the three levels, each on a pool of its own (its own
# Saturday), each with 40 clients: 40 connections, opened first, then all
# 40 book() calls started in the same tick, each client with its own start
# time and idempotency key:
#   minutes  resource DR_MIN, no clock limit (max_concurrent NULL), MORNING
#            09:00-15:00 with a capacity of 340 minutes: room for exactly 8
#            of the 40 bookings (20 minutes stay free).  Starts 09:00, 09:05,
#            ... 12:15.  Want: 8 booked, 32 full with TP001.
#   clock    resource DR_ONE, max_concurrent 1, MORNING 09:00-13:00 with 240
#            minutes (never the limit): four groups of ten clients, group g
#            starting at 09:00 + 50 g minutes + 0..9 minutes.  Within a group
#            every two windows overlap; across groups none do.  Want: one
#            booked per group (4), 36 full with TP007.
# The checks, per scenario and level (from each client's answer, loaded
# into a table, and the reservations table):
#   - every client answered booked or full, with the scenario's SQLSTATE; no
#     client gave up on 40001 (or failed in any other way);
#   - exactly the number of bookings wanted, each with created = true;
#   - the pool's holding rows are exactly the booked clients' receipts (same
#     ids, keys, start times), one per key;
#   - every "full" was true: minutes, the pool ends with less than 40
#     minutes free; clock, the client's window overlaps a booked one, and no
#     two booked windows overlap;
#   - no client failed more often than there were bookings (see below);
#   - READ COMMITTED needed no retry (every client decided on its first try).
# Why 10 tries are enough at REPEATABLE READ whatever the timing: a try fails
# with 40001 only when a booking of the pool committed after its snapshot,
# and the next try's snapshot sees that booking; so each failed try of one
# client stands for a different successful booking, and a client fails at
# most 8 times (4 in clock) before a try is decided.  At SERIALIZABLE the
# 40001s seen are timepool's too ("... due to a concurrent booking"), not
# PostgreSQL's read/write-dependency failures: a transaction that raced a
# booking of its pool is stopped by timepool's check first.  The test checks
# that bound at both levels.
#
# RETRY_OPTIONS='{"tries": 5, "baseMs": 0}' runs the clients with other
# options of book() (here: 5 tries and no wait, the README's example before
# 1.4), to see what fewer tries or no backoff do; the checks stay the same.
#
# Prints one line per scenario and level (booked, full, retries used, the
# most tries one client needed, the run's time) and exits non-zero on any
# violation.
set -euo pipefail
cd "$(dirname "$0")/.."

DB=tp_retry
TODAY=2026-11-23 # a Monday; the Saturdays below are within the 365 days ahead
EX=$PWD/examples/booking-client
WORK=$(mktemp -d -t tp_retry.XXXXXX)
failures=0

cleanup() {
	local rc=$?
	if [ "${KEEP_DBS:-}" != 1 ]; then
		PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists "$DB" >/dev/null 2>&1 ||
			echo "warning: could not drop $DB" >&2
		rm -rf "$WORK"
	else
		echo "# kept database $DB and $WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT

fail() {
	echo "not ok - $*"
	failures=$((failures + 1))
}

# ---- the README shows the file this test runs
perl -ne '
	if (!defined $blk) { $blk = "" if /^```js\s*$/; next; }
	if (/^```\s*$/) { if ($blk =~ m{\A// examples/booking-client/book\.js:}) { print $blk; exit; } undef $blk; next; }
	$blk .= $_;
' README.md >"$WORK/readme_book.js"
if [ ! -s "$WORK/readme_book.js" ]; then
	fail "README.md has a \`\`\`js block starting with \"// examples/booking-client/book.js:\""
elif ! diff -u "$EX/book.js" "$WORK/readme_book.js" >"$WORK/readme.diff"; then
	fail "README.md's book.js block is examples/booking-client/book.js"
	cat "$WORK/readme.diff"
else
	echo "ok - README.md shows examples/booking-client/book.js as it is"
fi

# ---- node and the example's dependency (pg, pinned in package-lock.json)
command -v node >/dev/null || {
	echo "not ok - node is not installed"
	exit 1
}
want_pg=$(node -p "require('$EX/package-lock.json').packages['node_modules/pg'].version")
have_pg=$(node -p "try { require('$EX/node_modules/pg/package.json').version } catch (e) { '' }")
if [ "$have_pg" != "$want_pg" ]; then
	echo "# installing the example's dependencies (pg $want_pg) with npm ci"
	npm ci --prefix "$EX" --no-audit --no-fund >"$WORK/npm.log" 2>&1 || {
		cat "$WORK/npm.log"
		echo "not ok - npm ci in examples/booking-client"
		exit 1
	}
fi

# ---- the clinic
PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists "$DB"
createdb "$DB"
export PGOPTIONS="${PGOPTIONS:-} -c timepool.today=$TODAY"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" <<'SQL'
CREATE EXTENSION timepool;
INSERT INTO timepool.resources (code, name, max_concurrent)
  VALUES ('DR_MIN', 'Dr Minutes', NULL), ('DR_ONE', 'Dr One', 1);
-- Saturdays (day_of_week 6)
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time, capacity_minutes)
  SELECT id, 6, 'MORNING', time '09:00', time '15:00', 340 FROM timepool.resources WHERE code = 'DR_MIN'
  UNION ALL
  SELECT id, 6, 'MORNING', '09:00', '13:00', 240 FROM timepool.resources WHERE code = 'DR_ONE';
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('CONSULT', 'Consultation', 40);
-- every client's answer
CREATE TABLE answers (
  level text, scenario text, client int, start_time time, key text,
  answer text, code text, tries int, receipt_id bigint, created boolean);
SQL

# ---- the clients: node DRIVER LEVEL SCENARIO DATE RESOURCE START... prints
# one tab-separated line per client, then "#ms N" (the run's time)
cat >"$WORK/clients.js" <<'JS'
'use strict';
const path = require('node:path');
const { createRequire } = require('node:module');
const ex = process.env.EXAMPLE_DIR;
const pg = createRequire(path.join(ex, 'package.json'))('pg');
const { book } = require(path.join(ex, 'book.js'));

async function main() {
  const [isolation, scenario, date, resource, ...starts] = process.argv.slice(2);
  const options = { ...JSON.parse(process.env.RETRY_OPTIONS || '{}'), isolation };
  // 40 connections, one per client, opened before the race
  const pools = starts.map(() => new pg.Pool({ max: 1 }));
  await Promise.all(pools.map((p) => p.query('SELECT 1')));
  const t0 = process.hrtime.bigint();
  const results = await Promise.all(starts.map((time, i) => {
    const key = `${scenario}-${isolation.replace(/ /g, '_')}-${i}`;
    return book(pools[i], { service: 'CONSULT', date, time, resource, name: `Client ${i}`, key }, options)
      .then((r) => ({ ...r, key, time }), (e) => ({ answer: 'error', code: e.code ?? e.message, tries: e.tries ?? 1, key, time }));
  }));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await Promise.all(pools.map((p) => p.end()));
  results.forEach((r, i) => {
    const id = r.receipt ? r.receipt.id : '\\N';
    const created = r.receipt ? r.receipt.created : '\\N';
    console.log([isolation, scenario, i, r.time, r.key, r.answer, r.code ?? '\\N', r.tries, id, created].join('\t'));
  });
  console.log(`#ms ${ms.toFixed(0)}`);
}
main().catch((e) => { console.error(e); process.exit(1); });
JS

# start times
minutes_starts=()
for i in $(seq 0 39); do minutes_starts+=("$(printf '%02d:%02d' $((9 + i * 5 / 60)) $((i * 5 % 60)))"); done
clock_starts=()
for g in 0 1 2 3; do
	for j in $(seq 0 9); do
		m=$((g * 50 + j))
		clock_starts+=("$(printf '%02d:%02d' $((9 + m / 60)) $((m % 60)))")
	done
done

# one Saturday per scenario and level
n=0
for level in 'READ COMMITTED' 'REPEATABLE READ' 'SERIALIZABLE'; do
	for scenario in minutes clock; do
		day=$(date -d "2026-11-28 + $((n * 7)) days" +%F)
		n=$((n + 1))
		if [ "$scenario" = minutes ]; then
			resource=DR_MIN want_booked=8 want_code=TP001
			starts=("${minutes_starts[@]}")
		else
			resource=DR_ONE want_booked=4 want_code=TP007
			starts=("${clock_starts[@]}")
		fi
		if ! EXAMPLE_DIR=$EX PGDATABASE=$DB node "$WORK/clients.js" "$level" "$scenario" "$day" "$resource" "${starts[@]}" \
			>"$WORK/out" 2>"$WORK/err"; then
			fail "$level $scenario: the clients ran"
			cat "$WORK/err"
			continue
		fi
		ms=$(sed -n 's/^#ms //p' "$WORK/out")
		grep -v '^#' "$WORK/out" >"$WORK/answers.tsv"
		psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "\\copy answers FROM '$WORK/answers.tsv'"
		# each check: a query that returns the rows that break it
		check() {
			local what=$1 sql=$2 bad
			bad=$(psql -X -q -A -t -F ' ' -v ON_ERROR_STOP=1 -d "$DB" \
				-v level="$level" -v scenario="$scenario" -v day="$day" -v resource="$resource" \
				-v want_booked="$want_booked" -v want_code="$want_code" <<<"$sql")
			if [ -n "$bad" ]; then
				fail "$level $scenario: $what"
				# shellcheck disable=SC2001 # a prefix for every line
				sed 's/^/#   /' <<<"$bad"
			fi
		}
		check "every client answered booked or full ($want_code), none gave up on 40001" "
			SELECT client, start_time, answer, code, tries FROM answers
			 WHERE level = :'level' AND scenario = :'scenario'
			   AND NOT (answer = 'booked' AND code IS NULL OR answer = 'full' AND code = :'want_code')
			 ORDER BY client"
		check "40 clients, $want_booked booked, each with created = true" "
			SELECT count(*), count(*) FILTER (WHERE answer = 'booked'),
			       count(*) FILTER (WHERE answer = 'booked' AND created IS NOT TRUE)
			  FROM answers WHERE level = :'level' AND scenario = :'scenario'
			HAVING count(*) <> 40 OR count(*) FILTER (WHERE answer = 'booked') <> :want_booked
			    OR count(*) FILTER (WHERE answer = 'booked' AND created IS NOT TRUE) <> 0"
		check "the pool holds exactly the booked clients' reservations" "
			WITH booked AS (
			  SELECT receipt_id AS id, key, start_time FROM answers
			   WHERE level = :'level' AND scenario = :'scenario' AND answer = 'booked'),
			rows AS (
			  SELECT r.id, r.idempotency_key AS key, r.start_time FROM timepool.reservations r
			    JOIN timepool.resources d ON d.id = r.resource_id
			   WHERE d.code = :'resource' AND r.reservation_date = :'day'
			     AND r.status NOT IN ('CANCELLED', 'REJECTED', 'EXPIRED'))
			(SELECT 'only answered', * FROM booked EXCEPT ALL SELECT 'only answered', * FROM rows)
			UNION ALL
			(SELECT 'only in the table', * FROM rows EXCEPT ALL SELECT 'only in the table', * FROM booked)
			UNION ALL
			SELECT 'rows of the day', count(*), NULL, NULL FROM timepool.reservations r
			 WHERE r.reservation_date = :'day' HAVING count(*) <> :want_booked"
		if [ "$scenario" = minutes ]; then
			check "every full is true: the pool has less than 40 minutes free" "
				SELECT resource, period, remaining_minutes FROM timepool.availability(:'day')
				 WHERE resource = :'resource' AND remaining_minutes >= 40"
		else
			check "every full is true: its window overlaps a booking; no two bookings overlap" "
				WITH b AS (SELECT start_time FROM answers
				            WHERE level = :'level' AND scenario = :'scenario' AND answer = 'booked')
				SELECT 'full, overlapping no booking', a.client, a.start_time FROM answers a
				 WHERE a.level = :'level' AND a.scenario = :'scenario' AND a.answer = 'full'
				   AND NOT EXISTS (SELECT FROM b WHERE (a.start_time, interval '40 minutes') OVERLAPS (b.start_time, interval '40 minutes'))
				UNION ALL
				SELECT 'two bookings overlap', NULL, b1.start_time FROM b b1, b b2
				 WHERE b1.start_time < b2.start_time
				   AND (b1.start_time, interval '40 minutes') OVERLAPS (b2.start_time, interval '40 minutes')"
		fi
		# each failed try stands for a booking committed after its snapshot
		check "no client failed more often than there were bookings ($want_booked)" "
			SELECT client, tries FROM answers
			 WHERE level = :'level' AND scenario = :'scenario' AND tries > :want_booked + 1"
		if [ "$level" = 'READ COMMITTED' ]; then
			check "READ COMMITTED: every client decided on its first try" "
				SELECT client, tries FROM answers
				 WHERE level = :'level' AND scenario = :'scenario' AND tries <> 1"
		fi
		psql -X -q -A -t -F ' ' -d "$DB" -v level="$level" -v scenario="$scenario" -v ms="$ms" <<'SQL'
SELECT format('# %-15s %-7s: %s booked, %s full, %s gave up on 40001, %s other errors; %s retries (%s clients retried), at most %s tries; %s ms',
              :'level', :'scenario',
              count(*) FILTER (WHERE answer = 'booked'),
              count(*) FILTER (WHERE answer = 'full'),
              count(*) FILTER (WHERE answer = 'error' AND code = '40001'),
              count(*) FILTER (WHERE answer NOT IN ('booked', 'full') AND code IS DISTINCT FROM '40001'),
              sum(tries - 1), count(*) FILTER (WHERE tries > 1), max(tries), :'ms')
  FROM answers WHERE level = :'level' AND scenario = :'scenario';
SQL
	done
done

if [ "$failures" -eq 0 ]; then
	echo "# retry: all checks passed (6 runs of 40 clients)"
else
	echo "# retry: $failures check(s) failed"
	exit 1
fi
