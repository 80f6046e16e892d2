#!/bin/sh
# tests/bench/bench_audit.sh: part of 'make bench'.  What the audit of a
# read costs (issue 13: showing a dossier with the audit at most 10%
# slower than without): 'opora show' of one dossier of EVENTS events, run
# ROUNDS x RUNS times by the program and by build/bench/opora-noaudit (the
# same program with audit_record writing nothing), alternating by round
# on the same node, so that both meet the same machine.  Each audited
# show commits one entry (synchronous=FULL) and every 100th signs a
# checkpoint.
set -eu
top=$(pwd)
OPORA="$top/opora"
NOAUDIT="$top/build/bench/opora-noaudit"
EVENTS=${EVENTS:-50}
ROUNDS=${ROUNDS:-5}
RUNS=${RUNS:-40}
T=$(mktemp -d "${TMPDIR:-/tmp}/opora-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

"$OPORA" --dir "$T/n" init --region RU-SMO >/dev/null 2>&1
"$OPORA" --dir "$T/n" user add admin --name Admin --role admin \
    >/dev/null 2>&1
"$OPORA" --dir "$T/n" --user admin user add bench --name Bench \
    --role supervisor --centre Центр >/dev/null 2>&1
awk -v E="$EVENTS" 'BEGIN {
	printf("{\"dossier\":\"P\",\"op\":\"person.create\",\"surname\":\"Иванова\",\"name\":\"Анна\",\"birth_date\":\"2004-03-05\",\"sex\":\"F\"}\n")
	for (e = 0; e < E; e++)
		printf("{\"dossier\":\"P\",\"op\":\"event.add\",\"date\":\"2024-%02d-%02d\",\"type\":\"contact\",\"text\":\"Встреча с куратором, обсуждение жилья и учёбы; запись номер %d\"}\n", e % 12 + 1, e % 28 + 1, e)
}' > "$T/reg.jsonl"
"$OPORA" --dir "$T/n" --user bench import --out "$T/ids" "$T/reg.jsonl" \
    >/dev/null 2>&1
D=$(sqlite3 "$T/n/opora.db" "SELECT dossier FROM persons")
before=$(sqlite3 "$T/n/opora.db" "SELECT count(*) FROM audit")

run() {		# run PROGRAM: RUNS shows, elapsed ms on standard output
	t0=$(date +%s%N)
	i=0
	while [ $i -lt "$RUNS" ]; do
		"$1" --dir "$T/n" --user bench show "$D" >/dev/null
		i=$((i + 1))
	done
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000000 ))
}

echo "== opora show of one dossier of $EVENTS events, $ROUNDS x $RUNS runs each"
r=0 on=0 off=0
while [ $r -lt "$ROUNDS" ]; do
	a=$(run "$NOAUDIT")
	b=$(run "$OPORA")
	echo "round $r: without the audit $a ms, with $b ms"
	off=$((off + a)) on=$((on + b))
	r=$((r + 1))
done
after=$(sqlite3 "$T/n/opora.db" "SELECT count(*) FROM audit")
want=$((ROUNDS * RUNS))
[ $((after - before)) -eq "$want" ] || {
	echo "bench_audit: $((after - before)) audit entries, not $want" >&2
	exit 1
}
"$OPORA" --dir "$T/n" --user admin user add insp --name Insp \
    --role auditor >/dev/null 2>&1
"$OPORA" --dir "$T/n" --user insp audit verify >/dev/null
awk -v n="$((ROUNDS * RUNS))" -v on="$on" -v off="$off" -v e="$EVENTS" \
    'BEGIN {
	printf("\n| what | without the audit | with it | slower by (aim <= 10%%) |\n")
	printf("| --- | --- | --- | --- |\n")
	printf("| opora show, one dossier of %d events (%d runs) | %.2f ms | %.2f ms | %.1f%% |\n", e, n, off / n, on / n, 100 * (on - off) / off)
}'
