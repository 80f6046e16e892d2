# The role matrix of docs/privacy.md over the browsers' API: a curator
# registers, records and finds their centre's graduates; another centre's
# curator neither finds nor opens them until they give a reason (break the
# glass), which the audit keeps; a supervisor reads every dossier; an
# admin and an auditor see no dossier content; every read and write is
# audited, the writes in their change's transaction.
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
login boss "$UI_PW" "$(oathtool --totp -b "$(cat "$T/n.totp")")"

# A curator registers a graduate: the CLI's person add, with its checks.
api petrova POST /api/persons '{"surname":"Иванова","name":"Анна","patronymic":"Сергеевна","birth-date":"2005-04-12","sex":"ж","snils":"112-233-445 95"}'
status 201
D=$(json_get dossier)
[ ${#D} = 36 ] || fail "no dossier id"
api petrova POST /api/persons '{"surname":"Иванова","name":"Анна","birth-date":"2005-04-12","sex":"F"}'
status 409
contains '"code":"duplicate"' "$T/out"
contains "\"dossiers\":\[\"$D\"\]" "$T/out"
api petrova POST /api/persons '{"surname":"Петров","name":"Пётр","birth-date":"2099-01-01","sex":"M"}'
status 400
contains '"code":"invalid"' "$T/out"
# The CLI's reason without the value it quotes: nothing sent is echoed
# (the value came back, cut in the middle of a character).
api petrova POST /api/persons '{"surname":"Петров","name":"Пётр","birth-date":"\u202e<svg onload=x>ЖЖЖЖЖЖЖЖЖ","sex":"M"}'
status 400
contains '"code":"invalid"' "$T/out"
grep -q 'svg' "$T/out" && fail "the answer echoes what was sent"
contains 'birth_date: \\"…\\" is not a real date' "$T/out"
api petrova POST /api/persons '{"surname":"Петров","sex":"M"}'
status 400
contains '--name is required' "$T/out"
# Writes: every record command, as the CLI names its flags.
api petrova POST "/api/dossiers/$D/event/add" '{"date":"2024-01-10","type":"contact","text":"Встреча <b>в центре</b>"}'
status 201
E=$(json_get change)
contains "\"entry\":\"$E/0\"" "$T/out"
api petrova POST "/api/dossiers/$D/event/amend" "{\"entry\":\"$E/0\",\"text\":\"Встреча в центре\"}"
status 201
api petrova POST "/api/dossiers/$D/event/amend" '{"entry":"nothing","text":"x"}'
status 404
contains '"code":"no_entry"' "$T/out"
api petrova POST "/api/dossiers/$D/person/set" '{"phone":"+7 900 000-00-00"}'
status 201
api petrova POST "/api/dossiers/$D/episode/open" '{"centre":"Смоленский центр","curator":"petrova","date":"2024-01-09"}'
status 201
api petrova POST "/api/dossiers/$D/assessment/add" '{"date":"2024-02-01","housing":"own"}'
status 201
api petrova POST "/api/dossiers/$D/consent/add" '{"scope":"transfer","date":"2024-01-09","document":"№ 12"}'
status 201
api petrova POST "/api/dossiers/$D/event/fly" '{}'
status 404
api petrova POST "/api/dossiers/$D/event/add" '{"date":"2024-01-10","type":"contact","text":["x"]}'
status 400
# The CLI sees what the API wrote, signed by the account.
ok "$OPORA_BIN" --dir n --user chief log "$D"
contains ' RU-SMO petrova' "$T/out"
ok "$OPORA_BIN" --dir n --user chief show "$D"
contains 'Встреча в центре' "$T/out"

# Search: partial, any case, ё/е; the owner finds, another centre does not.
api petrova GET "/api/search?surname=%D0%B8%D0%B2%D0%B0%D0%BD"
status 200
contains "\"dossier\":\"$D\"" "$T/out"
api petrova GET "/api/search?name=%D0%B0%D0%BD&patronymic=%D1%81%D0%B5%D1%80"
status 200
contains "\"dossier\":\"$D\"" "$T/out"
api petrova GET "/api/search?snils=11223344595"
status 200
contains "\"dossier\":\"$D\"" "$T/out"
api petrova GET "/api/search?birth_date=2005-04-12&surname=%D0%9F%D0%B5%D1%82"
status 200
contains '"dossiers":\[\]' "$T/out"
api petrova GET "/api/search?birth_date=12.04"
status 400
api petrova GET "/api/search"
status 400
api sidorov GET "/api/search?surname=%D0%B8%D0%B2%D0%B0%D0%BD"
status 200
grep -q "$D" "$T/out" && fail "another centre's curator finds the dossier"

# Show: the owner; another centre refused, then with a reason.
api petrova GET "/api/dossiers/$D"
status 200
contains '"surname":"Иванова"' "$T/out"
contains '"scope":"own-centre"' "$T/out"
api sidorov GET "/api/dossiers/$D"
status 403
contains '"code":"reason_required"' "$T/out"
grep -q 'Иванова' "$T/out" && fail "refused but shown"
api sidorov POST "/api/dossiers/$D/event/add" '{"date":"2024-01-11","type":"contact","text":"x"}'
status 403
api sidorov POST "/api/dossiers/$D/glass" '{"reason":"x"}'
status 400
api sidorov POST "/api/dossiers/$D/glass" '{"reason":"Замещаю Петрову на время отпуска"}'
status 200
api sidorov GET "/api/dossiers/$D"
status 200
contains '"scope":"break-the-glass"' "$T/out"
api sidorov POST "/api/dossiers/$D/event/add" '{"date":"2024-01-11","type":"contact","text":"Звонок"}'
status 201
# The grant ends with the session.
api sidorov POST /api/logout '{}'
status 200
login sidorov
api sidorov GET "/api/dossiers/$D"
status 403
# Another centre's curator registering the same SNILS is told of D (so
# as not to split the person's history), and that is on record with D's
# id, as a search is (it was not).
api sidorov POST /api/persons '{"surname":"Смирнова","name":"Ольга","birth-date":"2001-01-01","sex":"F","snils":"112-233-445 95"}'
status 409
contains "\"dossiers\":\[\"$D\"\]" "$T/out"
ok "$OPORA_BIN" --dir n --user inspector audit list --user sidorov --json
contains "\"action\":\"duplicates shown\",\"dossiers\":\"$D\"" "$T/out"
api petrova POST "/api/dossiers/$D/glass" '{"reason":"Моё собственное дело"}'
status 409

# A supervisor reads every dossier of the region.
api chief GET "/api/dossiers/$D"
status 200
api chief GET "/api/search?surname=%D0%98%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2%D0%B0"
status 200
contains "\"dossier\":\"$D\"" "$T/out"
# An admin and an auditor: no content, not even with a reason.
for who in boss inspector; do
	api $who GET "/api/dossiers/$D"
	status 403
	contains '"code":"forbidden"' "$T/out"
	grep -q 'Иванова' "$T/out" && fail "$who sees the dossier"
	api $who GET "/api/search?surname=%D0%B8%D0%B2"
	status 403
	api $who POST "/api/dossiers/$D/glass" '{"reason":"Хочу посмотреть"}'
	status 403
	api $who POST "/api/dossiers/$D/event/add" '{"date":"2024-01-11","type":"contact","text":"x"}'
	status 403
	api $who POST /api/persons '{"surname":"А","name":"Б","birth-date":"2005-01-01","sex":"M"}'
	status 403
	# An id that exists and one that does not get the same answer: a
	# role that may read no dossier cannot find dossiers by guessing
	# ids (they were 403 and 404).
	for path in "" /history; do
		api $who GET "/api/dossiers/00000000-0000-4000-8000-000000000000$path"
		status 403
		cp "$T/out" none.json
		api $who GET "/api/dossiers/$D$path"
		status 403
		cmp -s none.json "$T/out" ||
		    fail "$who tells an existing dossier from a missing one"
	done
	api $who POST "/api/dossiers/00000000-0000-4000-8000-000000000000/glass" '{"reason":"Хочу посмотреть"}'
	status 403
	api $who POST "/api/dossiers/00000000-0000-4000-8000-000000000000/event/add" '{"date":"2024-01-11","type":"contact","text":"x"}'
	status 403
done
api petrova GET "/api/dossiers/00000000-0000-4000-8000-000000000000"
status 404
api petrova GET "/api/dossiers/..%2F..%2Fetc"
status 404

# The audit: reads, searches with their ids, writes with their change,
# break the glass with its reason, refusals -- with role and address.
ok "$OPORA_BIN" --dir n --user inspector audit list --dossier "$D" --json
contains '"login":"petrova","role":"curator","os_user":"","addr":"127.0.0.1","action":"person add"' "$T/out"
contains "\"action\":\"event add\",\"dossiers\":\"$D\",\"reason\":\"\",\"detail\":\"$E\"" "$T/out"
contains '"action":"search"' "$T/out"
contains '"login":"sidorov","role":"curator","os_user":"","addr":"127.0.0.1","action":"break-the-glass","dossiers":"'"$D"'","reason":"Замещаю Петрову на время отпуска"' "$T/out"
contains '"login":"sidorov".*"action":"refused"' "$T/out"
contains '"login":"boss","role":"admin".*"action":"refused"' "$T/out"
contains '"action":"read","dossiers":"'"$D"'"' "$T/out"
ok "$OPORA_BIN" --dir n --user inspector audit verify

# Accounts for admins only; the audit for auditors only, as the CLI's.
api boss GET /api/accounts
status 200
contains '"login":"petrova","name":"petrova","role":"curator","centre":"Смоленский центр"' "$T/out"
contains '"enabled":true,"locked":false' "$T/out"
for who in petrova chief inspector; do
	api $who GET /api/accounts
	status 403
done
api inspector GET "/api/audit?dossier=$D"
status 200
contains '"login":"sidorov","role":"curator","os_user":"","addr":"127.0.0.1","action":"break-the-glass"' "$T/out"
grep -q '"action":"login"' "$T/out" && fail "the audit's dossier filter"
api inspector GET "/api/audit?user=boss&since=2020-01-01"
status 200
contains '"login":"boss","role":"admin"' "$T/out"
api inspector GET "/api/audit?since=01.01.2020"
status 400
api inspector GET /api/audit/verify
status 200
contains '"holds":true' "$T/out"
for who in petrova chief boss; do
	api $who GET /api/audit
	status 403
	api $who GET /api/audit/verify
	status 403
done
ok "$OPORA_BIN" --dir n --user inspector audit list --json
contains '"login":"inspector","role":"auditor","os_user":"","addr":"127.0.0.1","action":"audit list"' "$T/out"
contains '"login":"boss","role":"admin","os_user":"","addr":"127.0.0.1","action":"user list"' "$T/out"
stop n
