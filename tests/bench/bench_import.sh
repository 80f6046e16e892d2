#!/bin/sh
# tests/bench/bench_import.sh: the import alone (issue 15), for profiling
# and for docs/performance.md.  For each size of BENCH_SIZES (changes;
# default "10000 100000") it generates the register bench.sh generates
# (one person a 51 lines, the rest events, interleaved across persons),
# imports it into a new node, and prints its rate beside OpenSSL's own
# one-core Ed25519 sign rate measured just before (the aim: >= 60% of
# it), with the CPU time of all threads and the peak memory.  Run from
# the top of the tree after 'make all'.  BENCH_KEEP=DIR keeps the
# registers in DIR (for perf).
set -eu
. tests/bench/register.sh
top=$(pwd)
OPORA=${OPORA:-$top/opora}
SIZES=${BENCH_SIZES:-10000 100000}
T=$(mktemp -d "${TMPDIR:-/tmp}/opora-bench-import.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

node() {
	"$OPORA" --dir "$1" init --region RU-SMO >/dev/null 2>&1
	"$OPORA" --dir "$1" user add admin --name Admin --role admin \
	    >/dev/null 2>&1
	"$OPORA" --dir "$1" --user admin user add bench --name Bench \
	    --role supervisor --centre Центр >/dev/null 2>&1
}

# With perf (BENCH_PERF=1 and perf installed), the import runs under
# 'perf record' at 1000 Hz and the CPU time of its main thread is
# counted apart: the import's bound on a machine shared with other work,
# where the wall time says more about the load than about the import.
# "main-thread bound" is changes / main-thread CPU seconds: the rate with
# a core of its own, beside the same sign limit.
perf=${BENCH_PERF:-0}
printf '| what | changes | seconds | changes/s | limit (same run) | share | CPU s | peak RSS | main thread CPU s | main-thread bound | its share |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for N in $SIZES; do
	bench_register "$N" > "$T/register.jsonl"
	[ -z "${BENCH_KEEP:-}" ] || cp "$T/register.jsonl" "$BENCH_KEEP/register-$N.jsonl"
	rm -rf "$T/n"
	node "$T/n"
	openssl speed -seconds 3 ed25519 2>/dev/null > "$T/speed"
	sign=$(awk '/Ed25519/ && $NF ~ /^[0-9.]+$/ { print $(NF-1) }' "$T/speed" | tail -1)
	set -- "$OPORA" --dir "$T/n" --user bench import "$T/register.jsonl"
	[ "$perf" = 1 ] && set -- perf record -q -F 1000 -o "$T/perf.data" "$@"
	/usr/bin/time -f "%e %M %U %S" -o "$T/time" "$@" >/dev/null \
	    2>"$T/err" || {
		cat "$T/err"
		exit 1
	}
	main=""
	if [ "$perf" = 1 ]; then
		# Samples of the thread whose id is the process's, in ms.
		# (perf's "pid" key is the thread's id; the main thread's is
		# the smallest.)
		main=$(perf report -i "$T/perf.data" --sort pid --stdio \
		    -F sample,pid 2>/dev/null | awk '$1 ~ /^[0-9]+$/ {
			split($2, a, ":")
			if (t == "" || a[1] + 0 < t + 0) { t = a[1]; m = $1 }
		} END { print m / 1000 }')
	fi
	awk -v n="$N" -v sign="$sign" -v main="$main" '{
		s = $1; if (s == 0) s = 0.01
		b = ""; if (main != "" && main > 0) b = sprintf("%.2f | %.0f | %.0f%%", main, n / main, 100 * n / main / sign)
		else b = " | |"
		printf("| import, interleaved | %d | %.2f | %.0f | sign %.0f/s x 1 core | %.0f%% | %.1f | %.1f MiB | %s |\n", n, s, n / s, sign, 100 * n / s / sign, $3 + $4, $2 / 1024, b)
	}' "$T/time"
	rm -rf "$T/n"
done
