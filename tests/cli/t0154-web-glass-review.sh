# The break-the-glass review in the browsers' API (the supervisor's page):
# GET /api/glass lists who opened another centre's dossier with a reason —
# in the pages (POST /api/dossiers/ID/glass) or with the CLI's --reason —
# when, which dossier (with its name) and why, newest first, from a date
# on; supervisors only; the review itself is audited.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-ui.sh"
p=$(port_base)
ui_node n RU-SMO "$p"
serve n
until_true 10 curl -s --cacert "$UI_CA" "$UI/api/me" || fail "no listener"
login petrova
login sidorov
login chief
login inspector
api petrova POST /api/persons '{"surname":"Орлова","name":"Вера","birth-date":"2005-05-05","sex":"F"}'
status 201
D=$(json_get dossier)

api chief GET /api/glass
status 200
contains '"entries":\[\],"more":false' "$T/out"

# Sidorov opens it with a reason in the pages, then with the CLI.
api sidorov GET "/api/dossiers/$D"
status 403
api sidorov POST "/api/dossiers/$D/glass" '{"reason":"Замещаю Петрову <b>"}'
status 200
"$OPORA_BIN" --dir n --user sidorov --reason "Звонок из полиции" show "$D" \
    >/dev/null || fail "show --reason"

# Supervisors only.
for who in petrova sidorov inspector; do
	api "$who" GET /api/glass
	status 403
done
api chief GET /api/glass?since=05.05.2024
status 400
api chief GET /api/glass?since=2999-01-01
status 200
contains '"entries":\[\]' "$T/out"

api chief GET "/api/glass?since=$(date -u +%Y-%m-%d)"
status 200
# Newest first: the CLI's read, then the grant in the pages.
tr '{' '\n' < "$T/out" | grep '"login"' > "$T/rows"
[ "$(wc -l < "$T/rows")" = 2 ] || fail "two entries expected"
head -1 "$T/rows" | grep -q "\"login\":\"sidorov\",\"role\":\"curator\",\"addr\":\"cli\".*\"dossier\":\"$D\",\"reason\":\"Звонок из полиции\",\"surname\":\"Орлова\",\"name\":\"Вера\"" ||
    fail "the CLI's read with a reason"
tail -1 "$T/rows" | grep -q "\"login\":\"sidorov\",\"role\":\"curator\",\"addr\":\"127.0.0.1\",\"os_user\":\"\",\"action\":\"break-the-glass\",\"dossier\":\"$D\",\"reason\":\"Замещаю Петрову <b>\"" ||
    fail "the grant in the pages"

# The review is audited with the dossier.
api inspector GET "/api/audit?user=chief"
status 200
contains "\"action\":\"glass review\",\"dossiers\":\"$D\"" "$T/out"
stop n
