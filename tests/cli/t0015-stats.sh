# Issues 6 and 12 with real servers: three regions and the federal node.  The
# regions record graduates who consented to statistics; Smolensk hands five
# of them to Kaluga; each region publishes its snapshot; the federal node
# pulls them, answers a researcher over HTTPS with small counts hidden,
# gives the migration flows, and its database holds no name, SNILS or
# dossier id.
. "$TOP/tests/cli/lib.sh"
three_nodes
p=$(port_base)
"$OPORA" --dir FED init --region RU-FED --url "https://127.0.0.1:$p" \
    --listen "127.0.0.1:$p" >/dev/null 2>&1 || fail "init FED"
"$OPORA" --dir FED id > FED.card
for r in SMO KLU SA; do
	ok "$OPORA" --dir $r peer add FED.card
	ok "$OPORA" --dir FED peer add $r.card
done

# person NODE SURNAME SEX BIRTH: a graduate with a statistics consent and
# an assessment in 2025, and an open support episode; prints the dossier.
person() {
	d=$("$OPORA" --dir "$1" person add --surname "$2" --name Анна \
	    --birth-date "$4" --sex "$3" --snils "$5" --force) ||
	    fail "person add $2"
	"$OPORA" --dir "$1" consent add "$d" --scope statistics \
	    --date 2025-01-10 --document "Согласие" >/dev/null &&
	"$OPORA" --dir "$1" assessment add "$d" --date 2025-03-01 \
	    --housing own --employment employed >/dev/null &&
	"$OPORA" --dir "$1" episode open "$d" --centre "Центр" \
	    --curator "Петрова" --date 2025-01-15 >/dev/null ||
	    fail "record $2"
	echo "$d"
}
# SNILS numbers with valid check digits, all different.
snils() {
	awk -v n="$1" 'BEGIN { s = sprintf("%09d", 100000000 + n * 7919)
	    t = 0; for (i = 1; i <= 9; i++) t += substr(s, i, 1) * (10 - i)
	    c = t < 100 ? t : (t == 100 || t == 101 ? 0 : t % 101)
	    if (c == 100) c = 0; printf("%s%02d\n", s, c) }'
}
i=0
while [ $i -lt 12 ]; do
	person SMO "Смоленская$i" F 2005-04-12 "$(snils $i)" >> smo.ids
	i=$((i + 1))
done
while [ $i -lt 18 ]; do
	person KLU "Калужская$i" F 2006-02-02 "$(snils $i)" >> klu.ids
	i=$((i + 1))
done
person SA "Якутская1" M 2004-07-07 "$(snils 40)" > sa.ids
person SA "Якутская2" M 2004-08-08 "$(snils 41)" >> sa.ids

serve SMO
serve KLU
serve SA
# Five of Smolensk's graduates move to Kaluga.
for d in $(head -5 smo.ids); do
	ok "$OPORA" --dir SMO consent add "$d" --scope transfer \
	    --date 2025-06-01 --document "Заявление"
	ok "$OPORA" --dir SMO transfer offer "$d" --to RU-KLU --reason Переезд
	echo "$(cat "$T/out")" >> offers
done
until_true 60 sh -c "[ \$('$OPORA' --dir KLU transfer list --incoming | grep -c 'RU-SMO → RU-KLU') = 5 ]" ||
    fail "the offers did not reach Kaluga"
for t in $(cat offers); do
	ok "$OPORA" --dir KLU transfer accept "$t"
done
until_true 60 sh -c "[ \$('$OPORA' --dir SMO transfer list --outgoing --json | grep -o accepted | wc -l) = 5 ]" ||
    fail "the accepts did not reach Smolensk"

# Publishing: a region signs counts, never persons; only RU-FED gets them.
year=$(date -u +%Y)
for r in SMO KLU SA; do
	ok "$OPORA" --dir $r stats publish --year 2025
	ok "$OPORA" --dir $r stats publish --year "$year"
done
refuses 65 'federal node receives' "$OPORA" --dir FED stats publish
refuses 64 'not a year' "$OPORA" --dir SMO stats publish --year 20x5
refuses 78 'only the federal node' "$OPORA" --dir SMO stats query \
    --indicator housing.own --period 2025
