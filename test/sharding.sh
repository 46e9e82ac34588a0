#!/usr/bin/env bash
# test/sharding.sh: a clinic group on two shards behind a PL/Proxy router
# (examples/sharding/router.sql), three clusters on loopback made and
# dropped here (test/shards.sh).  Checks that calls through the router agree
# with the same calls on the shard that holds the location, that bookings,
# holds and changes by id and by token land on that shard alone, that the
# group's report through the router is every shard's, that a refusal keeps
# its SQLSTATE through the router, and that no location straddles shards.
# Prints "ok: ..." or "FAILED: ..."; exits non-zero on a failure, and with
# a line saying so (exit 0) when PL/Proxy is not installed.
set -uo pipefail
cd "$(dirname "$0")/.."
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
if [ ! -f "$("$PG_CONFIG" --sharedir)/extension/plproxy.control" ]; then
	echo "sharding: SKIPPED: PL/Proxy is not installed (Debian: postgresql-15-plproxy)"
	exit 0
fi
trap replicas_cleanup EXIT
. test/shards.sh

fails=0
ok() { echo "ok: $1"; }
fail() {
	echo "FAILED: $1"
	fails=$((fails + 1))
}
same() { # same WHAT GOT WANT
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got '$2', want '$3'"; fi
}
shard_of() { [ "$1" = NORTH ] && echo shard0 || echo shard1; }
DAY=$(on shard0 -c "SELECT timepool.clinic_today() + 3")

# a few bookings first, on the shards directly, so that there is something
# to read
for loc in NORTH SOUTH EAST; do
	on "$(shard_of $loc)" -c "SELECT id FROM timepool.book_service('BOTOX', '$DAY', '09:00', 'Direct $loc', p_location => '$loc')" >/dev/null
done

# 1. reads by location agree with the shard's own answers
for loc in NORTH SOUTH EAST; do
	s=$(shard_of $loc)
	qs=("SELECT * FROM timepool.availability('$DAY', p_location => '$loc') ORDER BY 1, 3"
		"SELECT * FROM timepool.availability('$DAY', p_service => 'SKIN_CARE', p_location => '$loc') ORDER BY 1, 3"
		"SELECT * FROM timepool.open_slots('BOTOX', '$DAY', '$DAY'::date + 1, p_location => '$loc') ORDER BY 1, 2, 4"
		"SELECT timepool.can_book('SKIN_CARE', '$DAY', '10:00', p_location => '$loc')"
		"SELECT accepted, sqlstate FROM timepool.check_booking('BOTOX', '$DAY', '09:00', p_location => '$loc')"
		"SELECT timepool.clinic_today('$loc')"
		"SELECT * FROM timepool.utilization('$DAY', '$DAY', p_location => '$loc') ORDER BY 1, 3")
	for q in "${qs[@]}"; do
		got=$(on router -c "$q" 2>&1)
		want=$(on "$s" -c "$q" 2>&1)
		if [ -n "$want" ] && [ "$got" = "$want" ] && ! grep -q ERROR <<<"$want"; then
			ok "$loc: the router answers as $s: ${q:0:70} ($(wc -l <<<"$want") rows)"
		else
			fail "$loc: ${q:0:70}: router '$got', $s '$want'"
		fi
	done
done

# 2. bookings through the router land on their location's shard alone
for loc in NORTH SOUTH EAST; do
	s=$(shard_of $loc)
	other=$([ "$s" = shard0 ] && echo shard1 || echo shard0)
	id=$(on router -c "SELECT id FROM timepool.book_service('BOTOX', '$DAY', '10:00', 'Routed $loc', p_location => '$loc', p_idempotency_key => 'rk-$loc')")
	same "$loc: the routed booking $id is on $s" \
		"$(on "$s" -c "SELECT r.code || ' ' || l.code FROM timepool.reservations x JOIN timepool.resources r ON r.id = x.resource_id JOIN timepool.locations l ON l.id = r.location_id WHERE x.id = $id AND x.patient_name = 'Routed $loc'")" \
		"$(on "$s" -c "SELECT r.code FROM timepool.reservations x JOIN timepool.resources r ON r.id = x.resource_id WHERE x.id = $id") $loc"
	same "$loc: and not on $other" "$(on "$other" -c "SELECT count(*) FROM timepool.reservations WHERE patient_name = 'Routed $loc'")" 0
	same "$loc: its id names its shard" "$(on router -c "SELECT timepool_router.shard_of_id($id)")" "${s#shard}"
	same "$loc: the key replayed through the router returns it" \
		"$(on router -c "SELECT id || ' ' || created FROM timepool.book_service('BOTOX', '$DAY', '10:00', 'Routed $loc', p_location => '$loc', p_idempotency_key => 'rk-$loc')")" "$id false"
	eval "ID_$loc=$id"
