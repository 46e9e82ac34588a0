#!/usr/bin/env bash
# test/failover.sh: no confirmed booking is lost when the primary fails.
#
# A primary and a synchronous standby on loopback (test/replicas.sh):
# synchronous_standby_names names the standby and synchronous_commit is on,
# so a COMMIT returns to its client only once the standby has the WAL.
# CLIENTS clients book continuously through libpq's multi-host connection
# string with target_session_attrs=read-write, as the README shows for an
# application, each booking with an idempotency key of its own; a booking
# whose connection fails (or finds no writable server) is sent again with
# the same key until it gets an answer.  Mid-load the primary is stopped
# hard (pg_ctl -m immediate) and the standby promoted; the clients find it
# on their own.  Then, on the new primary:
#   - every booking whose COMMIT returned to its client is there, with the
#     id the client was given;
#   - no idempotency key has two reservations, and every key that a client
#     sent has at most one;
#   - no pool is over its capacity or its resource's clock limit
#     (timepool.overbooked_pools is empty), and availability() counts for
#     every pool what the reservations hold (the caches are right);
#   - booking goes on: a new booking gets an id above every id before it,
#     and ten sessions racing for the last 40 minutes of a pool book it
#     once (the pool locks work on the promoted server).
set -uo pipefail
cd "$(dirname "$0")/.."
. test/replicas.sh
TODAY=2099-03-02 # a Monday
CLIENTS=${CLIENTS:-6}
PER=${PER:-60} # bookings per client

fails=0
ok() { echo "ok: $1"; }
fail() {
	echo "FAILED: $1"
	fails=$((fails + 1))
}
trap replicas_cleanup EXIT

PPORT=$(free_port 55532)
make_primary primary "$PPORT" "synchronous_standby_names = 'standby'" "synchronous_commit = on"
SPORT=$(free_port $((PPORT + 1)))
make_standby standby "$SPORT" "$PPORT"
P="-h 127.0.0.1 -p $PPORT -U postgres"
S="-h 127.0.0.1 -p $SPORT -U postgres"
# what an application uses: both servers, the one that takes writes
CONN="host=127.0.0.1,127.0.0.1 port=$PPORT,$SPORT user=postgres dbname=clinic target_session_attrs=read-write connect_timeout=2"
export PGOPTIONS="-c timepool.today=$TODAY"

