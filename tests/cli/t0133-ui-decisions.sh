# A supervisor's decisions over the browsers' API, between two real
# nodes: Smolensk offers a graduate to Kaluga, Kaluga's supervisor lists
# the incoming offer (its summary) and accepts it, and the history comes;
# an offer back, cancelled by Kaluga while Smolensk accepts it in a
# partition, makes a conflict, which Kaluga's supervisor (still the
# custodian: the cancel came first) lists and resolves; curators decide nothing; every
# list and decision is audited.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-ui.sh"
p=$(port_base)
ui_node SMO RU-SMO "$p"
UI_SMO=$UI
ui_node KLU RU-KLU "$((p + 5))"
UI_KLU=$UI
"$OPORA_BIN" --dir SMO id > SMO.card
"$OPORA_BIN" --dir KLU id > KLU.card
ok "$OPORA_BIN" --dir SMO --user boss peer add KLU.card
ok "$OPORA_BIN" --dir KLU --user boss peer add SMO.card
serve SMO
serve KLU
smo() { UI=$UI_SMO UI_CA=SMO/tls.crt JAR=smo- "$@"; }
klu() { UI=$UI_KLU UI_CA=KLU/tls.crt JAR=klu- "$@"; }
until_true 10 curl -s --cacert SMO/tls.crt "$UI_SMO/api/me" || fail "SMO"
until_true 10 curl -s --cacert KLU/tls.crt "$UI_KLU/api/me" || fail "KLU"
smo login petrova
smo login chief
klu login chief
klu login petrova

smo api petrova POST /api/persons '{"surname":"Иванова","name":"Анна","birth-date":"2005-04-12","sex":"F"}'
status 201
D=$(json_get dossier)
smo api petrova POST "/api/dossiers/$D/consent/add" '{"scope":"transfer","date":"2024-07-01","document":"Заявление № 17"}'
status 201
# A curator does not offer; a supervisor does.
smo api petrova POST "/api/dossiers/$D/transfer/offer" '{"to":"RU-KLU","reason":"Переезд"}'
status 403
smo api chief POST "/api/dossiers/$D/transfer/offer" '{"to":"RU-KLU"}'
status 400
smo api chief POST "/api/dossiers/$D/transfer/offer" '{"to":"RU-KLU","reason":"Переезд"}'
status 201
OFFER=$(json_get change)/0
smo api chief GET "/api/transfers?direction=outgoing"
status 200
contains "\"id\":\"$OFFER\".*\"state\":\"offered\"" "$T/out"
smo api petrova GET /api/transfers
status 403

# Kaluga sees the offer arrive, and accepts it.
incoming() {
	klu api chief GET "/api/transfers?direction=incoming"
	[ "$ST" = 200 ] && grep -q Иванова "$T/out"
}
until_true 15 incoming || fail "the offer did not reach Kaluga's API"
contains "\"id\":\"$OFFER\"" "$T/out"
contains '"summary":true' "$T/out"
klu api chief GET "/api/transfers?direction=sideways"
status 400
klu api petrova POST "/api/transfers/$OFFER/accept" '{}'
status 403
klu api chief POST "/api/transfers/0000/0/accept" '{}'
status 404
# Kaluga holds the summary only; it accepts, and the history comes.
klu api chief GET "/api/dossiers/$D"
status 404
klu api chief POST "/api/transfers/$OFFER/accept" '{}'
status 201
arrived() {
	klu api chief GET "/api/dossiers/$D"
	[ "$ST" = 200 ]
}
until_true 15 arrived || fail "the history did not come with the accept"
until_true 15 sh -c "'$OPORA_BIN' --dir SMO --user chief show '$D' | grep -q 'custodian RU-KLU'" ||
    fail "the acceptance did not reach Smolensk"
# Kaluga offers the case back, then, cut off, cancels the offer while
# Smolensk, cut off too, accepts it: both edit the phone as custodian.
klu api chief POST "/api/dossiers/$D/transfer/offer" '{"to":"RU-SMO","reason":"Обратно"}'
status 201
BACK=$(json_get change)/0
until_true 15 sh -c "'$OPORA_BIN' --dir SMO --user chief transfer list --incoming | grep -q Обратно" ||
    fail "the offer back did not reach Smolensk"
stop SMO
klu api chief POST "/api/transfers/$BACK/cancel" '{}'
status 201
klu api chief POST "/api/dossiers/$D/person/set" '{"phone":"+7 910 111 11 11"}'
status 201
stop KLU
ok "$OPORA_BIN" --dir SMO --user chief transfer accept "$BACK"
ok "$OPORA_BIN" --dir SMO --user chief person set "$D" --phone "+7 920 222 22 22"
serve SMO
serve KLU
conflicted() {
	klu api chief GET /api/conflicts
	[ "$ST" = 200 ] && grep -q '"field":"phone"' "$T/out"
}
until_true 15 conflicted || fail "no conflict in Kaluga's API"
C=$(json_get id)
klu api petrova GET /api/conflicts
status 403
klu api chief POST "/api/conflicts/$C/resolve" '{}'
status 400
klu api chief POST "/api/conflicts/$C/resolve" '{"keep":"+7 930 333 33 33"}'
status 201
klu api chief POST "/api/conflicts/$C/resolve" '{"keep_winner":true}'
status 409
contains '"code":"closed"' "$T/out"
klu api chief GET /api/conflicts
status 200
contains '"conflicts":\[\]' "$T/out"
klu api chief GET "/api/conflicts?all=1"
contains '"state":"resolved"' "$T/out"
klu api chief GET "/api/dossiers/$D"
status 200
contains '"phone":"\+7 930 333 33 33"' "$T/out"

ok "$OPORA_BIN" --dir KLU --user inspector audit list --json
for a in "transfer list" "transfer accept" "conflicts list" \
    "conflicts resolve" "person set"; do
	contains "\"login\":\"chief\",\"role\":\"supervisor\",\"os_user\":\"\",\"addr\":\"127.0.0.1\",\"action\":\"$a\"" \
	    "$T/out"
done
ok "$OPORA_BIN" --dir SMO --user inspector audit list --json
contains '"action":"transfer offer"' "$T/out"
stop SMO
stop KLU
