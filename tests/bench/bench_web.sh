#!/bin/sh
# tests/bench/bench_web.sh: 'make bench', the web pages' API (issue 14):
# search on a node of 200,000 dossiers, and the dossier page of a graduate
# with 500 entries (its two calls: the dossier, the card's history), and
# the supervisor's dashboard over the region's 200,000 (each with a
# statistics consent, half with an open support episode), beside the time
# of 'opora stats publish' for one year, measured in the same run.  The
# server's time of each call is curl's time to the first byte less its
# time to the end of the TLS handshake (time_starttransfer -
# time_pretransfer), over loopback; each call 30 times, the median and the
# slowest printed (the dashboard WEB_DASH_RUNS times, from the snapshots
# published first unless WEB_DASH_PUBLISH=0).  The node is stopped by
# its PID.  Figures go to docs/performance.md by hand.
set -eu
top=$(pwd)
OPORA="$top/opora"
DOSSIERS=${WEB_DOSSIERS:-200000}
ENTRIES=${WEB_ENTRIES:-500}
RUNS=${WEB_RUNS:-30}
DASH_RUNS=${WEB_DASH_RUNS:-5}
T=$(mktemp -d "${TMPDIR:-/tmp}/opora-bench-web.XXXXXX")
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
PW=bench-kalinka-2026

echo "== web: generating $DOSSIERS dossiers, one with $ENTRIES entries"
awk -v D="$DOSSIERS" -v E="$ENTRIES" 'BEGIN {
	n = split("Иванова Петрова Смирнова Кузнецова Попова Васильева Соколова Михайлова Новикова Фёдорова Морозова Волкова Алексеева Лебедева Семёнова Егорова Павлова Козлова Степанова Николаева Орлова Андреева Макарова Никитина Захарова Зайцева Соловьёва Борисова Яковлева Григорьева", s, " ")
	m = split("Анна Мария Елена Ольга Дарья Алина Полина Софья Виктория Ксения", f, " ")
	printf("{\"dossier\":\"P0\",\"op\":\"person.create\",\"surname\":\"Единственная\",\"name\":\"Анна\",\"birth_date\":\"2004-05-06\",\"sex\":\"F\",\"institution\":\"Детский дом №1\"}\n")
	for (e = 0; e < E - 1; e++)
		printf("{\"dossier\":\"P0\",\"op\":\"event.add\",\"date\":\"20%02d-%02d-%02d\",\"type\":\"contact\",\"text\":\"Встреча с куратором, запись номер %d\"}\n", 20 + e % 5, e % 12 + 1, e % 28 + 1, e)
	for (d = 1; d < D; d++)
		printf("{\"dossier\":\"P%d\",\"op\":\"person.create\",\"surname\":\"%s\",\"name\":\"%s\",\"birth_date\":\"%d-%02d-%02d\",\"sex\":\"F\",\"institution\":\"Детский дом №%d\"}\n", d, s[d % n + 1], f[int(d / n) % m + 1], 1995 + d % 12, d % 12 + 1, d % 28 + 1, d % 50)
	# Counted by the dashboard: a statistics consent each, an open
	# episode for every second one.
	for (d = 1; d < D; d++) {
		printf("{\"dossier\":\"P%d\",\"op\":\"consent.add\",\"scope\":\"statistics\",\"date\":\"20%02d-%02d-10\",\"document\":\"Согласие\"}\n", d, 21 + d % 4, d % 12 + 1)
		if (d % 2 == 0)
			printf("{\"dossier\":\"P%d\",\"op\":\"episode.open\",\"centre\":\"Центр %d\",\"curator\":\"Куратор\",\"date\":\"20%02d-%02d-15\"}\n", d, d % 20, 21 + d % 4, d % 12 + 1)
	}
}' > "$T/register.jsonl"
"$OPORA" --dir "$T/node" init --region RU-SMO >/dev/null 2>&1
"$OPORA" --dir "$T/node" user add admin --name Admin --role admin \
    >/dev/null 2>&1
echo "$PW" | "$OPORA" --dir "$T/node" --user admin user add bench \
    --name Bench --role supervisor --password-stdin >/dev/null 2>&1
echo "== web: importing $(wc -l < "$T/register.jsonl") lines"
/usr/bin/time -f "%e s" "$OPORA" --dir "$T/node" --user bench import \
    "$T/register.jsonl" >/dev/null
port=$((20000 + $$ % 20000))
"$OPORA" --dir "$T/node" config set listen_ui "127.0.0.1:$port" \
    >/dev/null 2>&1
