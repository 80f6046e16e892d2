# The threads of an import have their names (docs/admin.md, "Monitoring"),
# and the import's own thread, which makes the changes, keeps the
# program's name: the check pass checks one share of the dossiers on it,
# and once named that thread "opora-check" for the rest of the import.
# The import is held at the start of its make pass, after the check, by a
# write lock another connection holds, and its threads are read meanwhile.
. "$TOP/tests/cli/lib.sh"
mknode M
awk 'BEGIN {
	for (d = 0; d < 40; d++) {
		printf("{\"dossier\":\"P%d\",\"op\":\"person.create\",\"surname\":\"Петрова%d\",\"name\":\"Анна\",\"birth_date\":\"2004-01-%02d\",\"sex\":\"F\"}\n", d, d, d % 28 + 1)
		for (e = 0; e < 5; e++)
			printf("{\"dossier\":\"P%d\",\"op\":\"event.add\",\"date\":\"2024-02-%02d\",\"type\":\"contact\",\"text\":\"Встреча %d\"}\n", d, e + 1, e)
	}
}' > reg.jsonl
mkfifo lockctl
sqlite3 M/opora.db < lockctl > /dev/null 2>&1 &
LOCK=$!
PIDS="$PIDS $LOCK"
exec 3> lockctl
# With a busy timeout: the probe below holds the lock for a moment, and a
# BEGIN that met it without one would fail, leaving nothing held.
echo ".timeout 10000" >&3
echo "BEGIN IMMEDIATE;" >&3
locked() {
	! sqlite3 M/opora.db "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1
}
until_true 5 locked || fail "the lock was not taken"
"$OPORA" --dir M import reg.jsonl > out 2> err &
IMP=$!
PIDS="$PIDS $IMP"
# The program's name, as the kernel keeps it (15 bytes); the wrapper
# (lib.sh) has its own until it execs the program.
prog=$(basename "$OPORA_BIN" | cut -c1-15)
until_true 5 sh -c "[ \"\$(cat /proc/$IMP/comm)\" = '$prog' ]" ||
    fail "the import did not start"
# The check of 240 lines takes milliseconds; the import then waits for
# the lock (up to 10 s).  Its own thread is read ten times a second for
# two seconds: always the program's name.
n=0
while [ $n -lt 20 ]; do
	kill -0 "$IMP" 2>/dev/null || { cat err >&2; fail "the import ended while the database was locked"; }
	main=$(cat /proc/"$IMP"/comm 2>/dev/null) || main=$prog
	[ "$main" = "$prog" ] || fail "the import's own thread is named \"$main\", not $prog"
	sleep 0.1
	n=$((n + 1))
done
echo "COMMIT;" >&3
exec 3>&-
wait "$IMP" || { cat err >&2; fail "the import failed after the lock was released"; }
# The other connection may still be closing (the last one to close
# checkpoints the WAL, under a lock the shell's reader would meet).
wait "$LOCK"
[ "$(db M 'SELECT count(*) FROM changes')" = 240 ] ||
    fail "the import did not make its 240 changes"
