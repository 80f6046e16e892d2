# A damaged database is found and the way out is said.  'opora verify'
# runs SQLite's integrity_check: an index that no longer matches its table
# is reported naming the file, with what to do (exit 65).  A node whose
# views are missing or damaged (a dropped table; a page overwritten) while
# its log is intact recovers with 'opora rebuild', which makes the views
# again from the log.  Before, verify said "intact" and rebuild exited 70.
. "$TOP/tests/cli/lib.sh"
mknode N
D=$("$OPORA" --dir N person add --surname Иванова --name Анна \
    --birth-date 2005-04-12 --sex F) || fail "person add"
for m in 01 02 03; do
	ok "$OPORA" --dir N event add "$D" --date 2024-$m-10 --type contact \
	    --text "Встреча $m"
done
ok "$OPORA" --dir N digest "$D"; before=$(cat "$T/out")
ok "$OPORA" --dir N verify
# An export to a full disk is not taken for a whole one.
"$OPORA" --dir N export --for RU-SMO >/dev/full 2>"$T/err"
[ $? = 74 ] || fail "export to a full disk did not exit 74"
contains 'cannot write the feed: No space left on device' "$T/err"

# 1. An index of the log that SQLite calls malformed.
cp N/opora.db saved.db
db N "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp N/opora.db clean.db
db N "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET
    sql = 'CREATE INDEX changes_dossier ON changes (hlc)'
    WHERE name = 'changes_dossier'"
refuses 65 "N/opora.db is damaged: .*changes_dossier" \
    "$OPORA" --dir N verify
contains 'restore it from a backup' "$T/err"
contains 'verify FAILED' "$T/err"
cp clean.db N/opora.db
rm -f N/opora.db-wal N/opora.db-shm
ok "$OPORA" --dir N verify

# 2. A view table dropped: rebuild makes it again.
db N "DROP TABLE events"
"$OPORA" --dir N show "$D" >/dev/null 2>&1 && fail "show worked without events"
ok "$OPORA" --dir N rebuild
contains 'rebuilt 1 dossier$' "$T/out"
contains "the views in N/opora.db cannot be emptied" "$T/err"
ok "$OPORA" --dir N verify
ok "$OPORA" --dir N digest "$D"
[ "$(cat "$T/out")" = "$before" ] || fail "the rebuilt dossier differs"

# 3. A page of a view table overwritten: rebuild still recovers, and
# verify (integrity_check included) passes afterwards.
db N "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
root=$(db N "SELECT rootpage FROM sqlite_schema WHERE name = 'events'")
size=$(db N "PRAGMA page_size")
head -c "$size" /dev/zero | tr '\0' '\377' |
    dd of=N/opora.db bs="$size" seek=$((root - 1)) conv=notrunc 2>/dev/null
# Any command reading the damaged page says so, and what to do.
"$OPORA" --dir N show "$D" >/dev/null 2>"$T/err" &&
    fail "show answered from a damaged page"
contains "N/opora.db is damaged: database disk image is malformed" "$T/err"
contains "run 'opora rebuild'" "$T/err"
refuses 65 "N/opora.db is damaged" "$OPORA" --dir N verify
contains "'opora rebuild'" "$T/err"
ok "$OPORA" --dir N rebuild
contains 'rebuilt 1 dossier$' "$T/out"
ok "$OPORA" --dir N verify
ok "$OPORA" --dir N digest "$D"
[ "$(cat "$T/out")" = "$before" ] || fail "the rebuilt dossier differs"
ok "$OPORA" --dir N show "$D"
contains 'Встреча 03' "$T/out"