done

# 3. a refusal keeps its SQLSTATE and message through the router
for loc in NORTH EAST; do
	s=$(shard_of $loc)
	q="SELECT id FROM timepool.book_service('BOTOX', '$DAY', '12:30', 'Lunch', p_resource => 'DR_${loc}_1', p_location => '$loc')"
	got=$(on router -v VERBOSITY=verbose -c "$q" 2>&1)
	want=$(on "$s" -v VERBOSITY=verbose -c "$q" 2>&1)
	if [ -n "$want" ] && [ "$(grep -o 'ERROR:  [A-Z0-9]*:' <<<"$got")" = "$(grep -o 'ERROR:  [A-Z0-9]*:' <<<"$want")" ]; then
		ok "$loc: a refusal through the router has the shard's SQLSTATE ($(grep -o 'ERROR:  [A-Z0-9]*:' <<<"$want"))"
	else
		fail "$loc: refusal: router '$got', $s '$want'"
	fi
done
for q in "SELECT * FROM timepool.availability('$DAY', p_location => 'NOWHERE')|TP003" \
	"SELECT * FROM timepool.availability('$DAY')|22004"; do
	got=$(on router -v VERBOSITY=verbose -c "${q%|*}" 2>&1 | grep -o 'ERROR:  [A-Z0-9]*:' | head -1)
	same "the router refuses ${q%|*} with ${q#*|}" "$got" "ERROR:  ${q#*|}:"
done

# 4. by id and by token: the shard that holds it
same "cancel_reservation through the router cancels SOUTH's booking on shard1" \
	"$(on router -c "SELECT status FROM timepool.cancel_reservation($ID_SOUTH, 'routed')")|$(on shard1 -c "SELECT status || ' ' || cancel_reason FROM timepool.reservations WHERE id = $ID_SOUTH")" \
	"CANCELLED|CANCELLED routed"
same "set_reservation_status through the router on NORTH's booking (shard0)" \
	"$(on router -c "SELECT status FROM timepool.set_reservation_status($ID_NORTH, 'CONFIRMED')")|$(on shard0 -c "SELECT status FROM timepool.reservations WHERE id = $ID_NORTH")" \
	"CONFIRMED|CONFIRMED"
token=$(on shard1 -c "SELECT access_token FROM timepool.reservations WHERE id = $ID_EAST")
same "get_booking through the router answers as shard1" \
	"$(on router -c "SELECT * FROM timepool.get_booking('$token')")" "$(on shard1 -c "SELECT * FROM timepool.get_booking('$token')")"
same "get_booking of an unknown token through the router: P0002" \
	"$(on router -v VERBOSITY=verbose -c "SELECT * FROM timepool.get_booking(gen_random_uuid())" 2>&1 | grep -o 'ERROR:  [A-Z0-9]*: .*' | head -1)" \
	"ERROR:  P0002: no booking has this token"
hold=$(on router -c "SELECT access_token FROM timepool.hold_slot('SKIN_CARE', '$DAY', '14:00', p_location => 'EAST')")
same "a hold through the router is on shard1" "$(on shard1 -c "SELECT status FROM timepool.reservations WHERE hold_token = '$hold' OR access_token = '$hold'")" HELD
same "confirm_hold through the router books it on shard1" \
	"$(on router -c "SELECT status || ' ' || patient_name FROM timepool.confirm_hold('$hold', 'Held Patient')")" \
	"$(on shard1 -c "SELECT status || ' ' || patient_name FROM timepool.reservations WHERE patient_name = 'Held Patient'")"
moved=$(on router -c "SELECT start_time FROM timepool.reschedule_booking('$token', '$DAY', '15:00')")
same "reschedule_booking through the router moves EAST's booking on shard1" \
	"$moved|$(on shard1 -c "SELECT start_time FROM timepool.reservations WHERE id = $ID_EAST")" "15:00:00|15:00:00"
