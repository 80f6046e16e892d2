# Peers in the browsers' API (the admin's page): GET /api/peers lists them
# with their state and keys; POST /api/peers adds one from its card with
# the checks of 'opora peer add' (the same function): a card of this
# node's own region, a damaged or forged card, and a region's new key that
# the key held does not announce are refused; POST
# /api/peers/REGION/remove removes one and its keys are no longer trusted.
# Admins only; each change audited with the region.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-ui.sh"
p=$(port_base)
ui_node n RU-SMO "$p"
"$OPORA_BIN" --dir k init --region RU-KLU --url "https://127.0.0.1:$((p + 3))" \
    >/dev/null 2>&1 || fail "init k"
"$OPORA_BIN" --dir k id > klu.card || fail "id k"
"$OPORA_BIN" --dir k2 init --region RU-KLU --url "https://127.0.0.1:$((p + 4))" \
    >/dev/null 2>&1 || fail "init k2"
"$OPORA_BIN" --dir k2 id > klu2.card || fail "id k2"
"$OPORA_BIN" --dir n id > own.card || fail "id n"
# The body {"card": TEXT} for the card in file $1.
body() {
	python3 -c 'import json, sys
print(json.dumps({"card": open(sys.argv[1]).read()}))' "$1"
}
serve n
until_true 10 curl -s --cacert "$UI_CA" "$UI/api/me" || fail "no listener"
login chief
login boss "$UI_PW" "$(oathtool --totp -b "$(cat "$T/n.totp")")"

api boss GET /api/peers
status 200
contains '"region":"RU-SMO","peers":\[\]' "$T/out"
# Admins only.
api chief GET /api/peers
status 403
api chief POST /api/peers "$(body klu.card)"
status 403
api chief POST /api/peers/RU-KLU/remove '{}'
status 403

# Refused as 'peer add' refuses.
api boss POST /api/peers "$(body own.card)"
status 400
contains "own region" "$T/out"
api boss POST /api/peers '{"card":"<script>alert(1)</script>"}'
status 400
contains '"code":"invalid"' "$T/out"
grep -q '<script>' "$T/out" && fail "the card was echoed"
sed 's/127\.0\.0\.1/127.0.0.2/' klu.card > forged.card
api boss POST /api/peers "$(body forged.card)"
status 400
contains 'the card is refused' "$T/out"
api boss POST /api/peers '{}'
status 400

# Added: listed with its key, and by the CLI.
api boss POST /api/peers "$(body klu.card)"
status 201
contains '"region":"RU-KLU"' "$T/out"
contains '"existed":false' "$T/out"
kid=$(json_get key_id)
[ ${#kid} -ge 16 ] || fail "no key id"
api boss GET /api/peers
status 200
contains "\"region\":\"RU-KLU\",\"url\":\"https://127.0.0.1:$((p + 3))\",\"ok\":false" "$T/out"
contains "\"key_id\":\"$kid\"" "$T/out"
"$OPORA_BIN" --dir n --user boss peer list > "$T/cli" || fail "peer list"
contains 'RU-KLU' "$T/cli"
# The same card again: an update, not an error.
api boss POST /api/peers "$(body klu.card)"
status 201
contains '"existed":true' "$T/out"
# Another key for RU-KLU that the key held does not announce.
api boss POST /api/peers "$(body klu2.card)"
status 409
contains 'not announced' "$T/out"
api boss GET /api/peers
contains "\"key_id\":\"$kid\"" "$T/out"

# Removed: no longer listed, its keys untrusted; a second time 404.
api boss POST /api/peers/RU-KLU/remove '{}'
status 201
api boss GET /api/peers
contains '"peers":\[\]' "$T/out"
api boss POST /api/peers/RU-KLU/remove '{}'
status 404
api boss POST /api/peers/..%2F/remove '{}'
status 404
"$OPORA_BIN" --dir n --user boss key list --json > "$T/cli" || fail "key list"
contains '"region":"RU-KLU","state":"untrusted"' "$T/cli"
# Then the new card is welcome.
api boss POST /api/peers "$(body klu2.card)"
status 201

# The audit.
login inspector
api inspector GET "/api/audit?user=boss"
status 200
contains '"action":"peer add","dossiers":"","reason":"","detail":"RU-KLU"' "$T/out"
contains '"action":"peer remove","dossiers":"","reason":"","detail":"RU-KLU"' "$T/out"
contains '"action":"peer list"' "$T/out"
stop n
