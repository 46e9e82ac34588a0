#!/usr/bin/env bash
# test/readme.sh: every ```sql example of README.md runs as written, in
# order, in one psql session, as a reader pasting them would, and does what
# the README says it does.
#
# Against the cluster that libpq's environment points to (PGHOST, PGPORT,
# PGUSER: a superuser):
#   database tp_readme, made fresh.  Every ```sql fenced block of README.md
#     (not ```sh, ```js or bare ``` blocks) is taken in order and split into
#     its statements (a statement ends at a ';' or a psql meta-command such
#     as \gset, outside quotes, comments and dollar quotes; a block that
#     ends inside a statement fails the test).  The README's own first
#     block, CREATE EXTENSION timepool, creates the extension.  All of them
#     run in ONE psql session (so :day, :booking_id, ... set by \gset in one
#     block are there for the next ones), with ON_ERROR_STOP=0 and
#     VERBOSITY=verbose, and today frozen on timepool's clock with
#     PGOPTIONS='-c timepool.today=2026-11-23' (see TODAY below).
#   Each statement is one check, from what psql wrote to stderr (every
#     message carries the line of the generated script it came from, so it
#     is put down to its statement; an ERROR carries its SQLSTATE) and the
#     SQLSTATE variable psql sets after each query:
#     - a statement that the README shows failing (comment lines after it:
#       "-- ERROR:  message", "-- DETAIL:  detail", "-- (SQLSTATE TP001)";
#       "..." in a message or detail stands for any text) must raise exactly
#       one error, with that SQLSTATE, message and detail;
#     - any other statement must raise no error and no warning (a psql error
#       of its own, such as \gset getting no row, counts as an error);
#     - where the README shows a result as comment lines right after the
#       statement ("--   period | total_minutes ...", one line per row), the
#       statement's aligned output must have those columns and rows (cells
#       compared without their padding);
#     - where it shows notifications as comment lines right after the
#       statement ("-- Asynchronous notification "timepool_availability" with
#       payload "{...}" received from server process with PID ....", "..."
#       standing for any text, as psql prints them once the session has
#       LISTENed), the statement's output must have exactly those, in that
#       order; a statement that shows none must print none, but for a
#       change followed by "SELECT timepool.notify_wait();" that shows them:
#       what the change printed counts as the notify_wait()'s, first (the
#       notifier may send before psql has the change's result);
#     - every statement must have run (psql ended normally, no statement
#       lost), and psql must have written nothing that belongs to none.
#   At the end the extension must be installed at timepool.control's
#     default_version.
#
# Determinism: the examples book "the next Saturday" after the clinic's
# today (timepool.clinic_today(), which the booking rules use) and set dates
# of their own (overrides on 2026-12-23, 24 and 25, a weekly schedule that
# changes on 2027-01-01).  TODAY is a fixed Monday chosen so that every
# example means what its text says: the Saturday is 5 days ahead (inside
# every notice and advance limit the examples set), and the fixed dates are
# still to come and within the 90 days ahead of the Booking policy example.
#
# Prints "ok N - ..." or "not ok N - ..." per check, then "1..N"; exits
# non-zero on any failure.  The roles the README creates (CREATE ROLE, found
# in its sql blocks) must not exist beforehand: the test refuses to run
# rather than touch roles it did not make.  The database and those roles are
# dropped at the end (DROP OWNED BY, DROP ROLE); KEEP_DBS=1 keeps them and
# the work directory (the generated script and psql's output).
set -euo pipefail
cd "$(dirname "$0")/.." # README.md and timepool.control are read from here

DB=tp_readme
TODAY=2026-11-23 # a Monday: :day is Saturday 2026-11-28; 2026-12-23..25 and 2027-01-01 are ahead, within 90 days
README=README.md
WORK=$(mktemp -d -t tp_readme.XXXXXX)
roles_ours=0
ROLES=

