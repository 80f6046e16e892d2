# The web pages served by the browsers' listener (docs/ui.md): a fixed
# table of compiled-in files with their Content-Type and the security
# headers, Chart.js from Debian's package, nothing else (no traversal, no
# listing, GET and HEAD only); no inline script or style and no innerHTML
# in the pages.  And the endpoints the pages added: my caseload (overdue
# contacts, a threshold, only the centre's dossiers, audited), the
# history of a card's fields, and a supervisor's assignment of a dossier
# to a centre.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-ui.sh"
p=$(port_base)
ui_node n RU-SMO "$p"
serve n
until_true 10 curl -s --cacert "$UI_CA" "$UI/api/me" || fail "no listener"

get() {
	ST=$(curl -sS --max-time 10 --path-as-is --cacert "$UI_CA" \
	    ${2:+-X "$2"} -D "$T/hdr" -o "$T/out" -w '%{http_code}' \
	    "$UI$1") || fail "curl $1"
}
hdr() {
	grep -qi "^$1" "$T/hdr" || { cat "$T/hdr" >&2; fail "no '$1'"; }
}
get /
status 200
hdr 'Content-Type: text/html; charset=utf-8'
hdr "Content-Security-Policy: default-src 'self'"
hdr 'X-Content-Type-Options: nosniff'
hdr 'X-Frame-Options: DENY'
contains '<html lang="ru">' "$T/out"
contains 'src="/app.js"' "$T/out"
cmp -s "$T/out" "$TOP/node/web/index.html" || fail "/ is not index.html"
for f in app.js api.js dom.js ru.js curator.js decide.js admin.js research.js; do
	get "/$f"
	status 200
	hdr 'Content-Type: text/javascript; charset=utf-8'
	cmp -s "$T/out" "$TOP/node/web/$f" || fail "/$f differs"
done
get /style.css
status 200
hdr 'Content-Type: text/css; charset=utf-8'
get /favicon.svg
status 200
hdr 'Content-Type: image/svg+xml'
# HEAD answers as GET without a body.
ST=$(curl -sS --cacert "$UI_CA" -I -o "$T/hdr" -w '%{http_code}' "$UI/app.js")
status 200
# Chart.js from its installed path, when it is installed.
if [ -f /usr/share/javascript/chart.js/chart.min.js ]; then
	get /vendor/chart.js
	status 200
	hdr 'Content-Type: text/javascript'
	cmp -s "$T/out" /usr/share/javascript/chart.js/chart.min.js ||
	    fail "/vendor/chart.js is not Debian's chart.min.js"
fi
# Nothing else: no traversal, no directory, no source, no listing.
for u in /../etc/passwd /%2e%2e/etc/passwd /node/web/app.js /web/app.js \
    /vendor/ /vendor/chart.min.js /vendor/../app.js /index.html/ \
    /app.js/ /APP.JS /.git/config //app.js /opora.conf \
    /tls.key /db.sqlite; do
	get "$u"
	[ "$ST" = 404 ] || [ "$ST" = 400 ] || fail "$u answered $ST"
	grep -q 'etc\|root:' "$T/out" && fail "$u echoed or leaked"
	hdr 'X-Content-Type-Options: nosniff'
done
# GET and HEAD only.
for m in POST PUT DELETE; do
	get / "$m"
	status 405
	hdr 'Allow: GET, HEAD'
