# Issue 10, classes 3 and 8, through the real protocol: each change stands
# alone in a feed, and what a hostile peer writes into a refused change
# never reaches the admin raw.
#  - page 1: an offered dossier P, and changes of P whose enum value,
#    member name and region hold ANSI escapes: P's offer goes in (its
#    history does not before Smolensk accepts: issue 13), each of the
#    others is refused and recorded, no ESC byte in the log or the
#    rejected list;
#  - page 2: a change over 65,536 bytes, a 63-byte signature, bytes that
#    are not base64, and a good change after them (the offer of another
#    dossier Q): the good one is taken, each bad one is recorded, the
#    cursor moves past the page;
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-hostile.sh"
hostile_setup
S="$T/script"
cursor() {
	db SMO "SELECT cursor FROM peers WHERE region = 'RU-KLU'"
}

P=$("$OPORA" --dir KLU person add --surname Петров --name Олег \
    --birth-date 2004-01-02 --sex M) || fail "person add at Kaluga"
ok "$OPORA" --dir KLU consent add "$P" --scope transfer --date 2024-07-01 \
    --document "Заявление № 5"
ok "$OPORA" --dir KLU transfer offer "$P" --to RU-SMO --reason "Переезд"
HEAD=$(db KLU "SELECT id FROM changes WHERE dossier = '$P' ORDER BY seq DESC LIMIT 1")
sleep 0.01
{
	db KLU "SELECT bytes FROM changes WHERE dossier = '$P' ORDER BY seq"
	change "$P" "[\"$HEAD\"]" \
	    '[{"date":"2024-08-01","op":"event.add","text":"Кризис","type":"\u001b[2J\u001b[31mcrisis"}]'
	echo
	change "$P" "[\"$HEAD\"]" \
	    '[{"\u001b]0;owned\u0007":"x","date":"2024-08-01","op":"event.add","text":"Кризис","type":"crisis"}]'
	echo
	change "$P" "[\"$HEAD\"]" \
	    '[{"op":"transfer.offer","reason":"Переезд","to":"\u001b[2JRU-SA"}]'
	echo
} | "$FORGE" KLU/signing.key > "$S/feed-0.json" || fail "forge"

# Page 2 (since=6): three malformed items, then a good change: the offer
# of another dossier Q to Smolensk.
Q=$("$OPORA" --dir KLU person add --surname "Трёхплохова" --name Ольга \
    --birth-date 2004-01-02 --sex F) || fail "person add Q at Kaluga"
ok "$OPORA" --dir KLU consent add "$Q" --scope transfer --date 2024-07-01 \
    --document "Заявление № 6"
ok "$OPORA" --dir KLU transfer offer "$Q" --to RU-SMO --reason "Переезд"
db KLU "SELECT bytes FROM changes WHERE dossier = '$Q' ORDER BY seq DESC LIMIT 1" |
    "$FORGE" KLU/signing.key > good.json || fail "forge"
BIG=$(head -c 70000 /dev/zero | tr '\0' a | base64 -w0)
SIG64=$(head -c 64 /dev/urandom | base64 -w0)
SIG63=$(head -c 63 /dev/urandom | base64 -w0)
printf '{"changes":[{"bytes":"%s","seq":7,"sig":"%s"},{"bytes":"%s","seq":8,"sig":"%s"},{"bytes":"@@not*base64","seq":9,"sig":"%s"},%s],"more":false,"next":10}' \
    "$BIG" "$SIG64" "$(printf '{"v":2}' | base64 -w0)" "$SIG63" "$SIG64" \
    "$(items good.json | sed 's/"seq":1/"seq":10/')" > "$S/feed-6.json"

hostile_start
serve SMO
until_true 10 sh -c "[ \$(sqlite3 SMO/opora.db \"SELECT cursor FROM peers WHERE region = 'RU-KLU'\") -ge 6 ]" ||
    fail "the first page did not go in"
# Page 2: the cursor passes it.
until_true 10 sh -c "[ \$(sqlite3 SMO/opora.db \"SELECT cursor FROM peers WHERE region = 'RU-KLU'\") = 10 ]" ||
    fail "the cursor stayed at $(cursor): a malformed item stopped the page"
"$OPORA" --dir SMO rejected list > "$T/rejected" 2>&1
"$OPORA" --dir SMO rejected list --json > "$T/rejected.json" 2>&1
"$OPORA" --dir SMO status > "$T/status" 2>&1
stop SMO
hostile_stop

# Page 1: P's offer in; three refusals; the escapes nowhere raw.
[ "$(db SMO "SELECT count(*) FROM offer_summaries WHERE dossier = '$P'")" = 1 ] ||
    fail "the offer did not go in"
[ "$(db SMO "SELECT count(*) FROM events WHERE dossier = '$P' AND text = 'Кризис'")" = 0 ] ||
    fail "a change with an escape in it was applied"
[ "$(grep -c "RU-KLU  .*: malformed: ops\[0\]" "$T/rejected")" = 3 ] ||
    fail "the three changes with escapes were not recorded"
for f in "$T/SMO.log" "$T/rejected" "$T/rejected.json" "$T/status"; do
	if grep -q "$ESC" "$f"; then
		fail "an ESC byte reached $(basename "$f")"
	fi
done
contains 'is not one of the allowed values' "$T/rejected"
contains 'has no member' "$T/rejected"
contains 'is not a region code' "$T/rejected"

# Page 2: the good change after the bad ones applies; each bad one is
# recorded.
[ "$(db SMO "SELECT count(*) FROM offer_summaries WHERE surname = 'Трёхплохова'")" = 1 ] ||
    fail "the good change after three malformed items was not taken"
[ "$(db SMO "SELECT count(*) FROM rejected WHERE peer = 'RU-KLU'")" -ge 6 ] ||
    fail "the three malformed items were not recorded"
ok "$OPORA" --dir SMO verify