cleanup() {
	local rc=$?
	if [ "${KEEP_DBS:-}" != 1 ]; then
		if [ "$roles_ours" = 1 ] && [ -n "$ROLES" ]; then
			if [ "$(psql -X -A -t -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$DB'" 2>/dev/null)" = 1 ]; then
				psql -X -q -d "$DB" -c "DROP OWNED BY \"${ROLES// /\", \"}\"" >/dev/null 2>&1 ||
					echo "warning: could not DROP OWNED BY $ROLES in $DB" >&2
			fi
		fi
		PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists "$DB" >/dev/null 2>&1 ||
			echo "warning: could not drop $DB" >&2
		if [ "$roles_ours" = 1 ]; then
			for role in $ROLES; do
				psql -X -q -d postgres -c "SET client_min_messages = warning; DROP ROLE IF EXISTS \"$role\"" >/dev/null 2>&1 ||
					echo "warning: could not drop role $role" >&2
			done
		fi
		rm -rf "$WORK"
	else
		echo "# kept database $DB, roles $ROLES and $WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT

# The parser and checker, in Perl (already needed by pg_prove and the soak
# test).  "roles README" prints the roles the sql blocks create; "run README
# WORKDIR DB" writes WORKDIR/driver.sql, runs it in one psql session and
# prints the checks.
cat >"$WORK/readme.pl" <<'PERL'
use strict;
use warnings;

my $mode = shift @ARGV;
my $readme = shift @ARGV;

# ---- the ```sql blocks, with the README line of their first line
sub sql_blocks {
	open my $fh, '<', $readme or die "cannot read $readme: $!\n";
	my (@blocks, $cur, $fence);
	my $ln = 0;
	while (my $l = <$fh>) {
		$ln++;
		if (!defined $fence) {
			if ($l =~ /^(\s*)(```+|~~~+)\s*(\S*)/) {
				$fence = $2;
				if (lc($3) eq 'sql') {
					$cur = { line => $ln + 1, text => '', n => scalar(@blocks) + 1 };
				}
			}
		} elsif ($l =~ /^\s*\Q$fence\E\s*$/) {
			push @blocks, $cur if $cur;
			undef $cur;
			undef $fence;
		} elsif ($cur) {
			$cur->{text} .= $l;
		}
	}
	die "$readme: a fenced block opened and never closed\n" if defined $fence;
	return @blocks;
}

# ---- a block's statements; each with the comments that follow it
sub split_block {
	my ($b) = @_;
	my $t = $b->{text};
	my $n = length $t;
	my $line = $b->{line};
	my (@items, $cur);
	my $i = 0;
	my $gap_adjacent = 0;    # the gap comment run starts right after a statement
	while ($i < $n) {
		my $c = substr($t, $i, 1);
		if (!$cur) {
			if ($c eq "\n") {
				# a blank line ends the comments that show a result
				$gap_adjacent = 0 if @items && $items[-1]{last_line} < $line;
				$line++;
				$i++;
				next;
			}
			if ($c =~ /\s/) { $i++; next; }
			if (substr($t, $i, 2) eq '--') {
				my $e = index($t, "\n", $i);
				$e = $n if $e < 0;
				my $text = substr($t, $i, $e - $i);
				if (@items) {
					my $it = $items[-1];
					push @{ $it->{gap} }, { line => $line, text => $text, adjacent => $gap_adjacent };
					$it->{last_line} = $line if $gap_adjacent;
				} elsif ($text =~ /^--\s*(ERROR|DETAIL|HINT):|\(SQLSTATE /) {
					die "README.md:$line: an expected error with no statement before it in its block\n";
				}
				$i = $e;
				next;
			}
			$cur = { line => $line, block => $b->{n}, text => '', gap => [] };
		}
		if ($c eq "'" || $c eq '"') {
			# a literal or a quoted identifier ('' and "" inside); E'...' takes backslashes
			my $esc = $c eq "'" && $cur->{text} =~ /(?:^|[^\w])[eE]$/;
			my $j = $i + 1;
			while (1) {
				die "README.md:$cur->{line}: a quote never closed in block $b->{n}\n" if $j >= $n;
				my $d = substr($t, $j, 1);
				if ($esc && $d eq '\\') { $j += 2; next; }
				if ($d eq $c) {
					if (substr($t, $j + 1, 1) eq $c) { $j += 2; next; }
					last;
				}
				$j++;
			}
			my $s = substr($t, $i, $j - $i + 1);
			$line += ($s =~ tr/\n//);
			$cur->{text} .= $s;
			$i = $j + 1;
			next;
		}
		if (substr($t, $i, 2) eq '--') {
			my $e = index($t, "\n", $i);
			$e = $n if $e < 0;
			$cur->{text} .= substr($t, $i, $e - $i);
			$i = $e;
			next;
		}
		if (substr($t, $i, 2) eq '/*') {
			my ($depth, $j) = (1, $i + 2);
			while ($depth > 0) {
				die "README.md:$cur->{line}: a /* comment never closed in block $b->{n}\n" if $j >= $n;
				if (substr($t, $j, 2) eq '/*') { $depth++; $j += 2; }
				elsif (substr($t, $j, 2) eq '*/') { $depth--; $j += 2; }
				else { $j++; }
			}
			my $s = substr($t, $i, $j - $i);
			$line += ($s =~ tr/\n//);
			$cur->{text} .= $s;
			$i = $j;
			next;
		}
		if ($c eq '$' && $cur->{text} !~ /[\w\$]$/ && substr($t, $i) =~ /^(\$(?:[A-Za-z_\x80-\xff][\w\x80-\xff]*)?\$)/) {
			my $tag = $1;
			my $e = index($t, $tag, $i + length $tag);
			die "README.md:$cur->{line}: a dollar quote never closed in block $b->{n}\n" if $e < 0;
			my $s = substr($t, $i, $e + length($tag) - $i);
			$line += ($s =~ tr/\n//);
			$cur->{text} .= $s;
			$i = $e + length $tag;
			next;
		}
		if ($c eq ';' || $c eq '\\') {
			# ';' sends the statement; a meta-command (\gset, \g ...) takes the rest of the line and sends it
			my $e = $i + 1;
			if ($c eq '\\') {
				$e = index($t, "\n", $i);
				$e = $n if $e < 0;
			}
			$cur->{text} .= substr($t, $i, $e - $i);
			$cur->{last_line} = $cur->{end_line} = $line;
			push @items, $cur;
			undef $cur;
			$gap_adjacent = 1;
			$i = $e;
			next;
		}
		$line++ if $c eq "\n";
		$cur->{text} .= $c;
		$i++;
	}
	die "README.md:$cur->{line}: block $b->{n} ends inside a statement (no ';')\n"
		if $cur && $cur->{text} =~ /\S/;
	for my $it (@items) {
		my @table;
		for my $g (@{ $it->{gap} }) {
			my $x = $g->{text};
			if ($x =~ /^--\s*ERROR:\s+(.*?)\s*$/) { $it->{want_message} = $1; }
			elsif ($x =~ /^--\s*DETAIL:\s+(.*?)\s*$/) { $it->{want_detail} = $1; }
			elsif ($x =~ /^--\s*\(SQLSTATE\s+([0-9A-Z]{5})\)\s*$/) { $it->{want_sqlstate} = $1; }
			elsif ($x =~ /SQLSTATE|^--\s*(ERROR|DETAIL|HINT)\b/) {
				die "README.md:$g->{line}: an error comment this test cannot read: $x\n";
			} elsif ($g->{adjacent} && $x =~ /^--\s*(Asynchronous notification .*?)\s*$/) {
				push @{ $it->{want_notify} }, $1;
			} elsif ($g->{adjacent} && $x =~ /\|/) {
				push @table, $x;
			}
		}
		$it->{want_error} = 1 if defined $it->{want_message} || defined $it->{want_sqlstate};
		die "README.md:$it->{line}: a DETAIL with no ERROR or SQLSTATE\n"
			if defined $it->{want_detail} && !$it->{want_error};
		$it->{want_table} = [ map { cells($_) } @table ] if @table;
	}
	return @items;
}

# a row of a result, as its cells without their padding
sub cells {
	my ($l) = @_;
	$l =~ s/^--//;
	return join '|', map { s/^\s+|\s+$//gr } split /\|/, $l, -1;
}

# a README message with "..." for any text, as a regex
sub glob_re {
	my ($s) = @_;
	return '^' . join('.*', map { quotemeta } split /\.\.\./, $s, -1) . '$';
}

my (@blocks, @items);
my $parse_error = eval { @blocks = sql_blocks(); @items = map { split_block($_) } @blocks; 1 } ? undef : $@;

if ($mode eq 'roles') {
	exit 0 if $parse_error;    # "run" reports it
	my %seen;
	for my $it (@items) {
		while ($it->{text} =~ /\bCREATE\s+(?:ROLE|USER)\s+("?)([A-Za-z_][\w\$]*)\1/gi) {
			my $r = $1 ? $2 : lc $2;
			print "$r\n" unless $seen{$r}++;
		}
	}
	exit 0;
}
die "usage: readme.pl roles|run README [WORK DB]\n" unless $mode eq 'run';
my ($work, $db) = @ARGV;
if (defined $parse_error) {
	print "not ok 1 - the sql blocks of $readme split into statements\n", map { "#   $_\n" } split /\n/, $parse_error;
	print "# checks: 1 failures: 1\n";
	exit 1;
}

# ---- the script psql runs: every statement between two \echo markers
my $driver = "$work/driver.sql";
open my $out, '>', $driver or die "$driver: $!\n";
my $dl = 0;
sub emit { my ($s) = @_; print $out $s, "\n"; $dl += 1 + ($s =~ tr/\n//); }
for my $k (0 .. $#items) {
	my $it = $items[$k];
	emit("\\echo '\@\@tp-readme begin $k'");
	$it->{from} = $dl + 1;
	emit($it->{text});
	$it->{to} = $dl;
	emit("\\echo '\@\@tp-readme end $k' :SQLSTATE");
}
close $out;

my $rc = system("psql -X -v ON_ERROR_STOP=0 -v VERBOSITY=verbose -d '$db' -f '$driver' >'$work/stdout' 2>'$work/stderr'") >> 8;

# ---- stdout: each statement's output and the SQLSTATE after it
my (%output, %state, $in);
open my $so, '<', "$work/stdout" or die;
while (my $l = <$so>) {
	chomp $l;
	if ($l =~ /^\@\@tp-readme begin (\d+)$/) { $in = $1; $output{$in} = []; next; }
	if ($l =~ /^\@\@tp-readme end (\d+) (\S*)$/) { $state{$1} = $2; undef $in; next; }
	push @{ $output{$in} }, $l if defined $in;
}
close $so;

# ---- stderr: every message, put down to the statement whose lines it names
my (@stray, @msgs);
open my $se, '<', "$work/stderr" or die;
while (my $l = <$se>) {
	chomp $l;
	if ($l =~ /^psql:\Q$driver\E:(\d+): (ERROR|FATAL|PANIC|WARNING|NOTICE|INFO|LOG|DEBUG\d?|error|warning|fatal):\s+(.*)$/) {
		my ($ln, $sev, $text) = ($1, $2, $3);
		my $m = { line => $ln, severity => $sev, text => $text, detail => undef, raw => [$l] };
		if ($sev =~ /^(ERROR|FATAL|PANIC|WARNING|NOTICE|INFO|LOG|DEBUG\d?)$/ && $text =~ /^([0-9A-Z]{5}):\s+(.*)$/) {
			($m->{sqlstate}, $m->{text}) = ($1, $2);
		}
		$m->{sqlstate} //= $sev =~ /^(error|fatal)$/ ? 'psql' : '';
		my ($it) = grep { $_->{from} <= $ln && $ln <= $_->{to} } @items;
		if ($it) { push @{ $it->{msgs} }, $m; } else { push @stray, $l; }
		push @msgs, $m;
	} elsif (@msgs && $l =~ /^(DETAIL|HINT|CONTEXT|LOCATION|QUERY|STATEMENT|LINE \d+):\s*(.*)$|^\s/) {
		$msgs[-1]{detail} = $2 if defined $1 && $1 eq 'DETAIL';
		push @{ $msgs[-1]{raw} }, $l;
	} elsif ($l =~ /\S/) {
		push @stray, $l;
	}
}
close $se;

# ---- the checks
my ($checks, $failures) = (0, 0);
sub ok { $checks++; print "ok $checks - $_[0]\n"; }
sub notok {
	my ($label, @why) = @_;
	$checks++;
	$failures++;
	print "not ok $checks - $label\n";
	print map { "#   $_\n" } map { split /\n/ } @why;
}
sub first_line { my ($s) = @_; my ($f) = grep { /\S/ && !/^\s*--/ } split /\n/, $s; $f //= $s; $f =~ s/^\s+|\s+$//g; return length $f > 70 ? substr($f, 0, 67) . '...' : $f; }

print "# $readme: ", scalar(@blocks), " sql blocks, ", scalar(@items), " statements, ",
	scalar(grep { $_->{want_error} } @items), " shown failing, ",
	scalar(grep { $_->{want_table} } @items), " with their result shown, ",
	scalar(grep { $_->{want_notify} } @items), " with their notifications shown\n";
if (@items) { ok("the sql blocks of $readme split into " . scalar(@items) . " statements"); }
else { notok("the sql blocks of $readme split into statements", "none found"); }

# payloads a statement printed that the README shows after the
# notify_wait() right after it (see below)
my @carry;
for my $k (0 .. $#items) {
	my $it = $items[$k];
	my $where = "README.md:$it->{line}";
	my $what = first_line($it->{text});
	my @errs = grep { $_->{severity} =~ /^(ERROR|FATAL|PANIC|error|fatal)$/ } @{ $it->{msgs} // [] };
	my @warns = grep { $_->{severity} =~ /^(WARNING|warning)$/ } @{ $it->{msgs} // [] };
	my @raw = map { @{ $_->{raw} } } @{ $it->{msgs} // [] };
	my $is_query = $it->{text} !~ /^\s*\\/;
	for my $m (grep { $_->{severity} =~ /^(NOTICE|INFO)$/ } @{ $it->{msgs} // [] }) {
		print "# $where: $m->{severity} $m->{sqlstate}: $m->{text}\n";
	}
	if (!exists $state{$k}) {
		notok("$where ran: $what", "psql never finished this statement (exit code $rc)", @raw);
		next;
	}
	if ($it->{want_error}) {
		my @why;
		my $want = join ' ', grep { defined } ($it->{want_sqlstate}, $it->{want_message});
		if (@errs != 1) {
			push @why, "want exactly one error ($want), got " . scalar(@errs);
		} else {
			my $e = $errs[0];
			push @why, "want SQLSTATE $it->{want_sqlstate}, got $e->{sqlstate}"
				if defined $it->{want_sqlstate} && $e->{sqlstate} ne $it->{want_sqlstate};
			push @why, "want message '$it->{want_message}', got '$e->{text}'"
				if defined $it->{want_message} && $e->{text} !~ glob_re($it->{want_message});
			push @why, "want DETAIL '$it->{want_detail}', got '" . ($e->{detail} // '(none)') . "'"
				if defined $it->{want_detail} && ($e->{detail} // '') !~ glob_re($it->{want_detail});
			push @why, "psql's SQLSTATE variable says $state{$k}"
				if $is_query && defined $it->{want_sqlstate} && $state{$k} ne $it->{want_sqlstate};
		}
		push @why, map { "warning: $_->{text}" } @warns;
		if (@why) { notok("$where fails as the README shows ($want): $what", "statement:", $it->{text}, @why, "psql said:", @raw ? @raw : "(nothing)"); }
		else { ok("$where fails as the README shows ($want): $what"); }
	} else {
		my @why;
		push @why, map { "unexpected $_->{severity} $_->{sqlstate}: $_->{text}" } @errs, @warns;
		push @why, "psql's SQLSTATE variable says $state{$k}" if $is_query && !@errs && $state{$k} ne '00000';
		if (@why) { notok("$where runs without error: $what", "statement:", $it->{text}, @why, "psql said:", @raw ? @raw : "(nothing)"); }
		else { ok("$where runs without error: $what"); }
	}
	my @notes = (@carry, grep { /^Asynchronous notification / } @{ $output{$k} // [] });
	@carry = ();
	# The notifier sends a commit's payloads a moment after it: the README
	# shows them after the notify_wait() that follows the change, but when
	# the notifier was quicker they reach psql with the change's own result
	# (the server delivers them before it says it is ready for the next
	# statement).  Those count as the notify_wait()'s.
	if (!$it->{want_notify} && @notes && $k < $#items && $items[$k + 1]{want_notify} &&
		$items[$k + 1]{text} =~ /^\s*SELECT timepool\.notify_wait\(\);/m) {
		@carry = @notes;
		@notes = ();
	}
	if ($it->{want_notify} || @notes) {
		my @want = @{ $it->{want_notify} // [] };
		my $same = @notes == @want;
		for my $i (0 .. $#want) { $same &&= $notes[$i] =~ glob_re($want[$i]); }
		if ($same) { ok("$where sends the notifications the README shows (" . @want . ")"); }
		else { notok("$where sends the notifications the README shows", "want:", @want ? @want : "(none)", "got:", @notes ? @notes : "(none)"); }
	}
	if ($it->{want_table}) {
		my @got = map { cells($_) } grep { /\|/ && !/^[-+]+$/ && !/^Asynchronous notification / } @{ $output{$k} // [] };
		my $want = join("\n", @{ $it->{want_table} });
		my $got = join("\n", @got);
		if ($got eq $want) { ok("$where returns the rows the README shows (" . (@got - 1) . ")"); }
		else { notok("$where returns the rows the README shows", "want:", @{ $it->{want_table} }, "got:", @{ $output{$k} // [] }); }
	}
}
if ($rc == 0 && !@stray) { ok("psql ended normally and wrote nothing that belongs to no statement"); }
else { notok("psql ended normally and wrote nothing that belongs to no statement", "exit code $rc", @stray); }
print "# checks: $checks failures: $failures\n";
exit($failures ? 1 : 0);
PERL

ROLES=$(perl "$WORK/readme.pl" roles "$README" | tr '\n' ' ')
ROLES=${ROLES% }
if [ -n "$ROLES" ]; then
	# shellcheck disable=SC2086 # one name a word
	list=$(printf "'%s'," $ROLES)
	existing=$(psql -X -A -t -d postgres -c "SELECT string_agg(rolname, ' ') FROM pg_roles WHERE rolname IN (${list%,})")
	if [ -n "$existing" ]; then
		echo "not ok 1 - the roles the README creates do not exist yet"
		echo "#   this cluster already has role(s) $existing, which the README's examples create;"
		echo "#   the test does not drop roles it did not make: drop them, or run it on another cluster"
		echo "1..1"
		exit 1
	fi
fi
roles_ours=1

PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists "$DB"
createdb "$DB"

set +e
PGOPTIONS="${PGOPTIONS:-} -c timepool.today=$TODAY" perl "$WORK/readme.pl" run "$README" "$WORK" "$DB" >"$WORK/tap"
status=$?
set -e
# the last check: the README's CREATE EXTENSION made the version of timepool.control
checks=$(sed -n 's/^# checks: \([0-9]*\) failures: \([0-9]*\)$/\1 \2/p' "$WORK/tap")
grep -v "^# checks: " "$WORK/tap" || true
read -r n failures <<<"${checks:-0 1}"
want=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" timepool.control)
got=$(psql -X -A -t -d "$DB" -c "SELECT extversion FROM pg_extension WHERE extname = 'timepool'")
n=$((n + 1))
if [ -n "$want" ] && [ "$got" = "$want" ]; then
	echo "ok $n - timepool $got is installed in $DB (timepool.control's default_version)"
else
	failures=$((failures + 1))
	echo "not ok $n - timepool is installed in $DB at timepool.control's default_version"
	echo "#   got: '$got'  want: '$want'"
fi
echo "1..$n"
if [ "$status" -eq 0 ] && [ "$failures" -eq 0 ]; then
	echo "# readme: all $n checks passed (today frozen at $TODAY)"
else
	echo "# readme: $failures of $n checks failed (today frozen at $TODAY)"
	exit 1
fi