for _ in $(seq 1 100); do
	[ "$(psql -X -A -t $P -d postgres -c "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'")" = sync ] && break
	sleep 0.1
done
[ "$(psql -X -A -t $P -d postgres -c "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'")" = sync ] &&
	ok "the standby is synchronous" || fail "the standby is not synchronous"

createdb $P clinic
psql -X -q $P -d clinic -v ON_ERROR_STOP=1 <<'SQL' >/dev/null || fail "the clinic's data set"
CREATE EXTENSION timepool;
INSERT INTO timepool.resources (code, name, max_concurrent)
  SELECT 'DR_' || i, 'Dr ' || i, CASE WHEN i % 2 = 0 THEN 1 END FROM generate_series(1, 4) i;
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
  SELECT r.id, d, p.period, p.s, p.e
    FROM timepool.resources r, generate_series(1, 5) d,
         (VALUES ('MORNING', time '09:00', time '12:00'), ('AFTERNOON', time '13:00', time '18:00')) p(period, s, e);
INSERT INTO timepool.services (code, name, duration_minutes) VALUES ('BOTOX', 'Botox', 40);
SQL
caught_up $PPORT $SPORT || fails=$((fails + 1))

# one client: its PER keys in turn; "key id" in ack.N when a COMMIT returned,
# "key SQLSTATE" in refused.N when timepool refused it
client() {
	local n=$1 i key day at out tries
	for i in $(seq 1 "$PER"); do
		key="c$n-$i"
		day=$(((n * 7 + i * 3) % 5))
		at=$((9 * 60 + ((n * 13 + i * 29) % 48) * 10))
		[ $at -ge $((11 * 60 + 20)) ] && [ $at -lt $((13 * 60)) ] && at=$((at + 100))
		[ $at -gt $((17 * 60 + 20)) ] && at=$((9 * 60))
		for tries in $(seq 1 400); do
			out=$(timeout 30 psql -X -A -t -q -v ON_ERROR_STOP=1 -v VERBOSITY=sqlstate "$CONN" -c \
				"SELECT id FROM timepool.book_service('BOTOX', date '$TODAY' + $day,
				        time '00:00' + interval '$at minutes', 'Patient $key', p_idempotency_key => '$key')" 2>&1)
			if [ $? -eq 0 ]; then
				echo "$key $out" >>"$DIR/ack.$n"
				break
			fi
			if grep -q '^ERROR:  TP00[0-9]' <<<"$out"; then
				echo "$key $(sed -n 's/^ERROR:  \(TP00[0-9]\).*/\1/p' <<<"$out" | head -1)" >>"$DIR/refused.$n"
				break
			fi
			# no writable server yet, the connection lost, the server shutting down:
			# the same booking again, with the same key
			echo "$key $out" >>"$DIR/retried.$n"
			sleep 0.1
		done
		[ "$tries" = 400 ] && echo "$key" >>"$DIR/gaveup.$n"
	done
}

pids=
for n in $(seq 1 "$CLIENTS"); do
	client "$n" &
	pids="$pids $!"
done
# mid-load: the primary stopped hard once some bookings are confirmed
for _ in $(seq 1 200); do
	[ "$(cat "$DIR"/ack.* 2>/dev/null | wc -l)" -ge $((CLIENTS * PER / 4)) ] && break
	sleep 0.05
done
before=$(cat "$DIR"/ack.* 2>/dev/null | wc -l)
as_pg "$BIN/pg_ctl" -D "$DIR/primary" -m immediate -w stop >/dev/null
sleep 0.5
as_pg "$BIN/pg_ctl" -D "$DIR/standby" -w promote >/dev/null || fail "the standby was not promoted"
echo "the primary stopped after $before confirmed bookings; the standby promoted"
wait $pids

N="$S -d clinic"
acked=$(cat "$DIR"/ack.* | wc -l)
refused=$(cat "$DIR"/refused.* 2>/dev/null | wc -l)
retried=$(cat "$DIR"/retried.* 2>/dev/null | cut -d' ' -f1 | sort -u | wc -l)
gaveup=$(cat "$DIR"/gaveup.* 2>/dev/null | wc -l)
echo "confirmed $acked, refused by timepool $refused, sent again after a failure $retried, given up $gaveup"
[ "$gaveup" -eq 0 ] && [ $((acked + refused)) -eq $((CLIENTS * PER)) ] &&
	ok "every booking got an answer ($acked confirmed, $refused refused)" ||
	fail "$gaveup bookings gave up; $((acked + refused)) answers for $((CLIENTS * PER)) bookings"
[ "$retried" -gt 0 ] && [ "$before" -gt 0 ] && [ "$acked" -gt "$before" ] &&
	ok "the failover happened mid-load ($before confirmed before it, $retried bookings sent again, $((acked - before)) confirmed after)" ||
	fail "the failover did not happen mid-load (before $before, retried $retried, confirmed $acked)"

# every confirmed booking, with its id, on the new primary
cat "$DIR"/ack.* | sort >"$DIR/acked"
psql -X -A -t -F ' ' $N -c "SELECT idempotency_key, id FROM timepool.reservations WHERE idempotency_key IS NOT NULL" |
	sort >"$DIR/there"
missing=$(comm -23 "$DIR/acked" "$DIR/there" | wc -l)
[ "$missing" -eq 0 ] && ok "all $acked confirmed bookings are on the new primary, each with the id its client got" || {
	fail "$missing confirmed bookings are missing on the new primary (or have another id)"
	comm -23 "$DIR/acked" "$DIR/there" | head -5
}
dups=$(psql -X -A -t $N -c "SELECT count(*) FROM (SELECT idempotency_key FROM timepool.reservations
                             WHERE idempotency_key IS NOT NULL GROUP BY 1 HAVING count(*) > 1) d")
[ "$dups" = 0 ] && ok "no idempotency key has two reservations" || fail "$dups keys have two reservations"
strays=$(psql -X -A -t $N -c "SELECT count(*) FROM timepool.reservations WHERE idempotency_key IS NOT NULL" )
[ "$strays" -le $((CLIENTS * PER)) ] && [ "$strays" -ge "$acked" ] &&
	ok "$strays reservations for $((CLIENTS * PER)) keys: the confirmed ones and at most one per key" ||
	fail "$strays reservations for $((CLIENTS * PER)) keys, $acked confirmed"
over=$(psql -X -A -t $N -c "SELECT count(*) FROM timepool.overbooked_pools")
[ "$over" = 0 ] && ok "no pool is overbooked" || fail "$over pools are overbooked"
wrong=$(psql -X -A -t $N -c "
  SELECT count(*) FROM generate_series(date '$TODAY', date '$TODAY' + 4, '1 day') d,
         LATERAL timepool.availability(d::date) a
   WHERE a.booked_minutes IS DISTINCT FROM (
         SELECT coalesce(sum(r.required_minutes), 0) FROM timepool.reservations r
           JOIN timepool.resources x ON x.id = r.resource_id
          WHERE x.code = a.resource AND r.reservation_date = d AND r.period = a.period
            AND r.status IN ('PENDING', 'CONFIRMED'))")
[ "$wrong" = 0 ] && ok "availability() on the new primary counts every pool as its reservations hold it" ||
	fail "availability() differs from the reservations in $wrong pools"

# booking goes on
maxid=$(psql -X -A -t $N -c "SELECT max(id) FROM timepool.reservations")
newid=$(psql -X -A -t -q "$CONN" -c "SELECT id FROM timepool.book_service('BOTOX', date '$TODAY' + 7, '09:00', 'After', p_resource => 'DR_1')")
[ -n "$newid" ] && [ "$newid" -gt "$maxid" ] && ok "a booking after the failover gets id $newid, above every earlier id ($maxid)" ||
	fail "the booking after the failover got '$newid' (ids so far up to $maxid)"
psql -X -q $N -c "UPDATE timepool.clinic_time_slots SET capacity_minutes = 40 WHERE day_of_week = 2 AND period = 'MORNING'
                  AND resource_id = (SELECT id FROM timepool.resources WHERE code = 'DR_1')" >/dev/null
for k in $(seq 0 9); do
	psql -X -A -t -q "$CONN" -c "SELECT id FROM timepool.book_service('BOTOX', date '$TODAY' + 8, time '09:00' + interval '$((k * 10)) minutes',
	                               'Racer $k', p_resource => 'DR_1')" >"$DIR/race.$k" 2>&1 &
done
wait
won=$(cat "$DIR"/race.* | grep -c '^[0-9][0-9]*$')
full=$(cat "$DIR"/race.* | grep -c 'not enough time left')
[ "$won" = 1 ] && [ "$full" = 9 ] && ok "ten sessions race for the last 40 minutes on the new primary: one booked, nine TP001" ||
	fail "the race on the new primary: $won booked, $full refused for want of time"

echo
if [ $fails -eq 0 ]; then
	echo "failover: all checks passed"
else
	echo "failover: $fails checks FAILED"
	exit 1
fi
