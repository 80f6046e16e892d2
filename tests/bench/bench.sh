#!/bin/sh
# tests/bench/bench.sh: 'make bench', first part.  For each size of
# BENCH_SIZES (changes; default "1000 100000 1000000"): generates a
# register of SIZE lines (one person a 51 lines, the rest events), imports
# it into a new node with the lines interleaved across dossiers (the worst
# order) and into another grouped dossier by dossier (below 100,000 lines,
# each 5 times into new copies of the node, each run beside OpenSSL's
# rate measured just before it, the run of the median share printed:
# import_median), verifies the first,
# and times the interactive commands on it (list, a page in the middle,
# find, show).  Every rate is printed beside the limit measured in the
# same run: OpenSSL's own Ed25519 sign rate (one signature per change is
# the floor of import, on one core) and verify rate x cores (verify), from
# 'openssl speed' just before and just after that size (the higher of the
# two: a moment of this VM's neighbours must not lower the limit); with
# peak memory, what the import
# wrote to disk per change (/usr/bin/time's file system outputs), the
# database's size per change, and the CPU time of all threads (steadier
# than the wall time on a shared machine).  Figures go to docs/performance.md by hand,
# with the date and machine.  BENCH_SIZES=1000000 takes about 10 minutes
# on an idle 2-core machine, over 30 under load.
set -eu
. tests/bench/register.sh
top=$(pwd)
OPORA=${OPORA:-$top/opora}
SIZES=${BENCH_SIZES:-1000 100000 1000000}
T=$(mktemp -d "${TMPDIR:-/tmp}/opora-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
cores=$(nproc)

# Every command acts as an account (docs/admin.md, "Accounts"): the
# node's first admin, then the supervisor "bench" who imports.
node() {
	"$OPORA" --dir "$1" init --region RU-SMO >/dev/null 2>&1
	"$OPORA" --dir "$1" user add admin --name Admin --role admin \
	    >/dev/null 2>&1
	"$OPORA" --dir "$1" --user admin user add bench --name Bench \
	    --role supervisor --centre Центр >/dev/null 2>&1
}

# measure NAME CMD...: "seconds peak-RSS-KiB fs-outputs(512-B) CPU-seconds"
# of CMD (CPU: user and system, all threads).  The seconds to the
# millisecond: /usr/bin/time's %e has hundredths, a quarter of the
# import of 1,000 lines.
measure() {
	name=$1
	shift
	# What the bench itself wrote (a node copied, the last run's files
	# removed) is flushed first: the command's own fsyncs would otherwise
	# wait for it (ext4 commits other files' data with its journal).
	sync
	t0=$(date +%s%N)
	/usr/bin/time -f "%M %O %U %S" -o "$T/$name.time" "$@" \
	    >/dev/null 2>"$T/$name.err" || {
		cat "$T/$name.err"
		exit 1
	}
	t1=$(date +%s%N)
	awk -v ns=$((t1 - t0)) '{ printf("%.3f %s %s %.2f\n", ns / 1e9, $1,
	    $2, $3 + $4) }' "$T/$name.time"
}

# import_median DIR FILE: import FILE into DIR, a copy of the new node
# $T/new, and print measure's four figures and the signing rate to
# compare the run with (0: the size's own, measured before and after).
# Below 100,000 lines the import takes tens of milliseconds, while this
# VM's speed moves by a third from one minute to the next (OpenSSL's
# rate with it): there it is run 5 times, each into a new copy, each
# just after a 1-second measure of OpenSSL's signing rate, and the run of
# the median share is printed with the rate it is compared with.  DIR is
# left as the last run made it: every run imports the same lines into a
# copy of the same node.  Each run is followed by an import of FILE's
# first line alone into another copy (what every import pays whatever its
# size: the program's start, opening the node, the passes' set-up, the
# commit and the checkpoint at close), and the median of those seconds is
# printed sixth: the cost past it, per line, is what the signing rate
# bounds (at 1,000 lines the fixed part is a third of the whole on a VM
# whose first write to a page of memory costs 10 microseconds).
import_median() {
	runs=1
	[ "$N" -lt 100000 ] && runs=5
	r=0
	: > "$T/runs"
	: > "$T/ones"
	while [ "$r" -lt "$runs" ]; do
		rate=0
		[ "$runs" -gt 1 ] && rate=$(openssl speed -seconds 1 ed25519 \
		    2>/dev/null | awk '/Ed25519/ && $NF ~ /^[0-9.]+$/ {
		    print $(NF-1) }')
		rm -rf "$1"
		cp -a "$T/new" "$1"
		set -- "$1" "$2" $(measure import "$OPORA" --dir "$1" --user \
		    bench import "$2")
		echo "$3 $4 $5 $6 $rate" | awk -v n="$N" '{
		    print ($5 > 0 ? n / ($1 > 0 ? $1 : 0.001) / $5 : 0), $0 }' \
		    >> "$T/runs"
		set -- "$1" "$2"
		rm -rf "$1.one"
		cp -a "$T/new" "$1.one"
		head -n 1 "$2" > "$T/one.jsonl"
		measure one "$OPORA" --dir "$1.one" --user bench import \
		    "$T/one.jsonl" | cut -d' ' -f1 >> "$T/ones"
		rm -rf "$1.one"
		r=$((r + 1))
	done
	one=$(sort -g "$T/ones" | sed -n "$(((runs + 1) / 2))p")
	: > "$T/ones"
	echo "$(sort -g "$T/runs" | sed -n "$(((runs + 1) / 2))p" |
	    cut -d' ' -f2-6) $one"
}

