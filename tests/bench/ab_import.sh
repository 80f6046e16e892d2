#!/bin/sh
# tests/bench/ab_import.sh ROUNDS OPORA-A OPORA-B...: two (or more) builds
# of opora compared on a small import, alternated round by round so that
# the machine's changes of speed fall on each alike (docs/performance.md).
# Each round imports the same register (BENCH_LINES lines, default 1,000;
# the register bench.sh generates) into a new copy of one node, for each
# build in turn, and notes the wall time of the command (from before its
# exec to its exit) and its CPU time.  Prints, for each build, the median
# and least wall time and the median CPU time.  Run from the top of the
# tree.
set -eu
. tests/bench/register.sh
[ $# -ge 2 ] || {
	echo "usage: sh tests/bench/ab_import.sh ROUNDS OPORA..." >&2
	exit 64
}
R=$1
shift
T=$(mktemp -d "${TMPDIR:-/tmp}/opora-ab.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
"$1" --dir "$T/base" init --region RU-SMO >/dev/null 2>&1
"$1" --dir "$T/base" user add admin --name Admin --role admin >/dev/null 2>&1
"$1" --dir "$T/base" --user admin user add bench --name Bench \
    --role supervisor --centre Центр >/dev/null 2>&1
bench_register "${BENCH_LINES:-1000}" > "$T/register.jsonl"
r=0
while [ "$r" -lt "$R" ]; do
	for b in "$@"; do
		rm -rf "$T/n"
		cp -a "$T/base" "$T/n"
		sync
		s=$(date +%s%N)
		/usr/bin/time -f "%e %U %S" -o "$T/time" "$b" --dir "$T/n" \
		    --user bench import "$T/register.jsonl" >/dev/null \
		    2>"$T/err" || { cat "$T/err"; exit 1; }
		e=$(date +%s%N)
		echo "$b $(((e - s) / 1000)) $(awk '{ print ($2 + $3) * 1000 }' \
		    "$T/time")" >> "$T/runs"
	done
	r=$((r + 1))
done
# median N: the middle of the numbers on standard input.
median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
for b in "$@"; do
	w=$(awk -v b="$b" '$1 == b { print $2 }' "$T/runs" | median)
	l=$(awk -v b="$b" '$1 == b { print $2 }' "$T/runs" | sort -n | head -1)
	c=$(awk -v b="$b" '$1 == b { print $3 }' "$T/runs" | median)
	awk -v b="$b" -v w="$w" -v l="$l" -v c="$c" -v r="$R" 'BEGIN {
	    printf("%s: median %.1f ms, least %.1f ms, median CPU %s ms (%d runs)\n",
	    b, w / 1000, l / 1000, c, r) }'
done
