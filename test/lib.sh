# test/lib.sh: psql helpers shared by test/dump_restore.sh and test/upgrade.sh.
# The sourcing script sets TODAY, the date timepool takes as today.

# psql for one database, today frozen, stop at the first error
tpsql() {
	local db=$1
	shift
	PGOPTIONS="${PGOPTIONS:-} -c timepool.today=$TODAY" \
		psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"
}
# one query, unaligned, tuples only
q() {
	local db=$1
	shift
	tpsql "$db" -A -t -c "$*"
}
# the same, errors with their SQLSTATE ("ERROR:  TP005: ...")
qv() {
	local db=$1
	shift
	tpsql "$db" -v VERBOSITY=verbose -A -t -c "$*"
}
