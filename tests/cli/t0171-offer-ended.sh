# Issue 13: a region that declined an offer, or whose offer was
# cancelled, keeps nothing beyond what the protocol needs: the ids of the
# offer and of the change that ended it, the regions and the state, and
# the changes it wrote itself (its decline), which the offering region
# still pulls.  No name, no reason, no byte of the offer.
. "$TOP/tests/cli/lib.sh"
p=$(port_base)
for r in SMO KLU; do
	p=$((p + 1))
	ok "$OPORA" --dir $r init --region RU-$r --url "https://127.0.0.1:$p" \
	    --listen "127.0.0.1:$p"
	"$OPORA" --dir $r id > $r.card || fail "id $r"
done
ok "$OPORA" --dir SMO peer add KLU.card
ok "$OPORA" --dir KLU peer add SMO.card
serve SMO
serve KLU
person() {
	D=$("$OPORA" --dir SMO person add --surname "$1" --name Анна \
	    --birth-date 2005-04-12 --sex F) || fail "person add"
	ok "$OPORA" --dir SMO event add "$D" --date 2024-02-01 \
	    --type contact --text "Секретная запись"
	ok "$OPORA" --dir SMO consent add "$D" --scope transfer \
	    --date 2024-01-01 --document "Заявление"
	ok "$OPORA" --dir SMO transfer offer "$D" --to RU-KLU \
	    --reason "Причина $1"
	OFFER=$(cat "$T/out")
	until_true 15 sh -c "'$OPORA' --dir KLU transfer list --incoming |
	    grep -q $1" || fail "the offer of $1 did not reach Kaluga"
}
# Nothing personal of the dossier at Kaluga, whatever is left.
nothing_personal() {
	[ "$(db KLU "SELECT count(*) FROM offer_summaries WHERE dossier = '$1'
	    AND (surname IS NOT NULL OR name IS NOT NULL OR reason IS NOT NULL
	    OR birth_year IS NOT NULL OR centre IS NOT NULL)")" = 0 ] ||
	    fail "Kaluga keeps the summary of $1"
	[ "$(db KLU "SELECT count(*) FROM changes WHERE dossier = '$1' AND
	    region <> 'RU-KLU'")" = 0 ] ||
	    fail "Kaluga keeps a change Smolensk wrote of $1"
	[ "$(db KLU "SELECT count(*) FROM changes WHERE
	    CAST(bytes AS TEXT) LIKE '%$2%'")" = 0 ] ||
	    fail "the name $2 is still in Kaluga's log"
	[ "$(db KLU "SELECT count(*) FROM persons WHERE dossier = '$1'")" = 0 ] ||
	    fail "Kaluga has a view of $1"
}

# Declined: Kaluga keeps its decline (for Smolensk), nothing else.
person Петрова
D1=$D
O1=$OFFER
ok "$OPORA" --dir KLU transfer decline "$O1" --reason "Нет мест"
nothing_personal "$D1" Петрова
[ "$(db KLU "SELECT state FROM offer_summaries WHERE offer = '$O1'")" = \
    declined ] || fail "Kaluga does not record its decline"
[ "$(db KLU "SELECT count(*) FROM changes WHERE dossier = '$D1'")" = 1 ] ||
    fail "Kaluga does not keep its decline"
until_true 15 sh -c "'$OPORA' --dir SMO transfer list --outgoing |
    grep -q declined" || fail "the decline did not reach Smolensk"
ok "$OPORA" --dir KLU transfer list --incoming
contains "$(echo "$O1" | cut -c1-12) .*declined \\(offer ended" "$T/out"
refuses 65 'no longer pending' "$OPORA" --dir KLU transfer accept "$O1"

# Cancelled by Smolensk: Kaluga learns it, and forgets the summary.
person Сидорова
D2=$D
O2=$OFFER
ok "$OPORA" --dir SMO transfer cancel "$O2"
until_true 15 sh -c "[ \"\$(sqlite3 KLU/opora.db \"SELECT state FROM
    offer_summaries WHERE offer = '$O2'\")\" = cancelled ]" ||
    fail "Kaluga did not learn of the cancel"
nothing_personal "$D2" Сидорова
[ "$(db KLU "SELECT count(*) FROM changes WHERE dossier = '$D2'")" = 0 ] ||
    fail "Kaluga keeps a change of the cancelled offer"
refuses 65 'no longer pending' "$OPORA" --dir KLU transfer accept "$O2"

# Offered again after the decline: a new summary; accepted, the history
# comes, and Kaluga's earlier decline stays in it.
ok "$OPORA" --dir SMO transfer offer "$D1" --to RU-KLU --reason "Снова"
O3=$(cat "$T/out")
until_true 15 sh -c "[ \"\$(sqlite3 KLU/opora.db \"SELECT state FROM
    offer_summaries WHERE offer = '$O3'\")\" = offered ]" ||
    fail "the second offer did not reach Kaluga"
# Named with others (transfer accept TRANSFER...): each is decided on its
# own; one that cannot be is reported, the next still is, and the exit
# status is the first failure's.
refuses 65 'no longer pending' "$OPORA" --dir KLU transfer accept "$O2" \
    "$O3" 0123456789abcdef/1
contains "no transfer" "$T/err"
[ "$(wc -l < "$T/out")" = 1 ] || fail "one accept printed"
[ "$(sqlite3 KLU/opora.db "SELECT state FROM offer_summaries WHERE
    offer = '$O3'")" = accepted ] || fail "the offer after a refused one was not accepted"
until_true 15 sh -c "'$OPORA' --dir KLU show '$D1' | grep -q 'Секретная запись'" ||
    fail "the history did not come with the second offer's accept"
ok "$OPORA" --dir KLU verify
ok "$OPORA" --dir SMO verify
