# TLS keys rotate in two steps: the card announces the next pin, a peer
# pins both (as client and as server), the node switches, and syncing goes
# on; a peer that never took the card in refuses the new certificate.
. "$TOP/tests/cli/lib.sh"
three_nodes
serve SMO
serve KLU
serve SA
KLU_URL=$(sed -n 's/^url = //p' KLU/opora.conf)
SA_URL=$(sed -n 's/^url = //p' SA/opora.conf)

D=$("$OPORA" --dir SMO person add --surname Орлов --name Иван \
    --birth-date 2004-09-10 --sex M) || fail "person add"
share SMO KLU "$D"	# KLU follows SMO's writes to D (lib.sh)
ok "$OPORA" --dir SMO transfer offer "$D" --to RU-KLU --reason "Переезд"
TR=$(cat "$T/out")
until_true 10 sh -c "'$OPORA' --dir KLU show '$D' | grep -q Орлов" ||
    fail "the dossier did not reach Kaluga"
OLDPIN=$(sed 's/.*"tls_pin":"\([^"]*\)".*/\1/' SMO.card)

# Step 1: the next TLS key, announced in the card.
ok "$OPORA" --dir SMO key rotate --tls
NEXT=$(cat "$T/out")
contains 'next TLS key made' "$T/err"
[ -f SMO/tls.next.crt ] || fail "no tls.next.crt"
"$OPORA" --dir SMO id > SMO2.card || fail "id"
grep -qF "\"tls_pin\":\"$OLDPIN\"" SMO2.card || fail "the current pin changed"
grep -qF "\"tls_pin_next\":\"$NEXT\"" SMO2.card || fail "no tls_pin_next"
ok "$OPORA" --dir KLU peer add SMO2.card
contains 'TLS: its next key is pinned too' "$T/err"
ok "$OPORA" --dir KLU peer list --json
grep -qF "\"tls_pin_next\":\"$NEXT\"" "$T/out" || fail "Kaluga did not pin the next key"

# Before the switch, the next key already opens Kaluga's server (a client
# certificate matching either pin), not Sakha's (which has the old card).
code=$(curl -sk --cert SMO/tls.next.crt --key SMO/tls.next.key \
    -o body.json -w '%{http_code}' "$KLU_URL/v1/feed?since=0&limit=1")
[ "$code" = 200 ] || fail "Kaluga refused the next TLS key: HTTP $code"
curl -sk --cert SMO/tls.next.crt --key SMO/tls.next.key \
    "$SA_URL/v1/health" >/dev/null 2>&1 &&
    fail "Sakha accepted a key no card of its peers pins"

# Step 2: the switch; the server restarts with the new key.
ok "$OPORA" --dir SMO key rotate --tls
contains 'TLS key switched' "$T/err"
[ -f SMO/tls.next.crt ] && fail "tls.next.crt is still there"
stop SMO
serve SMO
# Kaluga pulls from Smolensk's new server key...
ok "$OPORA" --dir SMO event add "$D" --date 2024-08-01 --type contact \
    --text "После смены TLS"
until_true 15 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'После смены TLS'" ||
    fail "Kaluga did not pull from the new TLS key"
# ...and Smolensk pulls from Kaluga with its new client certificate.
ok "$OPORA" --dir KLU transfer accept "$TR"
until_true 15 sh -c "'$OPORA' --dir SMO show '$D' | grep -q 'custodian RU-KLU'" ||
    fail "Smolensk could not pull from Kaluga with its new TLS key"

# The card without the next pin: Kaluga now pins the new key alone.
"$OPORA" --dir SMO id > SMO3.card || fail "id"
grep -q tls_pin_next SMO3.card && fail "the card still announces a next pin"
grep -qF "\"tls_pin\":\"$NEXT\"" SMO3.card || fail "the card's pin is not the new key"
ok "$OPORA" --dir KLU peer add SMO3.card
ok "$OPORA" --dir KLU peer list --json
grep -q tls_pin_next "$T/out" && fail "Kaluga still pins a next key"
ok "$OPORA" --dir KLU event add "$D" --date 2024-09-01 --type contact \
    --text "Калуга после смены"
until_true 15 sh -c "'$OPORA' --dir SMO show '$D' | grep -q 'Калуга после смены'" ||
    fail "Smolensk stopped pulling from Kaluga"
stop SMO
stop KLU
stop SA
