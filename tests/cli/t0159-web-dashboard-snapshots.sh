# The supervisors' dashboard answers from the region's stored snapshots
# (docs/api.md, GET /api/dashboard): after 'opora stats publish --year Y'
# its counts for Y are the snapshot's, with the time it was made; a change
# recorded after that shows only with the next publication; a year with
# no snapshot is computed on the request on a small node ("computed") and
# left out on a larger one ("pending", its figures null), where serve
# publishes the dashboard's years.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-ui.sh"
p=$(port_base)
ui_node n RU-SMO "$p"
# Only the publications this test makes.
ok "$OPORA_BIN" --dir n --user boss config set stats_interval 0
smo() { "$OPORA_BIN" --dir n --user chief "$@"; }
adm() { "$OPORA_BIN" --dir n --user boss "$@"; }
grad() {
	d=$(smo person add --surname "$1" --name Анна --birth-date 2005-04-12 \
	    --sex F --force) || fail "person add"
	ok smo consent add "$d" --scope statistics --date 2025-01-10 \
	    --document "Согласие"
	ok smo episode open "$d" --centre Центр --curator Петрова \
	    --date 2025-04-15
}
for s in Одна Две Три; do grad "$s"; done
serve n
until_true 10 curl -s --cacert "$UI_CA" "$UI/api/me" || fail "no listener"
login chief

# No snapshot yet, a small node: computed on the request.
api chief GET '/api/dashboard?from=2025&to=2025'
status 200
contains '"years":\[\{"year":2025,"state":"computed","made":"[0-9T:Z-]+","made_ms":[0-9]+\}\]' "$T/out"
contains '"counted":\[3,3,3,3\]' "$T/out"

# (1) After a publication, the snapshot's counts and when it was made.
t0=$(date +%s)
ok adm stats publish --year 2025
t1=$(date +%s)
api chief GET '/api/dashboard?from=2025&to=2025'
status 200
cp "$T/out" "$T/dash1"
contains '"state":"snapshot"' "$T/dash1"
contains '"counted":\[3,3,3,3\]' "$T/dash1"
contains '"support":\[0,3,3,3\]' "$T/dash1"
db n "SELECT CAST(bytes AS TEXT) FROM snapshots WHERE year = 2025" \
    > "$T/snap1" || fail "read the snapshot"
[ "$(jq -n --slurpfile s "$T/snap1" --slurpfile d "$T/dash1" '
    $d[0].indicators | to_entries | all(.key as $k | .value ==
    [range(1; 5) as $q | [$s[0].cells[] | select(.[0] == $k and
    .[3] == "2025-Q\($q)") | .[4]] | add // 0])')" = true ] ||
    fail "the dashboard's counts are not the snapshot's"
made=$(jq '.years[0].made_ms' "$T/dash1")
[ "$made" = "$(db n 'SELECT received FROM snapshots WHERE year = 2025')" ] ||
    fail "made_ms $made is not when the snapshot was stored"
[ $((made / 1000)) -ge "$t0" ] && [ $((made / 1000)) -le "$t1" ] ||
    fail "made_ms $made not during the publication ($t0..$t1)"
[ "$(jq -r '.years[0].made' "$T/dash1")" = \
    "$(date -u -d "@$((made / 1000))" +%Y-%m-%dT%H:%M:%SZ)" ] ||
    fail "made is not made_ms"

# (2) A graduate recorded after it shows with the next publication only.
grad Четыре
api chief GET '/api/dashboard?from=2025&to=2025'
status 200
contains '"counted":\[3,3,3,3\]' "$T/out"
contains "\"made_ms\":$made[,}]" "$T/out"
sleep 1
ok adm stats publish --year 2025
api chief GET '/api/dashboard?from=2025&to=2025'
status 200
contains '"state":"snapshot"' "$T/out"
contains '"counted":\[4,4,4,4\]' "$T/out"
made2=$(jq '.years[0].made_ms' "$T/out")
[ "$made2" -gt "$made" ] || fail "made_ms did not move: $made2"

# (3) A year without a snapshot on a node above the bound (2000 persons,
# STATS_DASH_LIVE_MAX): not computed on the request.
awk 'BEGIN { for (d = 0; d < 2000; d++)
	printf("{\"dossier\":\"B%d\",\"op\":\"person.create\",\"surname\":\"Массова\",\"name\":\"Анна\",\"birth_date\":\"2004-05-06\",\"sex\":\"F\",\"institution\":\"Детский дом\"}\n", d) }' \
    > "$T/many.jsonl"
ok smo import "$T/many.jsonl"
api chief GET '/api/dashboard?from=2024&to=2025'
status 200
contains '"years":\[\{"year":2024,"state":"pending"\},\{"year":2025,"state":"snapshot","made":"[0-9T:Z-]+","made_ms":[0-9]+\}\]' "$T/out"
contains '"counted":\[null,null,null,null,4,4,4,4\]' "$T/out"
# Published, the year answers from its snapshot.
ok adm stats publish --year 2024
api chief GET '/api/dashboard?from=2024&to=2025'
status 200
contains '"year":2024,"state":"snapshot"' "$T/out"
contains '"counted":\[0,0,0,0,4,4,4,4\]' "$T/out"
api chief GET '/api/dashboard?from=2020&to=2026'
status 400
stop n

# (4) On a node above the bound, serve publishes the dashboard's five
# years: each past one once (2024 and 2025 are held), this one as always.
y=$(date -u +%Y)
ok "$OPORA_BIN" --dir n --user boss config set stats_interval 24
db n "DELETE FROM meta WHERE k = 'stats_published'" || fail "meta"
serve n
until_true 60 sh -c "[ \$(sqlite3 n/opora.db 'SELECT count(DISTINCT year)
    FROM snapshots WHERE year BETWEEN $((y - 4)) AND $y') = 5 ]" ||
    fail "serve did not publish the dashboard's five years"
[ "$(db n 'SELECT count(*) FROM snapshots WHERE year = 2025')" = 2 ] ||
    fail "serve published 2025 again"
until_true 10 curl -s --cacert "$UI_CA" "$UI/api/me" || fail "no listener"
login chief
api chief GET /api/dashboard
status 200
[ "$(grep -o '"state":"snapshot"' "$T/out" | wc -l)" = 5 ] ||
    fail "not every year from a snapshot: $(cat "$T/out")"
stop n
