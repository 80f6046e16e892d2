# A write that finds the node's database held by another connection for
# longer than it waits (10 s: node/store.c, STORE_BUSY_MS) is not an I/O
# error: it says the database was busy, that nothing was written and to
# run it again, and exits 75 (EX_TEMPFAIL); before, it said nothing of
# the kind and exited 74, which tells an admin to look at the disk.
. "$TOP/tests/cli/lib.sh"
ok "$OPORA" --dir a init --region RU-SMO --url https://127.0.0.1:1
D=$("$OPORA" --dir a person add --surname Иванова --name Анна \
    --birth-date 2004-05-06 --sex F) || fail "person add"
D=${D%%/*}
# Another connection holds the write lock for 30 s (killed below).
python3 - a/opora.db "$T/held" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=1)
c.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(30)
PY
holder=$!
until_true 10 test -e "$T/held" || { kill $holder; fail "the lock was not taken"; }
refuses 75 'database was busy .* nothing was written; run the command again' \
    "$OPORA" --dir a event add "$D" --date 2024-02-01 --type contact \
    --text "Встреча"
kill $holder 2>/dev/null
wait $holder 2>/dev/null
# Free again: the same command succeeds, once.
ok "$OPORA" --dir a event add "$D" --date 2024-02-01 --type contact \
    --text "Встреча"
ok "$OPORA" --dir a show "$D"
[ "$(grep -c 'Встреча' "$T/out")" = 1 ] || fail "the event was written twice or not at all"
exit 0