url=$(sed -n 's/^url = //p' SMO/opora.conf)
# A regional peer asking for Smolensk's snapshots is refused.
ok "$OPORA" --dir FED sync --once
ok "$OPORA" --dir FED stats snapshots --json
[ "$(grep -o '"current":true' "$T/out" | wc -l)" = 6 ] ||
    fail "the federal node does not hold 6 current snapshots"

# Nothing is answered before the first release; then the release is what
# researchers see.
refuses 66 'no such release' "$OPORA" --dir FED stats query \
    --indicator housing.own --period 2025
ok "$OPORA" --dir FED stats release
contains '^1$' "$T/out"
# The researcher's answer, through the command line and over HTTPS.
ok "$OPORA" --dir FED stats query --indicator housing.own --by region \
    --period 2025 --format csv
cp "$T/out" housing.csv
# check_cells FILE T: every published count is at least T, every hidden
# one empty with the one status C.
check_cells() {
	awk -F, -v t="$2" 'NR > 1 { if ($NF == "F" && $(NF-1) + 0 < t) bad++
	    else if ($NF == "C" && $(NF-1) != "") bad++
	    else if ($NF != "F" && $NF != "C") bad++ }
	    END { exit bad > 0 }' "$1" || fail "$1: a published count below $2 or an unknown status: $(cat "$1")"
}
check_cells housing.csv 5
[ "$(wc -l < housing.csv)" = 4 ] || fail "not one row per region: $(cat housing.csv)"
# Sakha's 2 cannot be published (at most 2 + 2 < 5); Smolensk's 12 is
# published within the noise (at most 3 either way).
contains '^housing.own,2025,RU-SA,,C$' housing.csv
grep -q '^housing.own,2025,RU-SMO,\(9\|1[0-5]\),F$' housing.csv ||
    fail "Smolensk's 12 is not published within 3: $(cat housing.csv)"
# The same cell gets the same noise in every table: Russia by sex (all
# women but Sakha's two men) and the query again.
ok "$OPORA" --dir FED stats query --indicator housing.own --by region \
    --period 2025 --format csv
cmp -s housing.csv "$T/out" || fail "the same query answered differently"
ok "$OPORA" --dir FED stats query --indicator housing.own \
    --by region,sex,birth_band --period 2025 --format csv
check_cells "$T/out" 5
[ "$(grep -c '^housing.own,2025,' "$T/out")" = 36 ] ||
    fail "not every region x sex x band listed: $(cat "$T/out")"
smo=$(sed -n 's/^housing.own,2025,RU-SMO,\([0-9]*\),F$/\1/p' housing.csv)
contains "^housing.own,2025,RU-SMO,F,2005-2009,$smo,F\$" "$T/out"
# The threshold is the federal node's setting: at 15, Smolensk's 12 is
# hidden too.
sed -i 's/^stats_threshold = 5$/stats_threshold = 15/' FED/opora.conf
ok "$OPORA" --dir FED stats query --indicator housing.own --by region \
    --period 2025 --format json
contains '"threshold":15' "$T/out"
contains '"region":"RU-SMO","count":null,"status":"C"' "$T/out"
sed -i 's/^stats_threshold = 15$/stats_threshold = 5/' FED/opora.conf
refuses 64 'not a dimension' "$OPORA" --dir FED stats query \
    --indicator housing.own --by name --period 2025
refuses 64 'not a dimension' "$OPORA" --dir FED stats query \
    --indicator housing.own --by birth_year --period 2025
refuses 64 'unknown indicator' "$OPORA" --dir FED stats query \
    --indicator income --period 2025
ok "$OPORA" --dir FED researcher add alice --out .
mkdir sub
refuses 65 'already registered' "$OPORA" --dir FED researcher add alice \
    --out sub
[ -f sub/alice.key ] && fail "a refused researcher's key was left behind"
refuses 73 'exists' "$OPORA" --dir FED researcher add alice --out .
serve FED
furl=$(sed -n 's/^url = //p' FED/opora.conf)
curl -sk --max-time 10 --cert alice.crt --key alice.key \
    "$furl/v1/stats/query?indicator=housing.own&by=region&period=2025&format=csv" \
    > http.csv || fail "curl the researcher API"
