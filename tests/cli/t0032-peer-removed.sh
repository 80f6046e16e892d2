# Removal is immediate on the pulling side: after 'opora peer remove' (in
# another process) the removed region's puller, in the middle of a long
# poll, stops within a second, and nothing that region serves afterwards
# is applied.  Added again, it is pulled again.  Before, the puller kept
# polling and logged "no such peer" every minute for ever.
. "$TOP/tests/cli/lib.sh"
three_nodes
for n in SMO KLU; do "$OPORA" --dir $n peer remove RU-SA >/dev/null; done
D=$("$OPORA" --dir SMO person add --surname Петрова --name Анна \
    --birth-date 2005-04-12 --sex F) || fail "person add"
share SMO KLU "$D"	# KLU follows SMO's writes to D (lib.sh)
serve SMO
serve KLU
until_true 10 sh -c "sqlite3 KLU/opora.db \"SELECT 1 FROM persons WHERE dossier = '$D'\" | grep -q 1" ||
    fail "the offered dossier did not arrive"
sleep 1	# KLU's puller is now in a long poll on SMO

t0=$(date +%s%N)
ok "$OPORA" --dir KLU peer remove RU-SMO
until_true 3 grep -q 'stopped pulling from RU-SMO: it is no longer a peer' KLU.log ||
    fail "the puller of a removed peer did not stop"
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
echo "puller stopped ${ms} ms after the removal" >&2
[ "$ms" -lt 1000 ] || fail "the puller took $ms ms to stop (more than a second)"

# What the removed region writes afterwards never arrives.
before=$(db KLU "SELECT count(*) FROM changes")
ok "$OPORA" --dir SMO event add "$D" --date 2024-02-01 --type contact --text "После удаления"
sleep 2
[ "$(db KLU "SELECT count(*) FROM changes")" = "$before" ] ||
    fail "a change from a removed peer was applied"
grep -q 'no such peer' KLU.log && fail "the puller kept trying"

# Added again: pulled again, from the cursor it had.
ok "$OPORA" --dir KLU peer add SMO.card
until_true 10 sh -c "sqlite3 KLU/opora.db \"SELECT count(*) FROM changes\" | grep -qx $((before + 1))" ||
    fail "the peer added again was not pulled"
stop KLU
stop SMO
