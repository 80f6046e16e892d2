#!/bin/sh
# tests/bench/bench_entropy.sh: part of 'make bench'.  What anti-entropy
# costs (tests/bench/bench_entropy.c): four nodes sharing DOSSIERS x
# CHANGES changes (100,000 by default), in step; a round between two of
# them (requests, bytes, CPU of each side), and a round that finds DIFFER
# dossiers apart and repairs them.
set -eu
top=$(pwd)
B="$top/build/bench_entropy"
DOSSIERS=${DOSSIERS:-1000}
CHANGES=${CHANGES:-100}
DIFFER=${DIFFER:-100}

field() {	# field NAME LINE: the value of NAME=... in LINE
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

echo "== anti-entropy: 4 nodes sharing $DOSSIERS dossiers x $CHANGES changes"
line=$("$B" "$DOSSIERS" "$CHANGES" "$DIFFER")
echo "$line"
awk -v c="$(field changes "$line")" -v d="$(field dossiers "$line")" \
    -v r="$(field rounds "$line")" \
    -v sq="$(field in_step_requests "$line")" \
    -v sb="$(field in_step_bytes "$line")" \
    -v sa="$(field in_step_ask_ms "$line")" \
    -v sn="$(field in_step_answer_ms "$line")" \
    -v sw="$(field in_step_wall_ms "$line")" \
    -v n="$(field differ "$line")" \
    -v dq="$(field differ_requests "$line")" \
    -v db="$(field differ_bytes "$line")" \
    -v da="$(field differ_ask_ms "$line")" \
    -v dn="$(field differ_answer_ms "$line")" \
    -v dw="$(field differ_wall_ms "$line")" 'BEGIN {
	printf("\n| round (%d shared changes, %d dossiers) | requests | bytes received | CPU, asking node | CPU, answering node | wall |\n", c, d)
	printf("| --- | --- | --- | --- | --- | --- |\n")
	printf("| in step (mean of %d ordered pairs) | %.0f | %.0f | %.0f ms | %.0f ms | %.0f ms |\n", r, sq, sb, sa, sn, sw)
	printf("| %d dossiers differ, repaired | %d | %d | %.0f ms | %.0f ms | %.0f ms |\n", n, dq, db, da, dn, dw)
}'
