# A statement whose undo pages outgrow what SQLite keeps in memory (120
# KiB, store_configure) keeps them in a file in $SQLITE_TMPDIR.  Erasing
# a dossier of some 200 KB of changes is such a statement.  With that
# directory full, the erasure is refused as on a full disk (exit 79), with
# a message (and a log line) naming the temporary directory, not the
# node's; nothing of it is kept, and it succeeds once there is room
# (docs/admin.md, "Memory and disk").  The directory is a small tmpfs
# this test mounts (root only; elsewhere it says so and skips).
. "$TOP/tests/cli/lib.sh"
mkdir "$T/fs"
if ! mount -t tmpfs -o size=2m,mode=0755 tmpfs "$T/fs" 2>/dev/null; then
	echo "skipped: cannot mount a tmpfs here (needs root)" >&2
	exit 0
fi
trap 'umount "$T/fs" 2>/dev/null; cleanup' EXIT INT TERM
"$OPORA" --dir N init --region RU-SMO 2>/dev/null || fail "init"
D=$("$OPORA" --dir N person add --surname Иванова --name Анна \
    --birth-date 2005-04-12 --sex F) || fail "person add"
text=$(head -c 2500 /dev/zero | tr '\0' x)
i=0
while [ $i -lt 80 ]; do
	"$OPORA" --dir N event add "$D" --date 2024-02-01 --type contact \
	    --text "$text" >/dev/null || fail "event add $i"
	i=$((i + 1))
done
before=$(db N "SELECT count(*) FROM changes")
[ "$(db N "SELECT sum(length(bytes)) > 200000 FROM changes")" = 1 ] ||
    fail "the dossier's changes are smaller than the test needs"
# The temporary directory full to the last block.
dd if=/dev/zero of="$T/fs/filler" bs=4k 2>/dev/null
export SQLITE_TMPDIR="$T/fs"
refuses 79 'the temporary directory is full' "$OPORA" --dir N person erase \
    "$D" --ground "152-ФЗ, ст. 21, ч. 4"
contains "\\($T/fs\\)" "$T/err"
grep -q "node's directory" "$T/err" && fail "the node's directory blamed"
# The log line (as serve's log would have it) says the same.
contains "database N/opora.db: SQLite's temporary directory is full" "$T/err"
grep -q 'database or disk is full' "$T/err" && fail "the log blamed the disk"
[ "$(db N "SELECT count(*) FROM changes")" = "$before" ] ||
    fail "the refused erasure changed the log"
[ "$(db N "SELECT count(*) FROM persons WHERE dossier = '$D'")" = 1 ] ||
    fail "the refused erasure removed the person"
# Room again: the same command works, and the dossier is gone.
rm -f "$T/fs/filler"
ok "$OPORA" --dir N person erase "$D" \
    --ground "152-ФЗ, ст. 21, ч. 4"
[ "$(db N "SELECT count(*) FROM persons WHERE dossier = '$D'")" = 0 ] ||
    fail "the erasure left the person"
ok "$OPORA" --dir N verify
