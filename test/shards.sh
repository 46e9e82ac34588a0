# test/shards.sh: a router and two shards on loopback, for test/sharding.sh
# and bench/sharded (sourced; test/replicas.sh makes the clusters, in $DIR,
# dropped by replicas_cleanup).
#
# Each shard is an ordinary timepool database, clinic: shard 0 holds the
# location NORTH, shard 1 SOUTH and EAST (in Asia/Tokyo).  Each location has
# two doctors with MORNING and AFTERNOON every day, and the group's three
# services.  Shard 1's reservation ids start at 10^12 (the router's rule:
# an id names its shard).  The router's database, router, has PL/Proxy, the
# server timepool_shards (p0, p1) and examples/sharding/router.sql, with
# timepool_router.locations filled from the shards; it connects to the
# shards as timepool_router (examples/sharding/shard_role.sql).
. test/replicas.sh

R0=$(free_port 56432)
make_primary router "$R0" "fsync = off" "max_connections = 200"
P0=$(free_port $((R0 + 1)))
make_primary shard0 "$P0" "fsync = off" "max_connections = 200"
P1=$(free_port $((P0 + 1)))
make_primary shard1 "$P1" "fsync = off" "max_connections = 200"
ROUTER="-h 127.0.0.1 -p $R0 -U postgres -d router"
SHARD0="-h 127.0.0.1 -p $P0 -U postgres -d clinic"
SHARD1="-h 127.0.0.1 -p $P1 -U postgres -d clinic"

on() { # on WHERE [psql args]: unaligned, tuples only, stop on error
	local where=$1
	shift
	local conn
	case $where in
	router) conn=$ROUTER ;;
	shard0) conn=$SHARD0 ;;
	shard1) conn=$SHARD1 ;;
	esac
	psql -X -q $conn -v ON_ERROR_STOP=1 -A -t "$@"
}

shard_data() { # shard_data SHARD LOCATION [LOCATION TZ]...
	local where=$1
	shift
	createdb -h 127.0.0.1 -p "$([ "$where" = shard0 ] && echo "$P0" || echo "$P1")" -U postgres clinic
	on "$where" <<'SQL'
CREATE EXTENSION timepool;
INSERT INTO timepool.services (code, name, duration_minutes, buffer_minutes, price) VALUES
  ('CONSULT', 'Consultation', 20, 0, 40.00), ('BOTOX', 'Botox', 40, 5, 150.00),
  ('SKIN_CARE', 'Skin care', 70, 0, 89.50);
SQL
	while [ $# -gt 0 ]; do
		on "$where" -v loc="$1" -v tz="$2" <<'SQL'
INSERT INTO timepool.locations (code, name, time_zone) VALUES (:'loc', :'loc' || ' clinic', NULLIF(:'tz', ''));
INSERT INTO timepool.resources (code, name, location_id)
SELECT 'DR_' || :'loc' || '_' || n, 'Dr. ' || n || ' of ' || :'loc', l.id
  FROM timepool.locations l, generate_series(1, 2) n WHERE l.code = :'loc';
INSERT INTO timepool.clinic_time_slots (resource_id, day_of_week, period, start_time, end_time)
SELECT r.id, d, p.period, p.s, p.e
  FROM timepool.resources r JOIN timepool.locations l ON l.id = r.location_id,
       generate_series(0, 6) d,
       (VALUES ('MORNING', time '09:00', time '12:00'), ('AFTERNOON', time '13:00', time '18:00')) p(period, s, e)
 WHERE l.code = :'loc';
SQL
		shift 2
	done
}

shard_data shard0 NORTH ''
shard_data shard1 SOUTH '' EAST 'Asia/Tokyo'
# the router connects to each shard as timepool_router, a role of the
# README's recipe: the entry points and the two token columns, nothing else
for s in shard0 shard1; do
	on "$s" -f examples/sharding/shard_role.sql >/dev/null
done
on shard1 -c "ALTER TABLE timepool.reservations ALTER COLUMN id RESTART WITH 1000000000001"

createdb -h 127.0.0.1 -p "$R0" -U postgres router
on router -c 'CREATE EXTENSION plproxy' \
	-c "CREATE SERVER timepool_shards FOREIGN DATA WRAPPER plproxy
	      OPTIONS (p0 'host=127.0.0.1 port=$P0 dbname=clinic user=timepool_router',
	               p1 'host=127.0.0.1 port=$P1 dbname=clinic user=timepool_router')" \
	-c 'CREATE USER MAPPING FOR PUBLIC SERVER timepool_shards'
on router -f examples/sharding/router.sql >/dev/null
for s in 0 1; do
	for code in $(on "shard$s" -c 'SELECT code FROM timepool.locations ORDER BY code'); do
		on router -c "INSERT INTO timepool_router.locations VALUES ('$code', $s)"
	done
done
