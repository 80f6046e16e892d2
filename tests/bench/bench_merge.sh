#!/bin/sh
# tests/bench/bench_merge.sh: part of 'make bench'.  What conflicts cost:
# the same changes with and without concurrent edits (tests/bench/
# bench_merge.c), for one dossier of 2,000 changes taken in whole and
# folded, and for 'opora rebuild' of 100,000 changes.  Aim: conflicts
# within 1.5x of the plain figures.
set -eu
top=$(pwd)
OPORA="$top/opora"
B="$top/build/bench_merge"
CHANGES=${CHANGES:-2000}
REBUILD_DOSSIERS=${REBUILD_DOSSIERS:-500}
REBUILD_CHANGES=${REBUILD_CHANGES:-200}
T=$(mktemp -d "${TMPDIR:-/tmp}/opora-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

field() {	# field NAME LINE: the value of NAME=... in LINE
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

echo "== one dossier of $CHANGES changes handed round three regions"
for mode in plain conflicts; do
	line=$("$B" $mode 1 "$CHANGES")
	echo "$line"
	eval "${mode}_apply=$(field apply_s "$line")"
	eval "${mode}_fold=$(field fold_ms "$line")"
	eval "${mode}_conf=$(field conflicts "$line")"
	rm -rf "$(dirname "$(field node "$line")")"
done

echo "== opora rebuild of $REBUILD_DOSSIERS dossiers x $REBUILD_CHANGES changes"
for mode in plain conflicts; do
	line=$("$B" $mode "$REBUILD_DOSSIERS" "$REBUILD_CHANGES")
	node=$(field node "$line")
	eval "${mode}_total=$(field changes "$line")"
	eval "${mode}_rconf=$(field conflicts "$line")"
	# Every command acts as an account: the node's first admin.
	"$OPORA" --dir "$node" user add admin --name Admin --role admin \
	    >/dev/null 2>&1
	/usr/bin/time -f "%e %M" -o "$T/$mode.time" "$OPORA" --dir "$node" \
	    --user admin rebuild >/dev/null 2>"$T/$mode.err" || { cat "$T/$mode.err"; exit 1; }
	set -- $(cat "$T/$mode.time")
	eval "${mode}_rs=$1 ${mode}_rm=$2"
	echo "$mode: $line"
	echo "$mode: rebuild $1 s, peak $2 KiB"
	rm -rf "$(dirname "$node")"
done

awk -v pa="$plain_apply" -v ca="$conflicts_apply" -v pf="$plain_fold" \
    -v cf="$conflicts_fold" -v cc="$conflicts_conf" -v n="$CHANGES" \
    -v prs="$plain_rs" -v crs="$conflicts_rs" -v prm="$plain_rm" \
    -v crm="$conflicts_rm" -v pt="$plain_total" -v ct="$conflicts_total" \
    -v rc="$conflicts_rconf" 'BEGIN {
	printf("\n| what | plain | with conflicts | ratio (aim <= 1.5) |\n")
	printf("| --- | --- | --- | --- |\n")
	printf("| take in one dossier of %d changes (verify, apply; %d conflicts) | %.3f s | %.3f s | %.2f |\n", n, cc, pa, ca, ca / pa)
	printf("| fold it from its changes | %.1f ms | %.1f ms | %.2f |\n", pf, cf, cf / pf)
	printf("| opora rebuild, %d / %d changes (%d conflicts) | %.2f s, %.0f MiB | %.2f s, %.0f MiB | %.2f |\n", pt, ct, rc, prs, prm / 1024, crs, crm / 1024, crs / prs)
}'