same "cancel_booking through the router" \
	"$(on router -c "SELECT status FROM timepool.cancel_booking('$token', 'routed')")|$(on shard1 -c "SELECT status FROM timepool.reservations WHERE id = $ID_EAST")" \
	"CANCELLED|CANCELLED"

# 4b. the site's role on the router, granted as the README grants it:
# the public flow works, the staff's book_service does not
on router <<'SQL'
CREATE ROLE booking_site;
GRANT USAGE ON SCHEMA timepool, timepool_router TO booking_site;
GRANT USAGE ON FOREIGN SERVER timepool_shards TO booking_site;   -- PL/Proxy's cluster
GRANT EXECUTE ON FUNCTION timepool_router.shard(text), timepool_router.shard_of_id(bigint),
    timepool_router.on_token(uuid, text, text, date, time, text, text, text, text, text, jsonb),
    timepool_router.one(timepool.booking_receipt[]),
    timepool.availability(date, text, text, text, text), timepool.open_slots(text, date, date, integer, text, text),
    timepool.hold_slot(text, date, time, text, interval, text, text), timepool.confirm_hold(uuid, text, text, text, text, jsonb),
    timepool.book_online(text, date, time, text, text, text, text, jsonb, text, text, text),
    timepool.get_booking(uuid), timepool.cancel_booking(uuid, text)
  TO booking_site;
SQL
site() { on router -c "SET ROLE booking_site" -c "$1" 2>&1; }
same "booking_site on the router: availability" "$(site "SELECT count(*) FROM timepool.availability('$DAY', p_location => 'SOUTH')")" 4
h=$(site "SELECT access_token FROM timepool.hold_slot('CONSULT', '$DAY', '16:00', p_location => 'NORTH')")
c=$(site "SELECT status || ' ' || access_token FROM timepool.confirm_hold('$h', 'Site Patient')")
same "booking_site on the router: hold, confirm and read it back by its token" \
	"${c%% *}|$(site "SELECT patient_name || ' ' || status FROM timepool.get_booking('${c#* }')")" \
	"PENDING|Site Patient PENDING"
same "booking_site on the router may not call book_service (42501)" \
	"$(site "SELECT id FROM timepool.book_service('BOTOX', '$DAY', '16:00', 'Mallory', p_location => 'NORTH')" | grep -o 'permission denied for function [a-z_]*')" \
	"permission denied for function book_service"

# 5. the group's report through the router is the shards' together
q="SELECT * FROM timepool.utilization('$DAY'::date - 1, '$DAY'::date + 7) ORDER BY location, resource, date, period"
same "the group's utilization through the router has every location's 4 pools a day (2 doctors, 2 periods) for 9 days" \
	"$(on router -c "SELECT string_agg(location || ':' || n, ' ' ORDER BY location) FROM (SELECT location, count(*) n FROM timepool.utilization('$DAY'::date - 1, '$DAY'::date + 7) GROUP BY 1) u")" \
	"EAST:36 NORTH:36 SOUTH:36"
same "the group's utilization through the router is both shards' rows ($(on router -c "SELECT count(*) FROM timepool.utilization('$DAY'::date - 1, '$DAY'::date + 7)") rows)" \
	"$(on router -c "$q" | LC_ALL=C sort)" "$( (on shard0 -c "$q"; on shard1 -c "$q") | LC_ALL=C sort)"

# 6. no location straddles shards: each shard's locations are the router's
# for it, each location is on one shard, and every reservation of a shard
# is at one of its locations
for s in 0 1; do
	same "shard$s holds exactly the locations the router routes to it" \
		"$(on shard$s -c "SELECT string_agg(code, ',' ORDER BY code) FROM timepool.locations")" \
		"$(on router -c "SELECT string_agg(code, ',' ORDER BY code) FROM timepool_router.locations WHERE shard = $s")"
	same "every reservation of shard$s is at one of its locations" \
		"$(on shard$s -c "SELECT count(*) FROM timepool.reservations x JOIN timepool.resources r ON r.id = x.resource_id
		                   WHERE r.location_id NOT IN (SELECT id FROM timepool.locations)")" 0
done
same "no location is on two shards" \
	"$( (on shard0 -c 'SELECT code FROM timepool.locations'; on shard1 -c 'SELECT code FROM timepool.locations') | sort | uniq -d)" ""

if [ "$fails" -gt 0 ]; then
	echo "sharding: $fails check(s) failed"
	exit 1
fi
echo "sharding: all checks passed"
