# The rest of the supervisor's duplicates page in the browsers' API: GET
# /api/duplicates/linked lists the links in force with both cards, POST
# /api/duplicates/unlink undoes a wrong one as 'opora unlink' does (a
# reason required; the pair is suggested again), and GET
# /api/duplicates/dismissed lists the pairs said to be two people as
# 'opora duplicates dismissed' does.  Supervisors only; every list and the
# unlink audited with the ids, never the reasons.
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
add Иванова Анна 2005-04-12 "" B
add Петрова Мария 2004-01-01 ',"snils":"112-233-445 95"' C
add Петрова Мария 2004-01-01 ',"snils":"112-233-445 95"' D
first() { printf '%s\n%s\n' "$1" "$2" | sort | head -1; }
last() { printf '%s\n%s\n' "$1" "$2" | sort | tail -1; }
AB="\"dossier\":\"$(first "$A" "$B")\",\"other\":\"$(last "$A" "$B")\""
CD="\"dossier\":\"$(first "$C" "$D")\",\"other\":\"$(last "$C" "$D")\""

# Nothing linked or dismissed yet.
api chief GET /api/duplicates/linked
status 200
contains '^\{"pairs":\[\],"more":false\}$' "$T/out"
api chief GET /api/duplicates/dismissed
status 200
contains '^\{"pairs":\[\],"more":false\}$' "$T/out"
# Supervisors only.
for who in petrova inspector; do
	api $who GET /api/duplicates/linked
	status 403
	api $who GET /api/duplicates/dismissed
	status 403
done
api petrova POST /api/duplicates/unlink "{\"dossier\":\"$A\",\"other\":\"$B\",\"reason\":\"ошибка\"}"
status 403

# Linked, then listed with both cards and the link's reason.
api chief POST /api/duplicates/link "{\"dossier\":\"$A\",\"other\":\"$B\",\"reason\":\"одна и та же <b>\"}"
status 201
api chief POST /api/duplicates/dismiss "{\"dossier\":\"$D\",\"other\":\"$C\",\"reason\":\"сёстры <i>\"}"
status 201
api chief GET /api/duplicates/linked
status 200
contains "$AB,\"by\":\"RU-SMO/chief\",\"reason\":\"одна и та же <b>\",\"hlc\":\"[0-9a-f]{16}\",\"in_force\":true,\"people\":\[\{\"dossier\":\"$(first "$A" "$B")\",\"surname\":\"Иванова\"" "$T/out"
[ "$(grep -o '"in_force"' "$T/out" | wc -l)" = 1 ] || fail "one link"
api chief GET /api/duplicates/dismissed
status 200
contains "$CD,\"by\":\"chief\",\"reason\":\"сёстры <i>\",\"at\":[0-9]*,\"people\":\[\{\"dossier\":\"$(first "$C" "$D")\",\"surname\":\"Петрова\"" "$T/out"
# The same pairs as the CLI's.
"$OPORA_BIN" --dir n --user chief duplicates dismissed --json > "$T/cli" ||
    fail "duplicates dismissed"
contains "$CD,\"by\":\"chief\"" "$T/cli"

# Unlink: refused without a reason, for a pair not linked, for the same
# dossier twice, for an unknown one; then done, as 'opora unlink'.
api chief POST /api/duplicates/unlink "{\"dossier\":\"$A\",\"other\":\"$B\"}"
status 400
contains 'reason is required' "$T/out"
api chief POST /api/duplicates/unlink "{\"dossier\":\"$C\",\"other\":\"$D\",\"reason\":\"ошибка\"}"
status 409
contains 'not linked' "$T/out"
api chief POST /api/duplicates/unlink "{\"dossier\":\"$A\",\"other\":\"$A\",\"reason\":\"ошибка\"}"
status 400
api chief POST /api/duplicates/unlink "{\"dossier\":\"$A\",\"other\":\"00000000-0000-4000-8000-000000000000\",\"reason\":\"ошибка\"}"
status 404
ORIGIN=https://evil.example api chief POST /api/duplicates/unlink "{\"dossier\":\"$A\",\"other\":\"$B\",\"reason\":\"ошибка\"}"
status 403
api chief POST /api/duplicates/unlink "{\"dossier\":\"$B\",\"other\":\"$A\",\"reason\":\"разные отчества\"}"
status 201
[ "$(grep -o '"[0-9a-f]\{64\}"' "$T/out" | wc -l)" = 2 ] || fail "two halves undone"
api chief GET /api/duplicates/linked
status 200
contains '"pairs":\[\]' "$T/out"
api chief POST /api/duplicates/unlink "{\"dossier\":\"$A\",\"other\":\"$B\",\"reason\":\"ещё раз\"}"
status 409
# Suggested again, and the dossier names no link.
api chief GET /api/duplicates
status 200
contains "$AB" "$T/out"
api chief GET "/api/dossiers/$A"
status 200
grep -q "\"linked\":\[\"$B\"\]" "$T/out" && fail "still linked"

# Undismiss: a statement made by mistake withdrawn, as 'opora duplicates
# undismiss'; supervisors only; then the pair is suggested again, and a
# second withdrawal finds nothing to withdraw.
api petrova POST /api/duplicates/undismiss "{\"dossier\":\"$C\",\"other\":\"$D\"}"
status 403
api chief POST /api/duplicates/undismiss "{\"dossier\":\"$C\",\"other\":\"$C\"}"
status 400
api chief POST /api/duplicates/undismiss "{\"dossier\":\"$C\",\"other\":\"$D\"}"
status 200
contains "\"pair\":\[\"$(first "$C" "$D")\",\"$(last "$C" "$D")\"\]" "$T/out"
api chief GET /api/duplicates/dismissed
status 200
contains '^\{"pairs":\[\],"more":false\}$' "$T/out"
api chief POST /api/duplicates/undismiss "{\"dossier\":\"$D\",\"other\":\"$C\"}"
status 404
contains '"code":"not_dismissed"' "$T/out"

# The audit: the lists with their ids and the unlink; no reason.
api inspector GET "/api/audit?user=chief"
status 200
contains "\"action\":\"links\",\"dossiers\":\"$(first "$A" "$B") $(last "$A" "$B")\"" "$T/out"
contains "\"action\":\"duplicates dismissed\",\"dossiers\":\"$(first "$C" "$D") $(last "$C" "$D")\"" "$T/out"
contains '"action":"unlink"' "$T/out"
contains "\"action\":\"duplicates undismiss\",\"dossiers\":\"$(first "$C" "$D") $(last "$C" "$D")\"" "$T/out"
grep -q 'разные отчества\|сёстры' "$T/out" && fail "a reason is in the audit"
stop n
