# No echo (issue 15): after a transfer the destination used to serve the
# origin back every change of the register, all of them "already here".
# A puller that holds every change its region wrote says so
# ("Opora-Own: held", docs/protocol.md, "Endpoints") and is not sent them;
# without the header (a node whose log went back) it is sent everything;
# what it becomes entitled to by its own change still comes.  A response
# that read the log to its end hands out the head as the cursor.
. "$TOP/tests/cli/lib.sh"
two_nodes
D=$("$OPORA" --dir SMO person add --surname Лебедева --name Ирина \
    --birth-date 2004-05-06 --sex F) || fail "person add"
ok "$OPORA" --dir SMO consent add "$D" --scope transfer --date 2024-01-01 \
    --document "Заявление"
ok "$OPORA" --dir SMO event add "$D" --date 2024-02-01 --type contact \
    --text "Встреча"
# Smolensk offers, Kaluga accepts and takes the history (files).
ok "$OPORA" --dir SMO transfer offer "$D" --to RU-KLU --reason "Переезд"
accept_all SMO KLU
xfer SMO KLU
[ "$(db KLU "SELECT custodian FROM persons WHERE dossier = '$D'")" = RU-KLU ] ||
    fail "Kaluga does not hold the dossier"
n=$(db KLU "SELECT count(*) FROM changes WHERE dossier = '$D'")
mine=$(db KLU "SELECT count(*) FROM changes WHERE dossier = '$D' AND region = 'RU-KLU'")
[ "$mine" = 1 ] || fail "Kaluga wrote $mine changes, not its accept alone"

serve KLU
URL=$(sed -n 's/^url = //p' KLU/opora.conf)
# feed [HEADER]: Kaluga's feed for Smolensk from the start, as items.
feed() {
	curl -sk --max-time 10 --cert SMO/tls.crt --key SMO/tls.key \
	    -H "Opora-Protocol: 1" ${1:+-H "$1"} \
	    "$URL/v1/feed?since=0&limit=5000" > body.json ||
	    fail "the feed did not answer"
	grep -o '"seq":' body.json | wc -l
}
# Without the header, the whole dossier, Smolensk's changes included.
[ "$(feed)" = "$n" ] || fail "the feed without the header: $(cat body.json)"
head=$(db KLU "SELECT max(seq) FROM changes")
contains "\"more\":false,\"next\":$head," body.json
# With it, Kaluga's accept alone.
[ "$(feed "Opora-Own: held")" = 1 ] ||
    fail "the feed with the header: $(cat body.json)"
contains "\"more\":false,\"next\":$head," body.json
# Another value is no claim.
[ "$(feed "Opora-Own: maybe")" = "$n" ] || fail "Opora-Own: maybe was taken"

# Smolensk's puller, holding all it wrote, pulls Kaluga to its head.
serve SMO
until_true 15 sh -c "[ \"\$(sqlite3 SMO/opora.db \"SELECT cursor FROM peers WHERE region = 'RU-KLU'\")\" = $head ]" ||
    fail "Smolensk's cursor on Kaluga did not reach its head"
stop SMO
stop KLU
