#!/bin/sh
# tests/bench/bench_sync.sh: replication figures for 'make bench'.
#  - a pull of ~100,000 changes from one node to another over loopback
#    HTTPS (the histories of DOSSIERS accepted offers), in changes per
#    second beside OpenSSL's Ed25519 verify rate x cores measured in the
#    same run, with peak memory of the serving node;
#  - the time from 'transfer offer' to the offer being listed at the
#    destination, with long poll (median of 20).
set -eu
top=$(pwd)
OPORA="$top/opora"
DOSSIERS=${DOSSIERS:-2000}
PER=${PER:-48}
T=$(mktemp -d "${TMPDIR:-/tmp}/opora-bench.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
export OPORA_USER=bench
cd "$T"
cores=$(nproc)
verify=$(openssl speed -seconds 3 ed25519 2>/dev/null |
    awk '/Ed25519/ && $NF ~ /^[0-9.]+$/ { print $NF }' | tail -1)
port=$(shuf -i 20000-60000 -n 1)
for r in SMO KLU; do
	port=$((port + 1))
	"$OPORA" --dir $r init --region RU-$r --url https://127.0.0.1:$port \
	    --listen 127.0.0.1:$port >/dev/null 2>&1
	# Every command acts as an account (docs/admin.md, "Accounts"):
	# the node's first admin, then the supervisor "bench".
	"$OPORA" --dir $r user add admin --name Admin --role admin \
	    >/dev/null 2>&1
	"$OPORA" --dir $r --user admin user add bench --name Bench \
	    --role supervisor --centre Центр >/dev/null 2>&1
	"$OPORA" --dir $r id > $r.card
done
"$OPORA" --dir SMO --user admin peer add KLU.card >/dev/null 2>&1
"$OPORA" --dir KLU --user admin peer add SMO.card >/dev/null 2>&1
echo "== a register of $DOSSIERS persons, each offered to RU-KLU"
awk -v D="$DOSSIERS" -v E="$PER" 'BEGIN {
	for (d = 0; d < D; d++) {
		printf("{\"dossier\":\"P%d\",\"op\":\"person.create\",\"surname\":\"Иванова%d\",\"name\":\"Анна\",\"birth_date\":\"2004-01-02\",\"sex\":\"F\"}\n", d, d)
		printf("{\"dossier\":\"P%d\",\"op\":\"consent.add\",\"scope\":\"transfer\",\"date\":\"2024-01-01\",\"document\":\"Заявление\"}\n", d)
		for (e = 0; e < E; e++)
			printf("{\"dossier\":\"P%d\",\"op\":\"event.add\",\"date\":\"2024-01-02\",\"type\":\"contact\",\"text\":\"Встреча с куратором, обсуждение жилья и учёбы; запись номер %d\"}\n", d, e)
		printf("{\"dossier\":\"P%d\",\"op\":\"transfer.offer\",\"to\":\"RU-KLU\",\"reason\":\"Переезд\"}\n", d)
	}
}' > reg.jsonl
"$OPORA" --dir SMO import reg.jsonl >/dev/null 2>&1
n=$("$OPORA" --dir SMO --user admin verify | awk '{ print $2 }')
"$OPORA" --dir SMO serve > SMO.log 2>&1 & spid=$!
PIDS="$PIDS $spid"
sleep 1
# Kaluga holds each offer's summary until it accepts, and the history
# comes with the accept (docs/protocol.md, "Offers before they are
# accepted"): it takes the offers, accepts them all, Smolensk learns of
# the accepts, and the pull timed is that of the histories.
"$OPORA" --dir KLU sync --once >/dev/null 2>&1
sqlite3 KLU/opora.db "SELECT offer FROM offer_summaries WHERE state = 'offered'" |
    xargs -n 200 "$OPORA" --dir KLU transfer accept >/dev/null
"$OPORA" --dir KLU --user admin export --for RU-SMO > accepts.json
"$OPORA" --dir SMO --user admin receive --from RU-KLU accepts.json >/dev/null
before=$(sqlite3 KLU/opora.db "SELECT count(*) FROM changes")
echo "== pull of the histories ($n changes at Smolensk)"
/usr/bin/time -f "%e %M" -o pull.time "$OPORA" --dir KLU sync --once > pull.out
cat pull.out
n=$(($(sqlite3 KLU/opora.db "SELECT count(*) FROM changes") - before))
set -- $(cat pull.time)
psec=$1 prss=$2
srss=$(awk '/VmHWM/ { print $2 }' /proc/$spid/status)

echo "== time from offer to listed at the destination (long poll), 20 offers"
"$OPORA" --dir KLU serve > KLU.log 2>&1 &
PIDS="$PIDS $!"
sleep 1
i=0
while [ $i -lt 20 ]; do
	D=$("$OPORA" --dir SMO person add --surname Лат$i --name Анна --birth-date 2004-01-02 --sex F)
	"$OPORA" --dir SMO consent add "$D" --scope transfer --date 2024-01-01 --document d >/dev/null
	t0=$(date +%s%N)
	"$OPORA" --dir SMO transfer offer "$D" --to RU-KLU --reason x >/dev/null
	until sqlite3 KLU/opora.db "SELECT 1 FROM offer_summaries WHERE dossier = '$D'" | grep -q 1; do
		sleep 0.01
	done
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000000 ))
	i=$((i + 1))
done > lat.txt
med=$(sort -n lat.txt | awk '{ a[NR] = $1 } END { print (a[int((NR + 1) / 2)] + a[int(NR / 2) + 1]) / 2 }')
max=$(sort -n lat.txt | tail -1)
awk -v n="$n" -v ps="$psec" -v pr="$prss" -v sr="$srss" -v ver="$verify" \
    -v cores="$cores" -v med="$med" -v max="$max" 'BEGIN {
	rate = n / ps
	printf("\n| what | figure | limit (same run) | share |\n| --- | --- | --- | --- |\n")
	printf("| pull of %d changes | %.2f s, %.0f changes/s | verify %.0f/s x %d cores | %.0f%% |\n", n, ps, rate, ver, cores, 100 * rate / (ver * cores))
	printf("| peak memory, serving node | %.1f MiB | | |\n", sr / 1024)
	printf("| peak memory, pulling node | %.1f MiB | | |\n", pr / 1024)
	printf("| offer to listed at destination | median %s ms, max %s ms (20 offers) | | |\n", med, max)
}'