cmp -s http.csv housing.csv || fail "the API answers differently from the CLI"
curl -sk --max-time 10 --cert alice.crt --key alice.key \
    "$furl/v1/stats/query?indicator=housing.own&by=surname&period=2025" \
    > bad.json || fail "curl"
grep -q '"not a dimension' bad.json || grep -q 'not a dimension' bad.json ||
    fail "a free filter was not refused: $(cat bad.json)"
# Without a researcher's certificate: refused, with a JSON reason.
curl -sk --max-time 10 --cert SMO/tls.crt --key SMO/tls.key \
    "$furl/v1/stats/query?indicator=housing.own&period=2025" > peer.json ||
    fail "curl as a peer"
grep -q '"error"' peer.json && grep -q 'researchers' peer.json ||
    fail "a peer's certificate was let into the statistics API"
curl -sk --max-time 10 "$furl/v1/stats/query?indicator=support&period=2025" \
    > none.json || true
grep -q 'researchers\|forbidden' none.json ||
    fail "a client without a certificate got an answer: $(cat none.json)"
# Smolensk's snapshots go to the federal node only.
curl -sk --max-time 10 --cert KLU/tls.crt --key KLU/tls.key \
    "$url/v1/snapshots?since=0" > snap.json || fail "curl snapshots"
grep -q 'federal node (RU-FED) only' snap.json ||
    fail "a region was served another region's snapshots"
[ "$(db FED "SELECT count(*) FROM stats_queries WHERE who = 'researcher:alice'")" -ge 2 ] ||
    fail "the researcher's queries were not logged"
[ "$(db FED "SELECT count(*) FROM stats_queries WHERE who = 'researcher:alice' AND status = 400")" -ge 1 ] ||
    fail "the refused query was not logged"
[ "$(db FED "SELECT count(*) FROM stats_queries WHERE who = 'peer:RU-SMO' AND status = 403")" = 1 ] ||
    fail "the peer's refused request was not logged"
[ "$(db FED "SELECT count(*) FROM stats_queries WHERE who LIKE 'cli:%' AND status = 64")" -ge 2 ] ||
    fail "the CLI's refusals were not logged"

# Flows: five persons from Smolensk to Kaluga this year, both in the
# Central federal district.
ok "$OPORA" --dir FED stats flows --period "$year" --level region
cp "$T/out" flows.csv
check_cells flows.csv 5
[ "$(grep -c "^flows,$year," flows.csv)" = 6 ] ||
    fail "not every pair of regions listed: $(cat flows.csv)"
[ "$(grep -c ',,C$' flows.csv)" -ge 5 ] || fail "an empty flow was published"
grep -q "^flows,$year,RU-SMO,RU-KLU,\(,C\|[5-8],F\)\$" flows.csv ||
    fail "the five moves are not within the noise: $(cat flows.csv)"
# The district flow holds the same five persons: the same key, the same
# count, the same published value.
mk=$(sed -n "s/^flows,$year,RU-SMO,RU-KLU,//p" flows.csv)
ok "$OPORA" --dir FED stats flows --period "$year"
contains "^flows,$year,CFD,CFD,$mk\$" "$T/out"
ok "$OPORA" --dir FED stats coverage --period 2025
check_cells "$T/out" 5
grep -q '^counted,2025,RU-SMO,\(9\|1[0-5]\),F$' "$T/out" ||
    fail "Smolensk's 12 counted is not within the noise: $(cat "$T/out")"
contains '^registered,2025,RU-SA,,C$' "$T/out"
curl -sk --max-time 10 --cert alice.crt --key alice.key \
    "$furl/v1/stats/coverage?period=2025&format=csv" > cov.csv ||
    fail "curl coverage"
cmp -s cov.csv "$T/out" || fail "coverage over HTTPS differs from the CLI"
node_status FED --json
contains '"snapshot_regions":3' "$T/out"
node_status SMO
contains 'statistics last published: 20' "$T/out"

# The federal database holds no name, SNILS or dossier id.
stop FED
for f in FED/opora.db FED/opora.db-wal; do
	[ -f "$f" ] || continue
	for w in Смоленская Калужская Якутская Анна Петрова $(snils 3) \
	    $(cut -c1-13 smo.ids klu.ids sa.ids); do
		grep -qa -- "$w" "$f" && fail "$f holds \"$w\""
	done
done
stop SMO
stop KLU
stop SA
