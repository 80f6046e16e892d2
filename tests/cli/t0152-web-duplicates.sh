# Possible duplicates in the browsers' API (the supervisor's page): GET
# /api/duplicates lists the pairs 'opora duplicates' lists, with both
# cards; "not the same person" (POST /api/duplicates/dismiss) and "link"
# (POST /api/duplicates/link) each take the pair out of the list, as the
# CLI's 'duplicates dismiss' and 'link' do; a reason is required; a
# curator may do none of it; every step is audited with the ids.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-ui.sh"
p=$(port_base)
ui_node n RU-SMO "$p"
serve n
until_true 10 curl -s --cacert "$UI_CA" "$UI/api/me" || fail "no listener"
login petrova
login chief
login inspector
add() {
	api chief POST /api/persons "{\"surname\":\"$1\",\"name\":\"$2\",\"birth-date\":\"$3\",\"sex\":\"F\",\"force\":true$4}"
	status 201
	eval "$5=\$(json_get dossier)"
}
add Иванова Анна 2005-04-12 "" A
add ИВАНОВА анна 2005-04-12 ',"snils":"112-233-445 95"' B
add Петрова Мария 2004-01-01 ',"snils":"112-233-445 95"' C
add Сидорова Ольга 2003-03-03 "" X
first() { printf '%s\n%s\n' "$1" "$2" | sort | head -1; }
last() { printf '%s\n%s\n' "$1" "$2" | sort | tail -1; }

# Only a supervisor.
api petrova GET /api/duplicates
status 403
api inspector GET /api/duplicates
status 403
api chief GET /api/duplicates
status 200
contains "$(printf '"dossier":"%s","other":"%s","same_snils":false,"same_name":true' \
    "$(first "$A" "$B")" "$(last "$A" "$B")")" "$T/out"
contains "$(printf '"dossier":"%s","other":"%s","same_snils":true,"same_name":false' \
    "$(first "$B" "$C")" "$(last "$B" "$C")")" "$T/out"
contains '"surname":"Петрова","name":"Мария"' "$T/out"
contains '"snils":"11223344595"' "$T/out"
[ "$(grep -o '"same_snils"' "$T/out" | wc -l)" = 2 ] || fail "two pairs"
grep -q "$X" "$T/out" && fail "a dossier without a twin is listed"
contains '"more":false' "$T/out"
# The CLI lists the same pairs.
"$OPORA_BIN" --dir n --user chief duplicates --json > "$T/cli" || fail "duplicates"
[ "$(grep -o '"other"' "$T/cli" | wc -l)" = 2 ] || fail "CLI: two pairs"

# Refused: a curator, no reason, the same dossier twice, a bad id, one
# unknown, another origin.
api petrova POST /api/duplicates/dismiss "{\"dossier\":\"$B\",\"other\":\"$C\",\"reason\":\"разные\"}"
status 403
api chief POST /api/duplicates/dismiss "{\"dossier\":\"$B\",\"other\":\"$C\"}"
status 400
contains 'reason is required' "$T/out"
api chief POST /api/duplicates/dismiss "{\"dossier\":\"$B\",\"other\":\"$B\",\"reason\":\"разные\"}"
status 400
contains 'same dossier' "$T/out"
api chief POST /api/duplicates/dismiss "{\"dossier\":\"$B\",\"other\":\"<script>\",\"reason\":\"разные\"}"
status 400
grep -q '<script>' "$T/out" && fail "echoed"
api chief POST /api/duplicates/link "{\"dossier\":\"$B\",\"other\":\"00000000-0000-4000-8000-000000000000\",\"reason\":\"один\"}"
status 404
ORIGIN=https://evil.example api chief POST /api/duplicates/dismiss "{\"dossier\":\"$B\",\"other\":\"$C\",\"reason\":\"разные\"}"
status 403
contains '"code":"origin"' "$T/out"

# Not the same person: the pair is no longer suggested, the other is.
api chief POST /api/duplicates/dismiss "{\"dossier\":\"$C\",\"other\":\"$B\",\"reason\":\"мать и дочь <b>\"}"
status 201
contains "$(printf '"pair":\["%s","%s"\]' "$(first "$B" "$C")" "$(last "$B" "$C")")" "$T/out"
api chief GET /api/duplicates
status 200
[ "$(grep -o '"same_snils"' "$T/out" | wc -l)" = 1 ] || fail "dismissed pair still listed"
contains "$(first "$A" "$B")\",\"other\":\"$(last "$A" "$B")" "$T/out"
"$OPORA_BIN" --dir n --user chief duplicates dismissed --json > "$T/cli" || fail "dismissed"
contains '"by":"chief","reason":"мать и дочь <b>"' "$T/cli"

# The same person: linked (both halves: this region holds both), no longer
# suggested, and 'show' gives one timeline.
api chief POST /api/duplicates/link "{\"dossier\":\"$A\",\"other\":\"$B\",\"reason\":\"одна и та же\"}"
status 201
[ "$(grep -o '"[0-9a-f]\{64\}"' "$T/out" | wc -l)" = 2 ] || fail "two halves expected"
contains '"waiting_for":\[\]' "$T/out"
api chief GET /api/duplicates
status 200
contains '"pairs":\[\]' "$T/out"
api chief POST /api/duplicates/link "{\"dossier\":\"$B\",\"other\":\"$A\",\"reason\":\"ещё раз\"}"
status 409
contains 'already linked' "$T/out"
api chief GET "/api/dossiers/$A"
status 200
contains "\"linked\":\[\"$B\"\]" "$T/out"

# The audit: the list with its ids, the statement and the link.
api inspector GET "/api/audit?user=chief"
status 200
contains '"action":"duplicates","dossiers":"' "$T/out"
contains "$(printf '"action":"duplicates dismiss","dossiers":"%s %s"' \
    "$(first "$B" "$C")" "$(last "$B" "$C")")" "$T/out"
contains '"action":"link"' "$T/out"
grep -q 'мать и дочь' "$T/out" && fail "the reason is in the audit"
stop n
