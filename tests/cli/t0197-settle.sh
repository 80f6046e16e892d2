# A history that comes with its accept is settled on the state its views
# hold when only the offer and the decision on it are left to apply (the
# short way), and by a fold of the whole log otherwise (here: the origin
# wrote after its offer, so that write comes before the offer in the
# receiver's views and moves after it in the log).  Either way the views
# are the fold of the log: the same rows as 'opora rebuild' makes, and
# 'opora verify' finds them intact.
. "$TOP/tests/cli/lib.sh"
two_nodes

# views DIR: every view row of DIR, in a stable order.
views() {
	for t in persons episodes events assessments consents transfers \
	    conflicts links; do
		db "$1" "SELECT * FROM $t ORDER BY 1, 2, 3"
	done
}
# settled DIR HOW: take SMO's feed into DIR verbosely; the settling said HOW.
settled() {
	"$OPORA" --dir SMO export --for RU-KLU > "$T/xfer.json" ||
	    fail "export"
	"$OPORA" -v --dir "$1" receive --from RU-SMO "$T/xfer.json" \
	    >/dev/null 2>"$T/recv.err" || { cat "$T/recv.err" >&2
		fail "receive"; }
	grep -q "settled $2" "$T/recv.err" || { cat "$T/recv.err" >&2
		fail "not settled $2"; }
}
# same_as_fold DIR: DIR's views are those a fold of its log makes.
same_as_fold() {
	views "$1" > "$T/before"
	ok "$OPORA" --dir "$1" rebuild
	views "$1" > "$T/after"
	cmp -s "$T/before" "$T/after" || { diff "$T/before" "$T/after" >&2
		fail "the settled views differ from a fold of the log"; }
	ok "$OPORA" --dir "$1" verify
}

person() {
	"$OPORA" --dir SMO person add --surname "$1" --name Анна \
	    --birth-date 2005-04-12 --sex F || fail "person add $1"
}

# The short way: the history, then the offer and the accept.
D1=$(person Иванова)
for m in 01 02 03; do
	ok "$OPORA" --dir SMO event add "$D1" --date 2024-$m-10 \
	    --type contact --text "Встреча $m"
done
ok "$OPORA" --dir SMO consent add "$D1" --scope transfer \
    --date 2024-04-01 --document "Заявление"
O1=$("$OPORA" --dir SMO transfer offer "$D1" --to RU-KLU --reason Переезд) ||
    fail "offer 1"
xfer SMO KLU
ok "$OPORA" --dir KLU transfer accept "$O1"
xfer KLU SMO
settled KLU "on the state its views hold"
ok "$OPORA" --dir KLU show "$D1"
contains "Встреча 03" "$T/out"
[ "$(db KLU "SELECT custodian FROM persons WHERE dossier = '$D1'")" = \
    RU-KLU ] || fail "Kaluga does not hold $D1 after its accept"
[ "$(db KLU "SELECT state FROM transfers WHERE dossier = '$D1'")" = \
    accepted ] || fail "the transfer of $D1 is not accepted at Kaluga"
same_as_fold KLU

# The long way: Smolensk writes after its offer, before the accept comes.
D2=$(person Петрова)
ok "$OPORA" --dir SMO event add "$D2" --date 2024-01-10 --type contact \
    --text "До предложения"
ok "$OPORA" --dir SMO consent add "$D2" --scope transfer \
    --date 2024-04-01 --document "Заявление"
O2=$("$OPORA" --dir SMO transfer offer "$D2" --to RU-KLU --reason Переезд) ||
    fail "offer 2"
ok "$OPORA" --dir SMO event add "$D2" --date 2024-05-10 --type contact \
    --text "После предложения"
xfer SMO KLU
ok "$OPORA" --dir KLU transfer accept "$O2"
xfer KLU SMO
settled KLU "by a fold of its log"
ok "$OPORA" --dir KLU show "$D2"
contains "После предложения" "$T/out"
contains "До предложения" "$T/out"
[ "$(db KLU "SELECT custodian FROM persons WHERE dossier = '$D2'")" = \
    RU-KLU ] || fail "Kaluga does not hold $D2 after its accept"
same_as_fold KLU
