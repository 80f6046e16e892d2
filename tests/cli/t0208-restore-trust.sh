# A backup is read as a node is (docs/admin.md, "Permissions: what opora
# trusts"), and a restore that does not finish leaves no node behind.  The
# attacks, each of which worked before: a FIFO in a backup's place of a
# file hung 'restore' for ever (and left a half-made directory); a backup
# directory of another user (who could put any database in it) was
# restored; 'backup' wrote into another user's directory and chmod-ed
# through a symbolic link; and a restore killed after the copy left a
# directory that looked like a whole node and had never been verified.
. "$TOP/tests/cli/lib.sh"
SHIM="$TOP/build/shortwrite.so"
[ -f "$SHIM" ] || fail "build/shortwrite.so is missing (make unit)"
AO="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

ok "$OPORA" --dir a init --region RU-SMO --url https://127.0.0.1:1
D=$("$OPORA" --dir a person add --surname Иванова --name Анна \
    --birth-date 2004-05-06 --sex F) || fail "person add"
ok "$OPORA" --dir a backup bak

# absent DIR...: none of them exists.
absent() {
	for d in "$@"; do
		[ ! -e "$d" ] || fail "$d was left behind"
	done
	ls -d ./*.restore-* 2>/dev/null && fail "a staging directory was left"
	return 0
}

# A FIFO in place of a key, of the database: refused at once, not hung.
cp -a bak fifo
rm fifo/signing.key
mkfifo -m 600 fifo/signing.key
refuses 78 'signing.key is not a regular file' \
    timeout 60 "$OPORA" restore fifo R
absent R
cp -a bak fifo2
rm fifo2/opora.db
mkfifo -m 600 fifo2/opora.db
refuses 78 'opora.db is not a regular file' \
    timeout 60 "$OPORA" restore fifo2 R
absent R
# A link in a backup is not followed.
cp -a bak link
mv link/tls.key tls.key.elsewhere
ln -s "$PWD/tls.key.elsewhere" link/tls.key
refuses 78 'tls.key is a symbolic link' "$OPORA" restore link R
absent R
# A file too large to be a node's: a damaged backup.
cp -a bak big
head -c 2000000 /dev/zero >> big/opora.conf
refuses 65 'larger than 1 MiB' "$OPORA" restore big R
absent R
# A key others may read: refused with the fix.
cp -a bak open
chmod 644 open/signing.key
refuses 78 'chmod 600' "$OPORA" restore open R
absent R
# Into a symbolic link to an empty directory: refused, and the directory
# it points to is left as it was (not chmod-ed).
mkdir -m 755 target
ln -s target Rlink
refuses 73 'symbolic link' "$OPORA" restore bak Rlink
[ "$(stat -c %a target)" = 755 ] || fail "restore chmod-ed through a link"
[ -z "$(ls -A target)" ] || fail "restore wrote through a link"
refuses 73 'symbolic link' "$OPORA" --dir a backup Rlink
[ "$(stat -c %a target)" = 755 ] || fail "backup chmod-ed through a link"
[ -z "$(ls -A target)" ] || fail "backup wrote through a link"

# Another user's backup, another user's empty directory (root only can
# give files away: as root, in make check's CI).
if [ "$(id -u)" = 0 ]; then
	cp -a bak theirs
	chown -R nobody theirs
	refuses 78 'belongs to nobody' "$OPORA" restore theirs R
	absent R
	mkdir -m 777 shared
	chown nobody shared
	refuses 73 'belongs to nobody' "$OPORA" --dir a backup shared
	[ -z "$(ls -A shared)" ] || fail "backup wrote into nobody's directory"
	refuses 73 'belongs to nobody' "$OPORA" restore bak shared
	[ -z "$(ls -A shared)" ] || fail "restore wrote into nobody's directory"
fi

# A row of the log moved to another dossier (so that it would be served
# to the regions entitled to that one), region, key or clock, its signed
# bytes untouched: verify compares the row with the bytes, and the
# restore is refused.  (Before, region and key went unnoticed, and a
# dossier moved with its heads mended too.)
E=$("$OPORA" --dir a person add --surname Петрова --name Вера \
    --birth-date 2004-05-07 --sex F) || fail "person add"
E=${E%%/*}
ok "$OPORA" --dir a event add "$E" --date 2024-02-01 --type contact \
    --text "не для чужих"
ok "$OPORA" --dir a backup bak2
for set in "dossier = '${D%%/*}'" "region = 'RU-KLU'" \
    "key_id = '0123456789abcdef'" "hlc = '0000000000000001'"; do
	rm -rf moved
	cp -a bak2 moved
	sqlite3 moved/opora.db "UPDATE changes SET $set WHERE seq =
	    (SELECT max(seq) FROM changes)" || fail "edit the copy: $set"
	refuses 65 'not what its signed bytes say' "$OPORA" restore moved R
	absent R
done

# The schema: a trigger planted in a backup (it would offer every dossier
# made from then on to another region, acting on every change to come),
# the audit's append-only trigger dropped, a table's definition changed.
for sql in "CREATE TRIGGER zz AFTER INSERT ON changes BEGIN
        INSERT OR IGNORE INTO forgotten_to VALUES (NEW.dossier, 'RU-TVE');
    END" "DROP TRIGGER audit_no_delete"; do
	rm -rf moved
	cp -a bak2 moved
	sqlite3 moved/opora.db "$sql" || fail "edit the copy: $sql"
	refuses 65 'schema: trigger (zz is not one this opora makes|audit_no_delete is missing)' \
	    "$OPORA" restore moved R
	absent R
done

# A feed number beyond 2^53-1 (every peer's pull would stop at it).
rm -rf moved
cp -a bak2 moved
sqlite3 moved/opora.db "PRAGMA foreign_keys = OFF;
    UPDATE parents SET child = 9007199254740992 WHERE child =
        (SELECT max(seq) FROM changes);
    UPDATE changes SET seq = 9007199254740992 WHERE seq =
        (SELECT max(seq) FROM changes)" || fail "edit the copy: seq"
refuses 65 'feed number is not from 1 to 2.53-1' "$OPORA" restore moved R
absent R

# Another node's signing key in the backup (a backup mixed up): the
# restored node would sign changes every peer refuses.  Refused at open,
# and so the backup as damaged.
ok "$OPORA_BIN" --dir other init --region RU-KLU
cp -a bak mixed
cp other/signing.key mixed/signing.key
refuses 65 'not a signing key of RU-SMO' "$OPORA" restore mixed R
absent R

# Killed at its very last write (the restore's audit entry, after the
# copy, the new epoch and verify): no node R, only the staging directory
# beside it; then a restore runs whole.  The shim counts pwrite64 calls
# (SHORTWRITE_LOG), and kills at the last one (SHORTWRITE_KILL).
env LD_PRELOAD="$SHIM" SHORTWRITE_LOG="$T/w.log" ASAN_OPTIONS="$AO" \
    "$OPORA" restore bak Rcount >/dev/null 2>&1 || fail "counting restore"
last=$(wc -l < "$T/w.log")
[ "$last" -ge 2 ] || fail "too few writes to aim at: $last"
rc=0
env LD_PRELOAD="$SHIM" SHORTWRITE_AFTER=$((last - 1)) SHORTWRITE_KILL=1 \
    ASAN_OPTIONS="$AO" "$OPORA" restore bak R >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 137 ] || fail "the restore was not killed at its last write ($rc)"
[ ! -e R ] || fail "a killed restore left R, never verified"
ls -d R.restore-* >/dev/null 2>&1 || fail "no staging directory"
ok "$OPORA" restore bak R
contains 'restored into R' "$T/out"
contains 'R: NEW FEED EPOCH' "$T/err"
ok "$OPORA" --dir R verify
ok "$OPORA" --dir R show "$D"
# Into an existing empty directory of ours: it takes its place.
mkdir R2
ok "$OPORA" restore bak R2
[ "$(stat -c %a R2)" = 700 ] || fail "R2 is not 0700"
ok "$OPORA" --dir R2 verify
# A backup made by a later release (its schema newer than this one's):
# refused as every command refuses such a node, 78 and "upgrade", with
# nothing left behind.
cp -R bak newer
chmod 700 newer
sqlite3 newer/opora.db 'PRAGMA user_version = 99'
refuses 78 'newer opora' "$OPORA" restore newer R3
[ ! -e R3 ] || fail "a refused restore left R3"
ls -d R3.restore-* >/dev/null 2>&1 && fail "a refused restore left its staging directory"
exit 0
