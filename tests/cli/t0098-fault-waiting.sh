# A peer is not "in step" while its changes wait (issue 11, "Tests": the
# fault suite's probe of the later table).  Smolensk's clock runs a day
# fast; the changes it writes then wait at Kaluga (later) instead of being
# taken.  Kaluga's 'sync --once' says they wait, its status does not show
# Smolensk "in step" and counts them under the peer (text and JSON), and
# once Kaluga's time reaches them they are taken and the peer is in step.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-fault.sh"
DAY=86400
TOMORROW=$(date -d '+1 day' +%Y-%m-%d)
p=$(port_base)
for r in SMO KLU; do
	p=$((p + 1))
	"$OPORA" --dir $r init --region RU-$r --url "https://127.0.0.1:$p" \
	    --listen "127.0.0.1:$p" 2>/dev/null || fail "init $r"
	"$OPORA" --dir $r id > $r.card
done
ok "$OPORA" --dir SMO peer add KLU.card
ok "$OPORA" --dir KLU peer add SMO.card
D=$("$OPORA" --dir SMO person add --surname Быстрова --name Анна \
    --birth-date 2005-04-12 --sex F) || fail "person add"
ok "$OPORA" --dir SMO consent add "$D" --scope transfer --date 2024-07-01 \
    --document "Заявление"
share SMO KLU "$D"	# KLU follows SMO's writes to D (lib.sh)
serve SMO
ok "$OPORA" --dir KLU sync --once
node_status KLU
contains 'peer RU-SMO: in step' "$T/out"

# Two events from a clock a day fast: they wait at Kaluga.
for t in 1 2; do
	ok env OPORA_TEST_CLOCK_OFFSET=$DAY "$OPORA" --dir SMO event add "$D" \
	    --date "$TOMORROW" --type contact --text "Из будущего $t"
done
ok "$OPORA" --dir KLU sync --once
[ "$(db KLU "SELECT count(*) FROM later WHERE peer = 'RU-SMO'")" = 2 ] ||
    fail "the changes from a fast clock do not wait"
contains '^RU-SMO: 0 applied, 0 already here, 0 refused, 2 wait to be taken' \
    "$T/out"
node_status KLU
grep -q 'peer RU-SMO: in step' "$T/out" && { cat "$T/out"
	fail "status shows RU-SMO in step while 2 of its changes wait"; }
contains 'peer RU-SMO: .*2 of its changes wait to be taken' "$T/out"
node_status KLU --json
contains '"region":"RU-SMO",[^}]*"waiting":2' "$T/out"
in_step KLU RU-SMO && fail "in step by JSON while changes wait"

# Kaluga's time reaches them: taken, and in step again.
ok env OPORA_TEST_CLOCK_OFFSET=$((DAY + 600)) "$OPORA" --dir KLU sync --once
[ "$(db KLU 'SELECT count(*) FROM later')" = 0 ] || fail "later not emptied"
[ "$(db KLU "SELECT count(*) FROM events WHERE text LIKE 'Из будущего%'")" = 2 ] ||
    fail "the waiting changes were not taken"
OPORA_TEST_CLOCK_OFFSET=$((DAY + 600)) "$OPORA" --dir KLU status >"$T/out" 2>&1
contains 'peer RU-SMO: in step' "$T/out"
stop SMO
