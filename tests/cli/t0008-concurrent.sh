# Two curators writing at once: every change is kept, clocks never repeat,
# and the node verifies.
. "$TOP/tests/cli/lib.sh"
mknode smo
export OPORA_DIR=smo
for u in a b c; do
	ok "$OPORA" user add $u --name "Куратор $u" --role curator --centre Центр
done
ok "$OPORA" person add --surname Иванова --name Анна --birth-date 2005-04-12 --sex F
D=$(cat "$T/out")
ok "$OPORA" person add --surname Петров --name Иван --birth-date 2004-01-01 --sex M
P=$(cat "$T/out")
writer() {
	i=0
	while [ $i -lt 15 ]; do
		"$OPORA" --user "$2" event add "$1" --date 2024-01-01 \
		    --type contact --text "запись $2 $i" >/dev/null || exit 1
		i=$((i + 1))
	done
}
writer "$D" a & pa=$!
writer "$P" b & pb=$!
writer "$D" c & pc=$!
PIDS="$pa $pb $pc"
wait $pa || fail "writer a failed"
wait $pb || fail "writer b failed"
wait $pc || fail "writer c failed"
PIDS=""
[ "$(db smo 'SELECT count(*) FROM changes')" = 47 ] || fail "changes were lost"
[ "$(db smo 'SELECT count(DISTINCT hlc) FROM changes')" = 47 ] ||
    fail "two changes of this node share a clock value"
ok "$OPORA" verify
