# Issue 15: a backlog's responses are committed a few at a time (a held
# transaction, node/store.h store_hold), and a refusal in one of them
# loses nothing and skips nothing.  A hostile Kaluga serves three pages,
# each saying more is to come but the last: two offers alone (taken as
# summaries, held, not yet committed), then a dossier it never offered
# with a third offer.  Refusing that dossier rolls the held transaction
# back with the two pages before it; the puller says so, asks again from
# the cursor it had committed, and takes the pages one transaction each,
# so that the refused dossier is refused alone.  At the end every offer
# is held, the dossier is refused and recorded, and the cursor is past
# the last page: nothing of the first two pages was skipped by a cursor
# saved after the rollback.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-hostile.sh"
hostile_setup

P1=$(hostile_offer Первов)
P2=$(hostile_offer Второв)
Q=$("$OPORA" --dir KLU person add --surname Тайнова --name Ольга \
    --birth-date 2003-05-06 --sex F) || fail "person add at Kaluga"
ok "$OPORA" --dir KLU event add "$Q" --date 2024-03-01 --type contact \
    --text "Не для Смоленска"
P3=$(hostile_offer Третьев)

# page SINCE MORE SQL: the feed page served for since=SINCE, of the
# changes SQL selects (their bytes, in the log's order), numbered from
# SINCE + 1, saying MORE; prints the page's next.
page() {
	db KLU "$3" | "$FORGE" KLU/signing.key > "$T/forged" || fail "forge"
	awk -v base="$1" -v more="$2" '{
		out = ""
		while (match($0, /"seq":[0-9]+/)) {
			n = substr($0, RSTART + 6, RLENGTH - 6) + base
			out = out substr($0, 1, RSTART - 1) "\"seq\":" n
			$0 = substr($0, RSTART + RLENGTH)
		}
		$0 = out $0
		match($0, /"next":[0-9]+/)
		n = substr($0, RSTART + 7, RLENGTH - 7) + base
		sub(/"more":false,"next":[0-9]+/, "\"more\":" more ",\"next\":" n)
		print
		print n > "/dev/stderr"
	}' "$T/forged" > "$T/script/feed-$1.json" 2> "$T/next" ||
	    fail "page $1"
	cat "$T/next"
}
offer_of() {
	echo "SELECT bytes FROM changes WHERE dossier = '$1' AND
	    CAST(bytes AS TEXT) LIKE '%transfer.offer%'"
}
n1=$(page 0 true "$(offer_of "$P1")")
n2=$(page "$n1" true "$(offer_of "$P2")")
n3=$(page "$n2" false "SELECT bytes FROM changes WHERE dossier = '$Q'
    UNION ALL $(offer_of "$P3")")
[ "$n3" = 5 ] || fail "the pages end at $n3, not 5"
grep -q '"more":true,"next":1}' "$T/script/feed-0.json" ||
    fail "the first page does not say more is to come"

hostile_start
serve SMO
until_true 20 sh -c "[ \$(sqlite3 SMO/opora.db \"SELECT cursor FROM peers WHERE region = 'RU-KLU'\") = $n3 ]" ||
    { cat "$T/SMO.log"; fail "the cursor did not reach the last page"; }
stop SMO
hostile_stop

# The held transaction was lost, and said so; the pages came again.
grep -q "pull from RU-KLU: 2 responses taken in since the last commit were rolled back" \
    "$T/SMO.log" || { cat "$T/SMO.log"; fail "the lost hold was not said"; }
grep -q '`pull from RU-KLU: N responses taken in since the last commit were rolled back' \
    "$TOP/docs/admin.md" || fail "admin.md does not say what the line means"
[ "$(requests 'since=0&')" -ge 2 ] || fail "the first page was not asked again"
# Every offer is held as a summary; the refused dossier is not stored,
# and recorded with its two changes.
for p in "$P1" "$P2" "$P3"; do
	[ "$(db SMO "SELECT count(*) FROM offer_summaries
	    WHERE dossier = '$p' AND state = 'offered'")" = 1 ] ||
		fail "the offer of $p is not held"
done
[ "$(db SMO "SELECT count(*) FROM changes WHERE dossier = '$Q'")" = 0 ] ||
    fail "Smolensk stored a dossier it was never offered"
ok "$OPORA" --dir SMO rejected list
[ "$(grep -c "$Q: RU-SMO is not entitled to dossier $Q" "$T/out")" = 2 ] ||
    fail "expected Q's two changes recorded"
ok "$OPORA" --dir SMO verify
