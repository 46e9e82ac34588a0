# test/replicas.sh: clusters on loopback for test/standby.sh and
# test/failover.sh, in a temporary directory $DIR that the sourcing script
# drops at its end (replicas_cleanup).  Each cluster listens on 127.0.0.1
# at a free port and has its socket in $DIR; as root (CI) the clusters
# belong to postgres.
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
BIN=$("$PG_CONFIG" --bindir)

as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

DIR=$(mktemp -d /tmp/timepool-replicas.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres "$DIR"

free_port() { # the first port from $1 nobody listens on
	local p
	for p in $(seq "$1" $(($1 + 200))); do
		if ! (echo >/dev/tcp/127.0.0.1/"$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
}

replicas_cleanup() {
	local c
	for c in "$DIR"/*/; do
		[ -f "$c/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$c" -m immediate -w stop >/dev/null 2>&1
	done
	rm -rf "$DIR"
}

start_cluster() { # start_cluster NAME: or print its log and exit
	if ! as_pg "$BIN/pg_ctl" -D "$DIR/$1" -l "$DIR/$1.log" -w -t 60 start >/dev/null; then
		cat "$DIR/$1.log"
		echo "FAILED: the cluster $1 did not start"
		exit 1
	fi
}

make_primary() { # make_primary NAME PORT [SETTING...]
	local name=$1 port=$2 s
	shift 2
	as_pg "$BIN/initdb" -D "$DIR/$name" -A trust -U postgres >/dev/null || {
		echo "FAILED: initdb of $name"
		exit 1
	}
	{
		echo "port = $port"
		echo "listen_addresses = '127.0.0.1'"
		echo "unix_socket_directories = '$DIR'"
		echo "wal_level = replica"
		echo "max_wal_senders = 4"
		for s in "$@"; do echo "$s"; done
	} >>"$DIR/$name/postgresql.conf"
	start_cluster "$name"
}

make_standby() { # make_standby NAME PORT FROM_PORT: a hot standby of the cluster at FROM_PORT
	local name=$1 port=$2 from=$3
	as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$from" -U postgres -D "$DIR/$name" -R -X stream -c fast \
		-d "application_name=$name" || {
		echo "FAILED: pg_basebackup for $name"
		exit 1
	}
	{
		echo "port = $port"
		echo "hot_standby = on"
		# the base backup copies the primary's settings: a standby that
		# kept synchronous_standby_names would, once promoted, wait at every
		# COMMIT for a standby of its own that does not exist
		echo "synchronous_standby_names = ''"
	} >>"$DIR/$name/postgresql.conf"
	start_cluster "$name"
}

caught_up() { # caught_up FROM_PORT TO_PORT: until TO has replayed what FROM has written
	local lsn i
	lsn=$(psql -X -A -t -h 127.0.0.1 -p "$1" -U postgres -d postgres -c 'SELECT pg_current_wal_lsn()')
	for i in $(seq 1 200); do
		[ "$(psql -X -A -t -h 127.0.0.1 -p "$2" -U postgres -d postgres -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ] && return 0
		sleep 0.05
	done
	echo "FAILED: the standby did not replay up to $lsn within 10 s"
	return 1
}
