#!/bin/bash
#
# tools/pgindent.sh - run PostgreSQL's pgindent over timepool's src/*.c src/*.h
#
# Usage:
#   tools/pgindent.sh PGINDENT_SCRIPT PG_TYPEDEFS_LIST
# or
#   PGINDENT_SCRIPT=/path/pgindent PG_TYPEDEFS_LIST=/path/typedefs.list tools/pgindent.sh
#
# The two inputs are not part of this repository (do not commit them here);
# take them from the PostgreSQL source tree, branch REL_15_STABLE, directory
# src/tools/pgindent/:
#
#   (a checkout of PostgreSQL's REL_15_STABLE branch in /tmp/pg15)
#   PGINDENT_SCRIPT=/tmp/pg15/src/tools/pgindent/pgindent
#   PG_TYPEDEFS_LIST=/tmp/pg15/src/tools/pgindent/typedefs.list
#
# (or `git show REL_15_STABLE:src/tools/pgindent/pgindent` etc. from any clone).
#
# REL_15_STABLE's pgindent requires pg_bsd_indent 2.1.1, which is what the
# Debian 12 package provides:  apt-get install pg-bsd-indent
# (PostgreSQL 16 and later's pgindent want 2.1.2 and will refuse 2.1.1.)
# Set PGINDENT=/path/to/pg_bsd_indent if it is not on PATH.
#
# The typedefs used are the union of PostgreSQL's list and timepool's own
# ./typedefs.list (one name per line, sorted).  When you add a typedef in
# src/, add its name to typedefs.list, otherwise pgindent formats it as an
# identifier (e.g. "TpFoo * x" instead of "TpFoo *x").
#
# This script downloads nothing and installs nothing; it rewrites src/*.c and
# src/*.h in place.  Review with `git diff -w` (should show only comment
# re-wrapping) and rebuild with -Wall -Wextra before committing.

set -euo pipefail

PGINDENT_SCRIPT=${1:-${PGINDENT_SCRIPT:-}}
PG_TYPEDEFS_LIST=${2:-${PG_TYPEDEFS_LIST:-}}

if [ -z "$PGINDENT_SCRIPT" ] || [ -z "$PG_TYPEDEFS_LIST" ]; then
	echo "usage: $0 PGINDENT_SCRIPT PG_TYPEDEFS_LIST" >&2
	echo "   or: PGINDENT_SCRIPT=... PG_TYPEDEFS_LIST=... $0" >&2
	exit 1
fi
for f in "$PGINDENT_SCRIPT" "$PG_TYPEDEFS_LIST"; do
	if [ ! -f "$f" ]; then
		echo "$0: no such file: $f" >&2
		exit 1
	fi
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PGINDENT_SCRIPT=$(realpath "$PGINDENT_SCRIPT")
PG_TYPEDEFS_LIST=$(realpath "$PG_TYPEDEFS_LIST")

if [ ! -f "$root/typedefs.list" ]; then
	echo "$0: $root/typedefs.list is missing" >&2
	exit 1
fi

# pgindent (REL_15_STABLE) takes a single --typedefs file and creates its
# temporary files in the current directory: work in a scratch directory.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat "$PG_TYPEDEFS_LIST" "$root/typedefs.list" | LC_ALL=C sort -u >"$work/typedefs.list"

shopt -s nullglob
files=("$root"/src/*.c "$root"/src/*.h)
if [ ${#files[@]} -eq 0 ]; then
	echo "$0: no files in $root/src" >&2
	exit 1
fi

cd "$work"
rc=0
perl "$PGINDENT_SCRIPT" --typedefs="$work/typedefs.list" "${files[@]}" 2>"$work/stderr" || rc=$?
cat "$work/stderr" >&2
# pgindent exits 0 even when pg_bsd_indent fails on a file
if [ $rc -ne 0 ] || [ -s "$work/stderr" ]; then
	echo "$0: pgindent reported problems (see above)" >&2
	exit 1
fi
