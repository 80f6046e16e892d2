# Issue 10, class 1, through the real protocol: a hostile Kaluga offers
# Smolensk a dossier of its own, P (a real offer, which Smolensk accepts),
# and writes in P a link to Smolensk's dossier D, which Kaluga never held.
# The link is one half only: Smolensk stores it, but it joins nothing, so
# Smolensk never serves D to Kaluga -- not on request, not in its feed,
# not after taking P in custody.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-hostile.sh"
hostile_setup

D=$("$OPORA" --dir SMO person add --surname Иванова --name Анна \
    --birth-date 2005-04-12 --sex F) || fail "person add"
ok "$OPORA" --dir SMO event add "$D" --date 2024-08-01 --type crisis \
    --text "Кризис"
# Kaluga's own dossier, offered to Smolensk with its node's own commands.
P=$("$OPORA" --dir KLU person add --surname Петров --name Олег \
    --birth-date 2004-01-02 --sex M) || fail "person add at Kaluga"
ok "$OPORA" --dir KLU consent add "$P" --scope transfer --date 2024-07-01 \
    --document "Заявление № 5"
ok "$OPORA" --dir KLU transfer offer "$P" --to RU-SMO --reason "Переезд"
OFFER=$(cat "$T/out")
HEAD=$(db KLU "SELECT id FROM changes WHERE dossier = '$P' ORDER BY seq DESC LIMIT 1")
sleep 0.01
LINK=$(change "$P" "[\"$HEAD\"]" \
    "[{\"op\":\"person.link\",\"other\":\"$D\",\"reason\":\"Тот же человек\"}]")
{
	db KLU "SELECT bytes FROM changes WHERE dossier = '$P' ORDER BY seq"
	echo "$LINK"
} | "$FORGE" KLU/signing.key > "$T/script/feed-0.json" || fail "forge"
cp "$T/script/feed-0.json" "$T/script/dossier-$P.json"
# Smolensk has the offer alone (as Kaluga's node serves it) and accepts:
# the history, with the link, comes after (issue 13).
"$OPORA" --dir KLU export --for RU-SMO > offer.json || fail "export"
ok "$OPORA" --dir SMO receive --from RU-KLU offer.json
ok "$OPORA" --dir SMO transfer accept "$OFFER"

hostile_start
serve SMO
until_true 15 sh -c "[ \$(sqlite3 SMO/opora.db \"SELECT count(*) FROM changes WHERE dossier = '$P'\") = 5 ]" ||
    { cat "$T/SMO.log"; fail "the offer of P with its link did not arrive"; }
# STORES: P with Kaluga's half link; D's links: none.
[ "$(db SMO "SELECT count(*) FROM links WHERE dossier = '$P' AND other = '$D'")" = 1 ] ||
    fail "Kaluga's half of the link is not there"
[ "$(db SMO "SELECT count(*) FROM links WHERE dossier = '$D'")" = 0 ] ||
    fail "D gained a link that its custodian did not write"

# SERVES: asked with Kaluga's certificate, Smolensk does not serve D.
served() {
	code=$(curl -sk --max-time 5 --cert KLU/tls.crt --key KLU/tls.key \
	    -o "$T/body.json" -w '%{http_code}' "$VURL$1")
	echo "$code"
}
[ "$(served "/v1/dossiers/$D/changes")" = 404 ] ||
    fail "D was served to Kaluga on request"
[ "$(served "/v1/dossiers/$P/changes")" = 200 ] ||
    fail "P itself was not served to its custodian"
[ "$(served '/v1/feed?since=0&limit=5000')" = 200 ] || fail "feed"
served_dossiers "$T/body.json" > "$T/feed.dossiers"
grep -q "$P" "$T/feed.dossiers" || fail "Smolensk's feed lacks P"
if grep -q "$D" "$T/feed.dossiers"; then
	fail "Smolensk's feed carries D to Kaluga"
fi

# Smolensk holds P in custody: Kaluga is a former custodian of P, and
# still nothing of D reaches it (the link is still one half).
ok "$OPORA" --dir SMO event add "$D" --date 2024-09-01 --type contact \
    --text "После приёма"
[ "$(served "/v1/dossiers/$D/changes")" = 404 ] ||
    fail "D was served to Kaluga after the accept"
[ "$(served '/v1/feed?since=0&limit=5000')" = 200 ] || fail "feed"
served_dossiers "$T/body.json" > "$T/feed.dossiers"
[ "$(grep -c "$P" "$T/feed.dossiers")" = 5 ] ||
    fail "the accept of P is not in Smolensk's feed for Kaluga"
if grep -q "$D" "$T/feed.dossiers"; then
	fail "Smolensk's feed carries D to Kaluga after the accept"
fi
# The victim asked the hostile peer for nothing of D either.
[ "$(requests "/v1/dossiers/$D")" = 0 ] ||
    fail "Smolensk asked Kaluga for D"
stop SMO
hostile_stop
ok "$OPORA" --dir SMO verify
ok "$OPORA" --dir SMO show "$P"
