# Clocks a day off either way (issue 11, item 4).  A change beyond
# max_clock_drift of the receiver's clock is not refused for good: it waits
# (status says so, rejected list does not) and arrives once the clocks
# agree; a response where many dossiers are ahead stops before the cursor
# moves (the receiver's clock is probably slow).  A node whose clock is
# behind the latest clock it holds does not write, and says what to do;
# nothing is dated after the author's today.  OPORA_TEST_CLOCK_OFFSET
# (seconds) is the test-only hook that puts a node's clock off.
. "$TOP/tests/cli/lib.sh"
three_nodes
DAY=86400
TOMORROW=$(date -d '+1 day' +%Y-%m-%d)

add_person() {	# add_person DIR SURNAME: a dossier offered to RU-KLU
	d=$("$OPORA" --dir "$1" person add --surname "$2" --name Анна \
	    --birth-date 2005-04-12 --sex F) || fail "person add $2"
	"$OPORA" --dir "$1" consent add "$d" --scope transfer \
	    --date 2024-07-01 --document "Заявление" >/dev/null ||
	    fail "consent $2"
	"$OPORA" --dir "$1" transfer offer "$d" --to RU-KLU \
	    --reason "Переезд" >/dev/null || fail "offer $2"
	echo "$d"
}
cursor() {
	db KLU "SELECT cursor FROM peers WHERE region = 'RU-SMO'"
}
slow() {	# slow CMD...: run CMD with this node's clock a day slow
	OPORA_TEST_CLOCK_OFFSET=-$DAY "$@"
}

# 1. Nothing is dated after the author's today.
D0=$("$OPORA" --dir SMO person add --surname Петрова --name Мария \
    --birth-date 2004-01-01 --sex F) || fail "person add"
refuses 65 "the date $TOMORROW is after today" "$OPORA" --dir SMO event add \
    "$D0" --date "$TOMORROW" --type contact --text "Завтрашняя встреча"
refuses 65 "is after today" "$OPORA" --dir SMO person add --surname Новая \
    --name Ольга --birth-date "$TOMORROW" --sex F

serve SMO
serve SA
# 2. Kaluga's clock is a day slow: many dossiers offered to it look a day
# ahead.  The response is not taken at all: the cursor stays, nothing is
# recorded as refused, and the error names both possible causes.
for i in 1 2 3 4 5 6 7 8 9 10; do
	add_person SMO "Фамилия$i" >/dev/null
done
C0=$(cursor)
slow "$OPORA" --dir KLU sync --once >"$T/out" 2>"$T/err"
[ $? = 69 ] || fail "a pull stopped by the clock did not fail"
contains 'RU-SMO: .*this node.s clock is probably slow .*authors. clocks run fast' \
    "$T/out"
[ "$(cursor)" = "$C0" ] || fail "the cursor moved past changes not stored"
[ "$(db KLU 'SELECT count(*) FROM rejected')" = 0 ] || fail "recorded refused"
[ "$(db KLU 'SELECT count(*) FROM changes')" = 0 ] || fail "changes stored"
# The clock set right, everything arrives.
ok "$OPORA" --dir KLU sync --once
[ "$(db KLU 'SELECT count(*) FROM offer_summaries')" = 10 ] ||
    fail "not all arrived"
[ "$(db KLU 'SELECT count(*) FROM rejected')" = 0 ] || fail "refusals"

# 3. One more dossier while Kaluga is slow: it waits (not refused) and the
# cursor moves on; once the clock is right it is fetched again.
D1=$(add_person SMO Одиночкина)
slow "$OPORA" --dir KLU sync --once >"$T/out" 2>&1
[ "$(db KLU "SELECT count(*) FROM later WHERE dossier = '$D1'")" -gt 0 ] ||
    fail "the change ahead does not wait"
[ "$(db KLU 'SELECT count(*) FROM rejected')" = 0 ] || fail "recorded refused"
slow "$OPORA" --dir KLU status >"$T/out" 2>&1
contains 'wait to be taken .*clock' "$T/out"
ok "$OPORA" --dir KLU sync --once
[ "$(db KLU "SELECT count(*) FROM changes WHERE dossier = '$D1'")" = 1 ] ||
    fail "the waiting dossier did not arrive once the clock was right"
[ "$(db KLU 'SELECT count(*) FROM later')" = 0 ] || fail "later not emptied"

# 4. Smolensk's clock runs a day fast: its change waits at Kaluga (whose
# clock is right), and is taken when Kaluga's time reaches it.
ok "$OPORA" --dir KLU transfer accept "$(db KLU "SELECT offer FROM
    offer_summaries WHERE dossier = '$D1'")"
D2=$("$OPORA" --dir SMO person add --surname Быстрова --name Анна \
    --birth-date 2005-04-12 --sex F) || fail "person add Быстрова"
share SMO KLU "$D2"	# KLU follows SMO's writes to D2 (lib.sh)
ok "$OPORA" --dir KLU sync --once
ok env OPORA_TEST_CLOCK_OFFSET=$DAY "$OPORA" --dir SMO event add "$D2" \
    --date "$TOMORROW" --type contact --text "Из будущего"
ok "$OPORA" --dir KLU sync --once
[ "$(db KLU "SELECT count(*) FROM later WHERE dossier = '$D2'")" = 1 ] ||
    fail "the change from a fast clock does not wait"
[ "$(db KLU 'SELECT count(*) FROM rejected')" = 0 ] || fail "recorded refused"
node_status KLU
contains 'wait to be taken' "$T/out"
# Smolensk's clock set right: it does not write until it has caught up.
refuses 65 'is behind the latest time it has recorded .*NTP' "$OPORA" \
    --dir SMO event add "$D2" --date 2024-08-01 --type contact --text x
# A day later (Kaluga's clock moved on), the change is fetched and taken.
ok env OPORA_TEST_CLOCK_OFFSET=$((DAY + 600)) "$OPORA" --dir KLU sync --once
ok "$OPORA" --dir KLU show "$D2"
contains 'Из будущего' "$T/out"
[ "$(db KLU 'SELECT count(*) FROM later')" = 0 ] || fail "later not emptied"
[ "$(db KLU 'SELECT count(*) FROM rejected')" = 0 ] || fail "refusals"
stop SMO
