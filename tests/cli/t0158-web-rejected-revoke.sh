# The rest of the admin's pages in the browsers' API: GET /api/rejected
# lists the changes refused on receipt as 'opora rejected list --json'
# does, each reason also in Russian; POST /api/peers/REGION/revoke-key
# revokes a peer's key from a time as 'opora peer revoke-key' does (the
# same checks), and a change it signed after that is then refused; GET
# /api/status has the anti-entropy and statistics parts of 'opora status
# --json', and its other problems ("attention").  Admins only; each audited.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-ui.sh"
p=$(port_base)
ui_node k RU-KLU "$((p + 5))"
ui_node n RU-SMO "$p"
"$OPORA_BIN" --dir n id > smo.card
"$OPORA_BIN" --dir k id > klu.card
ok "$OPORA_BIN" --dir n --user boss peer add klu.card
ok "$OPORA_BIN" --dir k --user boss peer add smo.card
kid=$(sed 's/.*"key_id":"\([0-9a-f]*\)".*/\1/' klu.card)
klu() { "$OPORA_BIN" --dir k --user chief "$@"; }
# Kaluga offers a graduate to Smolensk; a copy of the offer with a byte
# of its ops changed is refused on receipt (the signature).
D=$(klu person add --surname Тестова --name Анна --birth-date 2005-01-01 \
    --sex F) || fail "person add"
ok klu consent add "$D" --scope transfer --date 2024-05-01 --document "№ 3"
ok klu transfer offer "$D" --to RU-SMO --reason Переезд
ok "$OPORA_BIN" --dir k --user boss export --for RU-SMO
python3 - "$T/out" bad.json <<'PY' || fail "tamper"
import base64, json, sys
j = json.load(open(sys.argv[1]))
c = j["changes"][-1]
b = base64.b64decode(c["bytes"]).replace(b'"birth_year":"2005"',
    b'"birth_year":"2006"')
c["bytes"] = base64.b64encode(b).decode()
c.pop("id", None)
json.dump(j, open(sys.argv[2], "w"))
PY
refuses 65 '' "$OPORA_BIN" --dir n --user boss receive --from RU-KLU bad.json
serve n
until_true 10 curl -s --cacert "$UI_CA" "$UI/api/me" || fail "no listener"
login chief
login inspector
login boss "$UI_PW" "$(oathtool --totp -b "$(cat "$T/n.totp")")"

# Admins only.
api chief GET /api/rejected
status 403
api chief POST "/api/peers/RU-KLU/revoke-key" "{\"key_id\":\"$kid\",\"since\":\"2024-01-01\"}"
status 403
api boss GET /api/rejected
status 200
contains '"peer":"RU-KLU","via":"file","reason":"the signature does not verify","reason_ru":"подпись не сходится","at":"[0-9T:-]+Z","last":"[0-9T:-]+Z","count":1,"bytes_kept":true' "$T/out"
contains "\"dossier\":\"$D\"" "$T/out"
# The CLI lists the same.
"$OPORA_BIN" --dir n --user boss rejected list --json > "$T/cli" ||
    fail "rejected list"
contains "\"dossier\":\"$D\",\"peer\":\"RU-KLU\"" "$T/cli"

# Status: the anti-entropy and statistics parts.
api boss GET /api/status
status 200
contains '"refused":1' "$T/out"
contains '"anti_entropy_interval":[0-9]+,"stats":\{"federal":false,"federal_peer":false,"published_ms":[0-9]+,"interval_hours":[0-9]+,"late":false\}' "$T/out"
# And the rest of what 'opora status' lists as problems: one refusal in
# the last day, nothing lost, nothing corrupted.
contains '"attention":\{"lost_dossiers":0,"lost_changes":0,"accepted_without_history":0,"waiting":0,"refused_last_day":1,"corrupt":false,"read_ok":true\}' "$T/out"
# After a round with Kaluga: its result per peer.
serve k
until_true 10 curl -s --cacert k/tls.crt "https://127.0.0.1:$((p + 6))/api/me" ||
    fail "no Kaluga"
ok "$OPORA_BIN" --dir n --user boss sync --once
until_true 30 sh -c "'$OPORA_BIN' --dir n --user boss status --json |
    grep -q anti_entropy" || fail "no anti-entropy round"
api boss GET /api/status
status 200
contains '"region":"RU-KLU",.*"anti_entropy":\{"at_ms":[0-9]+,"ok":(true|false),"shared":[0-9]+,"differed":[0-9]+,"applied":[0-9]+,"unresolved":[0-9]+' "$T/out"

# Revoking: refused for a bad key id, a bad time, this node's own region,
# a key that is not the region's, a region that is no peer; then done.
api boss POST /api/peers/RU-KLU/revoke-key '{"key_id":"<script>","since":"2024-01-01"}'
status 400
grep -q '<script>' "$T/out" && fail "echoed"
api boss POST /api/peers/RU-KLU/revoke-key "{\"key_id\":\"$kid\",\"since\":\"yesterday\"}"
status 400
api boss POST /api/peers/RU-KLU/revoke-key "{\"key_id\":\"$kid\"}"
status 400
own=$(sed 's/.*"key_id":"\([0-9a-f]*\)".*/\1/' smo.card)
api boss POST /api/peers/RU-SMO/revoke-key "{\"key_id\":\"$own\",\"since\":\"2024-01-01\"}"
status 400
contains "own region" "$T/out"
api boss POST /api/peers/RU-KLU/revoke-key "{\"key_id\":\"$own\",\"since\":\"2024-01-01\"}"
status 404
api boss POST /api/peers/RU-TUL/revoke-key "{\"key_id\":\"$kid\",\"since\":\"2024-01-01\"}"
status 404
api boss POST /api/peers/RU-KLU/frobnicate '{}'
status 404
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sleep 1.1
api boss POST /api/peers/RU-KLU/revoke-key "{\"key_id\":\"$kid\",\"since\":\"$NOW\"}"
status 201
when=$(echo "$NOW" | sed 's/T/ /; s/Z$/ UTC/')
contains "^\\{\"region\":\"RU-KLU\",\"key_id\":\"$kid\",\"since\":\"$when\"\\}$" "$T/out"
# In force: a change Kaluga's key signs now is refused.
stop k
D2=$(klu person add --surname Вторая --name Анна --birth-date 2005-01-01 \
    --sex F) || fail "person add"
ok klu consent add "$D2" --scope transfer --date 2024-05-01 --document "№ 4"
ok klu transfer offer "$D2" --to RU-SMO --reason Переезд
ok "$OPORA_BIN" --dir k --user boss export --for RU-SMO
cp "$T/out" later.json
refuses 65 '' "$OPORA_BIN" --dir n --user boss receive --from RU-KLU later.json
api boss GET /api/rejected
status 200
contains "revoked since" "$T/out"
contains "отозванным с" "$T/out"

# The audit: the lists and the revocation with its region, key and time.
api inspector GET "/api/audit?user=boss"
status 200
contains '"action":"rejected list","dossiers":"' "$T/out"
contains "\"action\":\"peer revoke-key\",\"dossiers\":\"\",\"reason\":\"\",\"detail\":\"RU-KLU $kid $when\"" "$T/out"
stop n
