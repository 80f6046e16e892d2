#!/bin/sh
# tests/bench/bench.sh: 'make bench'.  Imports 100,000 events into 2,000
# dossiers, verifies the result, and prints each rate beside OpenSSL's own
# Ed25519 sign and verify rates measured in the same run, with peak memory.
# Figures go to docs/performance.md by hand, with the date and machine.
set -eu
top=$(pwd)
OPORA="$top/opora"
DOSSIERS=${DOSSIERS:-2000}
EVENTS=${EVENTS:-100000}
T=$(mktemp -d "${TMPDIR:-/tmp}/opora-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
cores=$(nproc)

echo "== OpenSSL's Ed25519 rates on this machine (openssl speed, 1 core)"
openssl speed -seconds 3 ed25519 2>/dev/null | tee "$T/speed" | tail -3
sign=$(awk '/Ed25519/ && $NF ~ /^[0-9.]+$/ { print $(NF-1) }' "$T/speed" | tail -1)
verify=$(awk '/Ed25519/ && $NF ~ /^[0-9.]+$/ { print $NF }' "$T/speed" | tail -1)
echo "sign ${sign}/s, verify ${verify}/s per core; ${cores} cores"

echo "== generating $EVENTS events in $DOSSIERS dossiers"
awk -v D="$DOSSIERS" -v E="$EVENTS" 'BEGIN {
	split("contact consultation housing education employment health finance legal crisis", types, " ")
	for (d = 0; d < D; d++)
		printf("{\"dossier\":\"P%d\",\"op\":\"person.create\",\"surname\":\"Иванова%d\",\"name\":\"Анна\",\"birth_date\":\"2004-%02d-%02d\",\"sex\":\"F\",\"institution\":\"Детский дом №%d\"}\n", d, d, d % 12 + 1, d % 28 + 1, d % 50)
	for (e = 0; e < E; e++)
		printf("{\"dossier\":\"P%d\",\"op\":\"event.add\",\"date\":\"2024-%02d-%02d\",\"type\":\"%s\",\"text\":\"Встреча с куратором, обсуждение жилья и учёбы; запись номер %d\"}\n", e % D, e % 12 + 1, e % 28 + 1, types[e % 9 + 1], e)
}' > "$T/register.jsonl"
lines=$(wc -l < "$T/register.jsonl")
"$OPORA" --dir "$T/node" init --region RU-SMO >/dev/null 2>&1
# Every command acts as an account (docs/admin.md, "Accounts"): the
# node's first admin, then the supervisor "bench" who imports.
accounts() {
	"$OPORA" --dir "$1" user add admin --name Admin --role admin \
	    >/dev/null 2>&1
	"$OPORA" --dir "$1" --user admin user add bench --name Bench \
	    --role supervisor --centre Центр >/dev/null 2>&1
}
accounts "$T/node"

measure() {	# measure NAME CMD...: seconds and peak RSS (KiB) into $T/NAME
	name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$T/$name.time" "$@" >/dev/null 2>"$T/$name.err" || {
		cat "$T/$name.err"
		exit 1
	}
	cat "$T/$name.time"
}

echo "== import ($lines changes, lines interleaved across dossiers)"
set -- $(measure import "$OPORA" --dir "$T/node" --user bench import "$T/register.jsonl")
isec=$1 irss=$2
# The same register exported person by person, as registers usually are.
awk -F'"' '{ print $4 "\t" NR "\t" $0 }' "$T/register.jsonl" |
    sort -t "$(printf '\t')" -k1,1 -k2,2n -s | cut -f3- > "$T/grouped.jsonl"
"$OPORA" --dir "$T/node2" init --region RU-SMO >/dev/null 2>&1
accounts "$T/node2"
echo "== import ($lines changes, grouped by dossier)"
set -- $(measure import2 "$OPORA" --dir "$T/node2" --user bench import "$T/grouped.jsonl")
gsec=$1 grss=$2
echo "== verify"
set -- $(measure verify "$OPORA" --dir "$T/node" --user admin verify)
vsec=$1 vrss=$2

awk -v n="$lines" -v is="$isec" -v ir="$irss" -v vs="$vsec" -v vr="$vrss" \
    -v gs="$gsec" -v gr="$grss" \
    -v sign="$sign" -v ver="$verify" -v cores="$cores" 'BEGIN {
	irate = n / is; vrate = n / vs
	printf("\n| what | changes | seconds | changes/s | limit (OpenSSL) | share | peak RSS |\n")
	printf("| --- | --- | --- | --- | --- | --- | --- |\n")
	printf("| import, interleaved | %d | %.2f | %.0f | sign %.0f/s x 1 core | %.0f%% | %.1f MiB |\n", n, is, irate, sign, 100 * irate / sign, ir / 1024)
	printf("| import, grouped | %d | %.2f | %.0f | sign %.0f/s x 1 core | %.0f%% | %.1f MiB |\n", n, gs, n / gs, sign, 100 * n / gs / sign, gr / 1024)
	printf("| verify | %d | %.2f | %.0f | verify %.0f/s x %d cores | %.0f%% | %.1f MiB |\n", n, vs, vrate, ver, cores, 100 * vrate / (ver * cores), vr / 1024)
}'
