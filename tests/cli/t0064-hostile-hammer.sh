# Issue 10, class 6 (backoff), through the real puller against the hostile
# harness: a peer that answers an empty page saying more is to come, for
# ever, and then one that answers the same page of refused (validly signed,
# unauthorised) changes with more:true, for ever, gets a few requests in
# 6 s, not hundreds; the refusals are recorded once each; status shows the
# backoff.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-hostile.sh"
hostile_setup
S="$T/script"

# 1. An empty page with more:true, for ever.
echo '{"changes":[],"more":true,"next":0}' > "$S/feed-0.json"
hostile_start
serve SMO
# Until status shows the backoff (a few seconds; more on a loaded machine):
# however long that takes, the backoff bounds the requests.
backing() {
	"$OPORA" --dir SMO status > "$T/status1" 2>&1
	grep -qE 'not asked again for [0-9]+ s' "$T/status1"
}
sleep 4
until_true 20 backing || true
stop SMO
n=$(requests 'GET /v1/feed')
echo "empty pages with more: $n requests until the backoff showed" >&2
[ "$n" -ge 2 ] && [ "$n" -le 8 ] || fail "$n requests for an empty page"
contains 'RU-KLU' "$T/status1"
contains 'not asked again for [0-9]+ s' "$T/status1"

# 2. A page of changes to Smolensk's dossier by Kaluga (not its custodian),
# more:true, next 0, for ever.  A fresh victim, so no backoff carries over.
rm -rf SMO
"$OPORA" --dir SMO init --region RU-SMO --url "$VURL" \
    --listen "127.0.0.1:$VPORT" 2>/dev/null || fail "init SMO again"
ok "$OPORA" --dir SMO peer add KLU.card
D=$("$OPORA" --dir SMO person add --surname Иванова --name Анна \
    --birth-date 2005-04-12 --sex F) || fail "person add"
ROOT=$(db SMO "SELECT id FROM changes WHERE dossier = '$D'")
{
	change "$D" "[\"$ROOT\"]" \
	    '[{"field":"surname","op":"person.set","value":"Захватова"}]'
	echo
	change "$D" "[\"$ROOT\"]" \
	    '[{"date":"2024-08-01","op":"event.add","text":"Подлог","type":"crisis"}]'
	echo
} | "$FORGE" KLU/signing.key | sed 's/"more":false,"next":2/"more":true,"next":0/' \
    > "$S/feed-0.json" || fail "forge"
grep -q '"more":true,"next":0' "$S/feed-0.json" || fail "the page is not a loop"
: > "$T/hostile.log"
serve SMO
sleep 6
"$OPORA" --dir SMO status > "$T/status2" 2>&1
stop SMO
hostile_stop
n=$(requests 'GET /v1/feed')
echo "refused pages with more: $n requests in 6 s" >&2
[ "$n" -ge 2 ] && [ "$n" -le 8 ] || fail "$n requests for a refused page"
contains 'not asked again for [0-9]+ s: nothing applied' "$T/status2"
# STORES nothing of it; RECORDS each refused change once.
[ "$(db SMO "SELECT count(*) FROM changes WHERE dossier = '$D'")" = 1 ] ||
    fail "a refused change was stored"
[ "$(db SMO "SELECT surname FROM persons WHERE dossier = '$D'")" = Иванова ] ||
    fail "the card changed"
[ "$(db SMO "SELECT count(*) FROM rejected WHERE peer = 'RU-KLU'")" = 2 ] ||
    fail "the same refused changes made several records"
ok "$OPORA" --dir SMO rejected list
contains "RU-KLU .*$D: this dossier is in the custody of RU-SMO" "$T/out"
