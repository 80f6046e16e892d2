# GET /v1/summary and /v1/summary/dossiers (docs/protocol.md section 9,
# "Anti-entropy"): a peer sees the digests of exactly the dossiers it and
# the server are both entitled to, computed as the spec says; pages end;
# a bad query is refused without echoing it; a stranger gets nothing.
. "$TOP/tests/cli/lib.sh"
three_nodes
# Two dossiers shared with Kaluga (handed over and back: lib.sh), one kept
# in Smolensk, one only offered to Kaluga (an offer alone is not shared:
# anti-entropy never sends its history).
for i in 1 2 3; do
	D=$("$OPORA" --dir SMO person add --surname Орлова$i --name Анна \
	    --birth-date 2003-0$i-05 --sex F) || fail "person add"
	eval "D$i=$D"
	ok "$OPORA" --dir SMO consent add "$D" --scope transfer \
	    --date 2024-01-01 --document "Заявление $i"
	[ $i = 3 ] || share SMO KLU "$D"
done
D4=$("$OPORA" --dir SMO person add --surname Орлова4 --name Анна \
    --birth-date 2003-04-05 --sex F) || fail "person add"
ok "$OPORA" --dir SMO consent add "$D4" --scope transfer --date 2024-01-01 \
    --document "Заявление 4"
ok "$OPORA" --dir SMO transfer offer "$D4" --to RU-KLU --reason "Переезд"
ok "$OPORA" --dir SMO event add "$D1" --date 2024-03-01 --type contact \
    --text "Встреча"
serve SMO
URL=$(sed -n 's/^url = //p' SMO/opora.conf)
as() {	# as REGION PATH: GET PATH from Smolensk with REGION's certificate
	curl -sk --max-time 10 --cert "$1/tls.crt" --key "$1/tls.key" \
	    -o body.json -w '%{http_code}' "$URL$2"
}
# digest DOSSIER: the spec's digest of a dossier as Smolensk holds it.
digest() {
	db SMO "SELECT id FROM changes WHERE dossier = '$1' ORDER BY id" |
	    tr -d '\n' | sha256sum | cut -c1-64
}
first=$(printf '%s\n%s\n' "$D1" "$D2" | sort | head -1)
second=$(printf '%s\n%s\n' "$D1" "$D2" | sort | tail -1)
root=$(printf '%s%s%s%s' "$first" "$(digest "$first")" "$second" \
    "$(digest "$second")" | sha256sum | cut -c1-64)

# odigest DOSSIER: the spec's digest of the offers between Smolensk and
# Kaluga of a dossier, as Smolensk holds them (one line per offer).
odigest() {
	db SMO "SELECT id || ' ' || state || ' ' ||
	    coalesce(nullif(substr(decided_by, 1, 64), ''), '-') FROM transfers
	    WHERE dossier = '$1' AND state <> 'void' AND ((\"from\" = 'RU-SMO'
	    AND \"to\" = 'RU-KLU') OR (\"from\" = 'RU-KLU'
	    AND \"to\" = 'RU-SMO')) ORDER BY id" | sha256sum | cut -c1-64
}
# The offers: D1 and D2 handed over and back (two each), D4 offered.
odossiers=$(printf '%s\n%s\n%s\n' "$D1" "$D2" "$D4" | sort)
oroot=$(for d in $odossiers; do printf '%s%s' "$d" "$(odigest "$d")"; done |
    sha256sum | cut -c1-64)

[ "$(as KLU /v1/summary)" = 200 ] || fail "summary for Kaluga"
contains "^\\{\"count\":2,\"digest\":\"$root\",\"offers\":3,\"offers_digest\":\"$oroot\"\\}$" body.json
# The offers page by page, the same as the dossiers.
ofirst=$(echo "$odossiers" | head -1)
[ "$(as KLU '/v1/summary/offers?limit=1')" = 200 ] || fail "offers page 1"
contains "^\\{\"dossiers\":\\[\\{\"changes\":[12],\"digest\":\"$(odigest "$ofirst")\",\"id\":\"$ofirst\"\\}\\],\"more\":true\\}$" body.json
[ "$(as KLU "/v1/summary/offers?after=$ofirst")" = 200 ] ||
    fail "offers page 2"
contains '"more":false}$' body.json
grep -q "$ofirst" body.json && fail "the offers page does not start after"
[ "$(as KLU "/v1/summary/offers?after=$D4&limit=0")" = 400 ] ||
    fail "a bad offers page was answered"
# Sakha shares nothing with Smolensk: the digest of nothing.
[ "$(as SA /v1/summary)" = 200 ] || fail "summary for Sakha"
contains '^\{"count":0,"digest":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"\}$' body.json

# Pages: one dossier at a time, in id order, then the end.
[ "$(as KLU '/v1/summary/dossiers?limit=1')" = 200 ] || fail "page 1"
n1=$(db SMO "SELECT count(*) FROM changes WHERE dossier = '$first'")
contains "^\\{\"dossiers\":\\[\\{\"changes\":$n1,\"digest\":\"$(digest "$first")\",\"id\":\"$first\"\\}\\],\"more\":true\\}$" body.json
[ "$(as KLU "/v1/summary/dossiers?limit=1&after=$first")" = 200 ] ||
    fail "page 2"
contains "\"id\":\"$second\"\\}\\],\"more\":false\\}$" body.json
[ "$(as KLU "/v1/summary/dossiers?after=$second")" = 200 ] || fail "page 3"
contains '^\{"dossiers":\[\],"more":false\}$' body.json
[ "$(as KLU /v1/summary/dossiers)" = 200 ] || fail "all in one page"
grep -q "$D3" body.json && fail "a dossier Kaluga is not entitled to is listed"
contains "\"id\":\"$first\".*\"id\":\"$second\"" body.json

# Refused queries, never echoed.
for q in '/v1/summary?after=x' '/v1/summary/dossiers?limit=0' \
    '/v1/summary/dossiers?limit=5001' '/v1/summary/dossiers?limit=1e3' \
    '/v1/summary/dossiers?after=%3Cscript%3E' \
    "/v1/summary/dossiers?after=$first&after=$second" \
    '/v1/summary/dossiers?since=1'; do
	[ "$(as KLU "$q")" = 400 ] || fail "not refused: $q"
	contains '"bad_request"' body.json
	grep -q 'script' body.json && fail "the query was echoed: $q"
done
code=$(curl -sk --max-time 10 -o body.json -w '%{http_code}' "$URL/v1/summary")
[ "$code" = 403 ] || fail "a stranger got $code"
if grep -q digest body.json; then fail "a stranger got a summary"; fi
