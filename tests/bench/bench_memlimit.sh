#!/bin/sh
# tests/bench/bench_memlimit.sh: part of 'make bench'.  What an
# address-space limit (ulimit -v, as an admin may set on the service)
# costs: 'opora verify' of DOSSIERS dossiers of 18 changes, without a
# limit and under LIMITS KiB, each the best of RUNS.  A limit that lets the
# program finish must not make it crawl: before one malloc arena for every
# thread (node/main.c), verify took 84 s under 130,000 KiB instead of 1 s.
set -eu
top=$(pwd)
OPORA="$top/opora"
DOSSIERS=${DOSSIERS:-200}
LIMITS=${LIMITS:-"90000 130000 200000"}
RUNS=${RUNS:-3}
T=$(mktemp -d "${TMPDIR:-/tmp}/opora-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

"$OPORA" --dir "$T/n" init --region RU-SMO >/dev/null 2>&1
"$OPORA" --dir "$T/n" user add admin --name Admin --role admin \
    >/dev/null 2>&1
"$OPORA" --dir "$T/n" --user admin user add bench --name Bench \
    --role supervisor --centre Центр >/dev/null 2>&1
awk -v P="$DOSSIERS" 'BEGIN { for (i = 1; i <= P; i++) {
	printf "{\"dossier\":\"P%d\",\"op\":\"person.create\",\"surname\":\"Фамилия%d\",\"name\":\"Имя\",\"birth_date\":\"2005-04-12\",\"sex\":\"F\"}\n", i, i
	for (j = 1; j <= 17; j++)
		printf "{\"dossier\":\"P%d\",\"op\":\"event.add\",\"date\":\"2024-02-%02d\",\"type\":\"contact\",\"text\":\"Встреча %d: подробная запись о ходе сопровождения\"}\n", i, j, j
} }' > "$T/reg.jsonl"
"$OPORA" --dir "$T/n" --user bench import "$T/reg.jsonl" >/dev/null 2>&1

best() {	# best LIMIT: the best of RUNS verifies, in ms ("-" unlimited)
	b=
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(date +%s%N)
		if [ "$1" = - ]; then
			"$OPORA" --dir "$T/n" --user admin verify >/dev/null 2>&1
		else
			(ulimit -v "$1"; exec "$OPORA" --dir "$T/n" --user admin \
			    verify) >/dev/null 2>&1
		fi || { echo "verify failed under limit $1" >&2; exit 1; }
		ms=$((($(date +%s%N) - t0) / 1000000))
		[ -z "$b" ] || [ "$ms" -lt "$b" ] && b=$ms
		i=$((i + 1))
	done
	echo "$b"
}

n=$(sqlite3 "$T/n/opora.db" 'SELECT count(*) FROM changes')
base=$(best -)
echo "== memory limits: verify of $n changes, best of $RUNS"
echo "   no limit: $base ms"
for l in $LIMITS; do
	ms=$(best "$l")
	echo "   ulimit -v $l: $ms ms ($(awk -v a="$ms" -v b="$base" \
	    'BEGIN { printf "%.1f", a / (b ? b : 1) }')x the unlimited run)"
done
