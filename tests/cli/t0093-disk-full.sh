# Issue 11: a full disk gets its own exit code and message (it used to be
# exit 78, "wrong directory or configuration"), keeps nothing half-done,
# and the node works again once there is room.  The node lives on a small
# tmpfs this test mounts (root only; elsewhere it says so and skips).
. "$TOP/tests/cli/lib.sh"
mkdir "$T/fs"
if ! mount -t tmpfs -o size=3m,mode=0755 tmpfs "$T/fs" 2>/dev/null; then
	echo "skipped: cannot mount a tmpfs here (needs root)" >&2
	exit 0
fi
trap 'umount "$T/fs" 2>/dev/null; cleanup' EXIT INT TERM
N="$T/fs/node"
"$OPORA" --dir "$N" init --region RU-SMO 2>/dev/null || fail "init on tmpfs"
D=$("$OPORA" --dir "$N" person add --surname Иванова --name Анна \
    --birth-date 2005-04-12 --sex F) || fail "person add"
before=$(db "$N" "SELECT count(*) FROM changes")
# Fill the file system to the last block.
dd if=/dev/zero of="$T/fs/filler" bs=64k 2>/dev/null
i=0
rc=0
# Writes until SQLite has no page left: each refused with exit 79.
while [ $i -lt 50 ]; do
	"$OPORA" --dir "$N" event add "$D" --date 2024-02-01 --type contact \
	    --text "$(head -c 3000 /dev/zero | tr '\0' x)" >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc = 0 ] || break
	i=$((i + 1))
done
[ "$rc" = 79 ] || { cat "$T/err" >&2; fail "a full disk: exit $rc, not 79"; }
contains 'the disk is full' "$T/err"
grep -q 'configuration' "$T/err" && fail "a full disk called a configuration error"
# Room again: nothing half-done was kept, the same command works, and
# the node is whole.
rm -f "$T/fs/filler"
after=$(db "$N" "SELECT count(*) FROM changes")
[ "$after" = $((before + i)) ] || fail "a refused write left something: $before + $i != $after"
ok "$OPORA" --dir "$N" event add "$D" --date 2024-02-01 --type contact \
    --text "После освобождения места"
ok "$OPORA" --dir "$N" verify
