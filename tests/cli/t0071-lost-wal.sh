# A log that goes back by itself (issue 11): a node killed with SIGKILL
# whose -wal file is then lost forgets changes its peer had already
# pulled.  At the next open it finds its log below its witness (feed.head),
# begins a new feed epoch and says so; the changes it writes next, numbered
# below the peer's cursor, still reach the peer, and it gets back what it
# lost from the peer.
. "$TOP/tests/cli/lib.sh"

p=$(port_base)
for r in SMO KLU; do
	p=$((p + 1))
	"$OPORA" --dir $r init --region RU-$r --url "https://127.0.0.1:$p" \
	    --listen "127.0.0.1:$p" 2>/dev/null || fail "init $r"
	"$OPORA" --dir $r id > $r.card
done
ok "$OPORA" --dir SMO peer add KLU.card
ok "$OPORA" --dir KLU peer add SMO.card
D=$("$OPORA" --dir SMO person add --surname Ivanova --name Anna \
    --birth-date 2005-04-12 --sex F) || fail "person add"
share SMO KLU "$D"	# KLU follows SMO's writes to D (lib.sh)
# Everything so far is in opora.db itself: the last connection's close
# checkpoints the WAL.
ok "$OPORA" --dir SMO verify
[ ! -s SMO/opora.db-wal ] || fail "the WAL was not checkpointed"
before=$(db SMO "SELECT count(*) FROM changes")
serve SMO
serve KLU

# While SMO serves, its connections keep these commits in opora.db-wal.
for i in 1 2 3 4 5 6; do
	ok "$OPORA" --dir SMO event add "$D" --date 2024-02-0$i --type contact \
	    --text "served then lost $i"
done
until_true 15 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'served then lost 6'" ||
    fail "SMO's writes did not reach KLU"
E0=$(sed -n 's/^\([0-9a-f]\{32\}\) .*/\1/p' SMO/feed.head)
H0=$(sed -n 's/^[0-9a-f]\{32\} 0*\([0-9]*\) .*/\1/p' SMO/feed.head)
[ "$H0" -gt "$before" ] || fail "the witness does not cover what was served"

# The crash, and the loss of the WAL.
eval "pid=\$PID_SMO"
kill -9 "$pid"
wait "$pid" 2>/dev/null
PIDS=$(echo "$PIDS" | sed "s/ $pid\\b//")
[ -s SMO/opora.db-wal ] || fail "no WAL to lose"
rm -f SMO/opora.db-wal SMO/opora.db-shm
[ "$(db SMO 'SELECT count(*) FROM changes')" = "$before" ] ||
    fail "the loss was not simulated"

# The next open finds the log below its witness: a new epoch, loudly.
node_status SMO --json
contains 'NEW FEED EPOCH' "$T/err"
contains 'had been served' "$T/err"
contains '"epoch_reason":"the log ends at feed number' "$T/out"
grep -q "\"epoch\":\"$E0\"" "$T/out" && fail "the epoch did not change"
E1=$(sed -n 's/^\([0-9a-f]\{32\}\) .*/\1/p' SMO/feed.head)
[ "$E1" != "$E0" ] || fail "feed.head kept the old epoch"
# Only once: the next open finds nothing wrong.
node_status SMO
grep -q 'NEW FEED EPOCH' "$T/err" && fail "a second new epoch"

# New changes take the numbers KLU has passed (6 were lost, these are 4):
# a new dossier offered to KLU (its offer alone goes), and an event whose
# parents KLU holds,
# so no repair of missing parents would fetch them either.
ok "$OPORA" --dir SMO event add "$D" --date 2024-03-01 --type contact \
    --text "after the loss"
G=$("$OPORA" --dir SMO person add --surname Sidorova --name Olga \
    --birth-date 2006-05-06 --sex F) || fail "person add after the loss"
ok "$OPORA" --dir SMO consent add "$G" --scope transfer --date 2024-03-02 \
    --document "No 2"
ok "$OPORA" --dir SMO transfer offer "$G" --to RU-KLU --reason move
[ "$(db SMO 'SELECT max(seq) FROM changes')" -le "$H0" ] ||
    fail "the new changes are not numbered below what KLU passed"
serve SMO
until_true 20 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'after the loss'" ||
    fail "KLU never got the event written after the loss"
until_true 20 sh -c "'$OPORA' --dir KLU transfer list --incoming | grep -q Sidorova" ||
    fail "KLU never got the offer of the dossier begun after the loss"
# SMO gets back what it lost, from KLU.
until_true 20 sh -c "'$OPORA' --dir SMO show '$D' | grep -q 'served then lost 6'" ||
    fail "SMO did not get back its lost changes"
for x in "$D"; do
	until_true 10 sh -c "[ \"\$('$OPORA' --dir SMO digest '$x')\" = \
	    \"\$('$OPORA' --dir KLU digest '$x')\" ]" ||
	    fail "digests of $x differ"
done
node_status KLU --json
contains '"resync_reason":"its feed epoch changed' "$T/out"
ok "$OPORA" --dir SMO verify
ok "$OPORA" --dir KLU verify
exit 0
