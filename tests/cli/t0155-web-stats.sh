# Statistics for researchers in the browsers' API, on the federal node:
# an account of role researcher logs in to the pages and asks GET
# /api/stats/query, /flows and /releases -- the same functions as
# /v1/stats and 'opora stats query' (node/fedstats.h): the same cells,
# hidden ones (status C) without a count, the same CSV; questions outside
# the fixed dimensions refused; every request, answered or refused, in the
# statistics query log as asked by web:LOGIN, and audited.  Other roles
# but admins are refused.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-ui.sh"
p=$(port_base)
"$OPORA" --dir SMO init --region RU-SMO --url "https://127.0.0.1:$p" \
    --listen "127.0.0.1:$p" >/dev/null 2>&1 || fail "init SMO"
ui_node FED RU-FED "$((p + 2))"
"$OPORA_BIN" --dir FED --user boss config set listen "127.0.0.1:$((p + 2))" \
    >/dev/null 2>&1 || fail "listen FED"
# Releases by hand only: 'opora serve' would make the first one as soon as
# a snapshot is there, racing the "no release yet" case below.
"$OPORA_BIN" --dir FED --user boss config set stats_release_months 0 \
    >/dev/null 2>&1 || fail "stats_release_months FED"
ui_user FED reso researcher ""
"$OPORA" --dir SMO id > SMO.card
"$OPORA_BIN" --dir FED id > FED.card
ok "$OPORA" --dir SMO peer add FED.card
ok "$OPORA_BIN" --dir FED --user boss peer add SMO.card
i=0
while [ $i -lt 8 ]; do
	d=$("$OPORA" --dir SMO person add --surname "Смоленская$i" --name Анна \
	    --birth-date 2005-04-12 --sex F --force) || fail "person add"
	ok "$OPORA" --dir SMO consent add "$d" --scope statistics \
	    --date 2025-01-10 --document "Согласие"
	i=$((i + 1))
done
serve SMO
ok "$OPORA" --dir SMO stats publish --year 2025
ok "$OPORA_BIN" --dir FED --user boss sync --once
serve FED
until_true 10 curl -s --cacert "$UI_CA" "$UI/api/me" || fail "no listener"
login reso
login petrova
login chief

# Before a release: none.
api reso GET '/api/stats/query?indicator=counted&period=2025'
status 404
contains '"code":"no_release"' "$T/out"
ok "$OPORA_BIN" --dir FED --user boss stats release

api reso GET /api/stats/releases
status 200
contains '"releases":\[{"n":1,' "$T/out"

Q='indicator=counted&period=2025&by=region,sex,birth_band'
api reso GET "/api/stats/query?$Q"
status 200
contains '"indicator":"counted","period":"2025","release":1,"threshold":5' "$T/out"
contains '"region":"RU-SMO","sex":"F","birth_band":"2005-2009","count":[0-9]*,"status":"F"' "$T/out"
contains '"region":"RU-SMO","sex":"M","birth_band":"2005-2009","count":null,"status":"C"' "$T/out"
# The CSV is the CLI's.
python3 -c 'import json, sys
sys.stdout.write(json.load(open(sys.argv[1]))["csv"])' "$T/out" > web.csv
ok "$OPORA_BIN" --dir FED --user boss stats query --indicator counted \
    --period 2025 --by region,sex,birth_band --format csv
cmp -s web.csv "$T/out" || { diff web.csv "$T/out" >&2; fail "CSV differs"; }
grep -q '^counted,2025,RU-SMO,M,2005-2009,,C$' web.csv || fail "hidden cell"

api reso GET '/api/stats/flows?period=2025&level=region'
status 200
contains '"indicator":"flows"' "$T/out"

# Coverage: counted and registered by region, as 'stats coverage'.
api reso GET '/api/stats/coverage?period=2025'
status 200
cp "$T/out" cov.json
contains '"indicator":"counted","region":"RU-SMO","count":[0-9]*,"status":"F"' cov.json
contains '"indicator":"registered","region":"RU-SMO"' cov.json
api reso GET '/api/stats/coverage?period=20x5'
status 400

# Outside the fixed dimensions, or no such release.
api reso GET '/api/stats/query?indicator=counted&period=2025&by=surname'
status 400
grep -q surname "$T/out" && fail "echoed"
api reso GET '/api/stats/query?indicator=<b>&period=2025'
status 400
api reso GET '/api/stats/query?indicator=counted&period=2025-Q5'
status 400
api reso GET '/api/stats/query?indicator=counted&period=2025&release=9'
status 404
api reso GET '/api/stats/flows?period=2025&level=town'
status 400
api reso GET '/api/stats/nothing'
status 404

# Roles: a curator and a supervisor may not; an admin may (docs/privacy.md).
api petrova GET "/api/stats/query?$Q"
status 403
api chief GET /api/stats/releases
status 403
login boss "$UI_PW" "$(oathtool --totp -b "$(cat "$T/FED.totp")")"
api boss GET "/api/stats/query?$Q"
status 200

# The query log and the audit.
db FED "SELECT who || ' ' || status FROM stats_queries" > log
grep -q '^web:reso 200$' log || fail "answered query not logged: $(cat log)"
grep -q '^web:reso 400$' log || fail "refused query not logged"
grep -q '^web:petrova 403$' log || fail "refused role not logged"
login inspector
api inspector GET '/api/audit?user=reso'
contains '"action":"stats query","dossiers":"","reason":"","detail":"counted 2025 by region,sex,birth_band' "$T/out"
contains '"action":"stats flows"' "$T/out"
contains '"action":"stats coverage","dossiers":"","reason":"","detail":"coverage 2025' "$T/out"
stop SMO
stop FED