# Only the publications timed below (serve would make its own at start).
"$OPORA" --dir "$T/node" config set stats_interval 0 >/dev/null 2>&1
"$OPORA" --dir "$T/node" serve >"$T/serve.log" 2>&1 &
pid=$!
UI=https://127.0.0.1:$port
i=0
until curl -s --cacert "$T/node/tls.crt" "$UI/api/me" >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 100 ] || { cat "$T/serve.log"; exit 1; }
	sleep 0.1
done
c() {
	curl -sS --cacert "$T/node/tls.crt" -b "$T/jar" -c "$T/jar" \
	    -H "Origin: $UI" "$@"
}
c -o "$T/login" -H 'Content-Type: application/json' --data-binary \
    "{\"login\":\"bench\",\"password\":\"$PW\"}" "$UI/api/login"
grep -q '"csrf"' "$T/login" || { cat "$T/login"; exit 1; }

# time NAME PATH: RUNS calls of GET PATH; median and slowest server time.
timeit() {
	: > "$T/t"
	r=0
	while [ $r -lt "$RUNS" ]; do
		c -o "$T/body" -w '%{http_code} %{time_pretransfer} %{time_starttransfer}\n' \
		    "$UI$2" >> "$T/t"
		r=$((r + 1))
	done
	grep -qv '^200 ' "$T/t" && { echo "$1: not 200"; cat "$T/body"; exit 1; }
	awk '{ print ($3 - $2) * 1000 }' "$T/t" | sort -n | awk -v n="$1" \
	    -v b="$(wc -c < "$T/body")" '{ v[NR] = $1 } END {
		printf("| %s | %d | %.1f | %.1f | %d |\n", n, NR,
		    v[int((NR + 1) / 2)], v[NR], b) }'
}
enc() {	# the UTF-8 bytes of $1 as %XX
	printf '%s' "$1" | od -An -tx1 | tr -s ' \n' '%%' | sed 's/%$//' |
	    tr 'a-f' 'A-F'
}
c -o "$T/one" "$UI/api/search?surname=$(enc Единственная)"
id=$(sed -n 's/.*"dossier":"\([0-9a-f-]*\)".*/\1/p' "$T/one")
[ -n "$id" ] || { cat "$T/one"; exit 1; }
echo
echo "| call | runs | median ms | slowest ms | bytes |"
echo "| --- | --- | --- | --- | --- |"
timeit "search: surname prefix «Ива» (50 of ~6,700)" \
    "/api/search?surname=$(enc Ива)"
timeit "search: surname «Соколова», name «Дарья»" \
    "/api/search?surname=$(enc Соколова)&name=$(enc Дарья)"
timeit "search: birth date 2001-07-07" "/api/search?birth_date=2001-07-07"
timeit "search: nothing found («Щ»)" "/api/search?surname=$(enc Щ)"
timeit "dossier of $ENTRIES entries: GET /api/dossiers/ID" "/api/dossiers/$id"
timeit "dossier of $ENTRIES entries: GET /api/dossiers/ID/history" \
    "/api/dossiers/$id/history"

# The supervisor's dashboard: five years of quarters (the default), and
# one year.  It answers from the snapshots 'opora stats publish' keeps
# (serve publishes them; here the CLI does, timed: the reference), or,
# with WEB_DASH_PUBLISH=0 and at most 2,000 persons (STATS_DASH_LIVE_MAX),
# computes them on the request; with none and more persons, its years
# are "pending".
y=$(date -u +%Y)
if [ "${WEB_DASH_PUBLISH:-1}" = 1 ]; then
	echo
	echo "| reference | time |"
	echo "| --- | --- |"
	for py in $((y - 4)) $((y - 3)) $((y - 2)) $((y - 1)) $y; do
		/usr/bin/time -o "$T/time" -f "%e s" "$OPORA" --dir "$T/node" \
		    --user admin stats publish --year "$py" >/dev/null
		echo "| \`opora stats publish --year $py\` | $(cat "$T/time") |"
	done
fi
echo
echo "| call | runs | median ms | slowest ms | bytes |"
echo "| --- | --- | --- | --- | --- |"
RUNS=$DASH_RUNS
timeit "dashboard: GET /api/dashboard (5 years, 20 quarters)" "/api/dashboard"
grep -o '"state":"[a-z]*"' "$T/body" | sort | uniq -c
timeit "dashboard: GET /api/dashboard?from=$y&to=$y (1 year)" \
    "/api/dashboard?from=$y&to=$y"