# ms CMD...: the median wall time of 5 runs of CMD, in milliseconds.
ms() {
	for i in 1 2 3 4 5; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
		e=$(date +%s%N)
		echo $(((e - s) / 1000000))
	done | sort -n | sed -n 3p
}

# "past the fixed cost": the share of the lines after the first, in the
# seconds past a one-line import's (import_median), and those seconds.
printf '| what | changes | seconds | changes/s | limit (same run) | share | CPU s | peak RSS | written per change | database per change | share past the fixed cost |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
cmds=""
for N in $SIZES; do
	openssl speed -seconds 3 ed25519 2>/dev/null > "$T/speed"
	bench_register "$N" > "$T/register.jsonl"
	# The same register exported person by person.
	awk -F'"' '{ print $4 "\t" NR "\t" $0 }' "$T/register.jsonl" |
	    sort -t "$(printf '\t')" -k1,1 -k2,2n -s | cut -f3- \
	    > "$T/grouped.jsonl"
	rm -rf "$T/i" "$T/g" "$T/new"
	node "$T/new"
	set -- $(import_median "$T/i" "$T/register.jsonl")
	is=$1 ir=$2 io=$3 ic=$4 isign=$5 ione=$6
	idb=$(stat -c %s "$T/i/opora.db")
	set -- $(import_median "$T/g" "$T/grouped.jsonl")
	gs=$1 gr=$2 go=$3 gc=$4 gsign=$5 gone=$6
	gdb=$(stat -c %s "$T/g/opora.db")
	rm -rf "$T/g" "$T/new"
	set -- $(measure verify "$OPORA" --dir "$T/i" --user admin verify)
	vs=$1 vr=$2 vc=$4
	# OpenSSL's rates before this size and after it, the higher of each
	# (bench_feed.sh says why).
	openssl speed -seconds 3 ed25519 2>/dev/null >> "$T/speed"
	sign=$(awk '/Ed25519/ && $NF ~ /^[0-9.]+$/ && $(NF-1) > m { m = $(NF-1) }
	    END { print m }' "$T/speed")
	verify=$(awk '/Ed25519/ && $NF ~ /^[0-9.]+$/ && $NF > m { m = $NF }
	    END { print m }' "$T/speed")
	awk -v n="$N" -v sign="$sign" -v ver="$verify" -v cores="$cores" \
	    -v isign="$isign" -v gsign="$gsign" \
	    -v ione="$ione" -v gone="$gone" \
	    -v is="$is" -v ir="$ir" -v io="$io" -v idb="$idb" \
	    -v gs="$gs" -v gr="$gr" -v go="$go" -v gdb="$gdb" \
	    -v vs="$vs" -v vr="$vr" -v ic="$ic" -v gc="$gc" -v vc="$vc" '
	# past(n, secs, one, sign): "share (one-line import: ONE s)".
	function past(n, secs, one, sign) {
		if (n < 2 || secs <= one || sign <= 0)
			return ("")
		return (sprintf("%.0f%% (one line: %.3f s)",
		    100 * (n - 1) / (secs - one) / sign, one))
	}
	BEGIN {
		if (is == 0) is = 0.01; if (gs == 0) gs = 0.01; if (vs == 0) vs = 0.01
		if (isign == 0) isign = sign; if (gsign == 0) gsign = sign
		printf("| import, interleaved | %d | %.3f | %.0f | sign %.0f/s x 1 core | %.0f%% | %.1f | %.1f MiB | %.1f KB | %.2f KB | %s |\n", n, is, n / is, isign, 100 * n / is / isign, ic, ir / 1024, io * 512 / n / 1000, idb / n / 1000, past(n, is, ione, isign))
		printf("| import, grouped | %d | %.3f | %.0f | sign %.0f/s x 1 core | %.0f%% | %.1f | %.1f MiB | %.1f KB | %.2f KB | %s |\n", n, gs, n / gs, gsign, 100 * n / gs / gsign, gc, gr / 1024, go * 512 / n / 1000, gdb / n / 1000, past(n, gs, gone, gsign))
		printf("| verify | %d | %.3f | %.0f | verify %.0f/s x %d cores | %.0f%% | %.1f | %.1f MiB | | | |\n", n, vs, n / vs, ver, cores, 100 * n / vs / (ver * cores), vc, vr / 1024)
	}'
	# The interactive commands on the node of N changes (median of 5).
	O="$OPORA --dir $T/i --user bench"
	# The persons: one a 51 lines (tests/bench/register.sh).
	D=$((N / 51))
	[ "$D" -ge 1 ] || D=1
	mid=$($O list --all 2>/dev/null | sed -n "$(((D + 1) / 2))p" | cut -c1-36)
	one=$($O list --limit 1 2>/dev/null | cut -c1-36)
	cmds="$cmds
| $N | $(ms $O list) | $(ms $O list --after "$mid") | $(ms $O find --surname иванова1) | $(ms $O find --name анна --limit 20) | $(ms $O show "$one") |"
	rm -rf "$T/i"
done
printf '\nInteractive commands, median of 5 runs, ms (aim: under 100 ms)\n\n'
printf '| changes | list | list --after (middle) | find --surname иванова1 | find --name анна | show |\n'
printf '| --- | --- | --- | --- | --- | --- |'
echo "$cmds"