done
# The pages themselves: no inline script or style, no innerHTML.
grep -n '<script>\|<script [^>]*>[^<]\| style=\|<style' \
    "$TOP"/node/web/*.html && fail "inline script or style"
grep -n 'innerHTML\|outerHTML\|insertAdjacentHTML\|document.write\|eval(' \
    "$TOP"/node/web/*.js && fail "HTML inserted as HTML"

# My caseload.
login petrova
login sidorov
login chief
login boss "$UI_PW" "$(oathtool --totp -b "$(cat "$T/n.totp")")"
api petrova GET /api/caseload
status 200
contains '"dossiers":\[\]' "$T/out"
contains '"days":30' "$T/out"
api petrova POST /api/persons '{"surname":"Иванова","name":"Анна","birth-date":"2005-04-12","sex":"F"}'
status 201
D=$(json_get dossier)
api petrova POST "/api/dossiers/$D/episode/open" '{"centre":"Смоленский центр","curator":"petrova","date":"2024-01-09"}'
status 201
api petrova POST "/api/dossiers/$D/event/add" '{"date":"2024-01-10","type":"contact","text":"Встреча"}'
status 201
api petrova POST /api/persons '{"surname":"Петров","name":"Пётр","birth-date":"2004-02-01","sex":"M"}'
status 201
D2=$(json_get dossier)
api petrova GET /api/caseload
status 200
contains "\"dossier\":\"$D\",\"surname\":\"Иванова\",\"name\":\"Анна\",\"birth_date\":\"2005-04-12\",\"centre\":\"Смоленский центр\",\"episode_opened\":\"2024-01-09\",\"last_contact\":\"2024-01-10\",\"days_since\":[0-9]*,\"overdue\":true,\"conflicts\":0,\"late_notes\":0" \
    "$T/out"
contains "\"dossier\":\"$D2\"" "$T/out"
api petrova GET '/api/caseload?days=3650'
status 200
grep -q "\"dossier\":\"$D\"[^}]*\"overdue\":false" "$T/out" ||
    fail "the threshold is not applied"
for bad in 0 3651 abc 10x -5 99999999999; do
	api petrova GET "/api/caseload?days=$bad"
	status 400
done
api sidorov GET /api/caseload
status 200
contains '"dossiers":\[\]' "$T/out"
api chief GET /api/caseload
status 403
api boss GET /api/caseload
status 403

# The history of the card's fields: old -> new, who, where, when.
api petrova POST "/api/dossiers/$D/person/set" '{"phone":"+7 900 000-00-00"}'
status 201
api petrova POST "/api/dossiers/$D/person/set" '{"phone":"+7 900 111-11-11","name":"Анна-Мария"}'
status 201
api petrova GET "/api/dossiers/$D/history"
status 200
contains '"field":"surname","kind":"create","value":"Иванова","region":"RU-SMO","user":"petrova","hlc":"[0-9a-f]{16}","change":"[0-9a-f]{64}"' \
    "$T/out"
contains '"field":"phone","kind":"set","value":"\+7 900 000-00-00","region":"RU-SMO","user":"petrova"' \
    "$T/out"
contains '"field":"phone","kind":"set","old":"\+7 900 000-00-00","value":"\+7 900 111-11-11"' \
    "$T/out"
contains '"field":"name","kind":"set","old":"Анна","value":"Анна-Мария"' "$T/out"
api sidorov GET "/api/dossiers/$D/history"
status 403
contains '"code":"reason_required"' "$T/out"
api boss GET "/api/dossiers/$D/history"
status 403
api petrova GET "/api/dossiers/00000000-0000-4000-8000-000000000000/history"
status 404

# Assigning a dossier to a centre: a supervisor's decision.
api petrova POST "/api/dossiers/$D/assign" '{"centre":"Вяземский центр"}'
status 403
api chief POST "/api/dossiers/$D/assign" '{}'
status 400
api chief POST "/api/dossiers/00000000-0000-4000-8000-000000000000/assign" \
    '{"centre":"Вяземский центр"}'
status 404
api chief POST "/api/dossiers/$D/assign" '{"centre":"Вяземский центр"}'
status 201
api sidorov GET /api/caseload
status 200
contains "\"dossier\":\"$D\"" "$T/out"
api petrova GET /api/caseload
status 200
grep -q "\"dossier\":\"$D\"" "$T/out" && fail "the old centre still lists it"
api petrova GET "/api/dossiers/$D"
status 403
contains '"code":"reason_required"' "$T/out"

ok "$OPORA_BIN" --dir n --user inspector audit list --json
contains '"login":"chief","role":"supervisor","os_user":"","addr":"127.0.0.1","action":"assign","dossiers":"'"$D"'","reason":"","detail":"Вяземский центр"' \
    "$T/out"
contains '"login":"petrova","role":"curator","os_user":"","addr":"127.0.0.1","action":"caseload"' \
    "$T/out"
contains '"login":"petrova","role":"curator","os_user":"","addr":"127.0.0.1","action":"read","dossiers":"'"$D"'","reason":"","detail":"history"' \
    "$T/out"
contains '"login":"sidorov","role":"curator","os_user":"","addr":"127.0.0.1","action":"refused","dossiers":"'"$D"'"' \
    "$T/out"
ok "$OPORA_BIN" --dir n --user inspector audit verify
stop n
