# Local trust, as ssh's StrictModes: a node directory, its configuration,
# keys or database that is a symbolic link, belongs to another user, or is
# open to group or other is refused with a message naming the file and the
# command that fixes it; after that fix the node works.  init makes every
# file with its mode whatever the umask, and refuses a place another user
# controls.  (The tests run as root: "another user" is nobody.)
. "$TOP/tests/cli/lib.sh"

# init under umask 000 still makes 0700 / 0600 (tls.crt 0644).
(umask 000; "$OPORA" --dir smo init --region RU-SMO) 2>/dev/null ||
    fail "init under umask 000"
[ "$(stat -c %a smo)" = 700 ] || fail "node directory is not 0700"
for f in opora.conf opora.db signing.key tls.key; do
	[ "$(stat -c %a smo/$f)" = 600 ] || fail "$f is not 0600"
done
[ "$(stat -c %a smo/tls.crt)" = 644 ] || fail "tls.crt is not 0644"
ok "$OPORA" --dir smo id
"$OPORA" --dir smo id > good.card || fail "id"

# bad FILE MODE-OR-OWNER PATTERN: FILE spoiled, the node refused with
# PATTERN (and the file named), then FILE repaired by the command the
# message gave, and the node works again with the same key.
spoil_chmod() {
	f=$1; m=$2; pat=$3
	chmod "$m" "$f"
	refuses 78 "$pat" "$OPORA" --dir smo id
	contains "$f" "$T/err"
	fix=$(sed -n 's/.*fix with: \(chmod [^ ]* [^ ]*\).*/\1/p' "$T/err")
	[ -n "$fix" ] || fail "no fix told for $f"
	$fix || fail "the fix failed: $fix"
	ok "$OPORA" --dir smo id
	cmp -s "$T/out" good.card || fail "a different node after the fix"
}
spoil_chmod smo/signing.key 644 'signing key smo/signing.key has mode 0644.*chmod 600 smo/signing.key'
spoil_chmod smo/signing.key 640 'group or other may read'
spoil_chmod smo/signing.key 604 'chmod 600'
spoil_chmod smo/tls.key 640 'TLS key smo/tls.key has mode 0640.*chmod 600'
spoil_chmod smo/opora.conf 644 'configuration smo/opora.conf has mode 0644.*chmod 600'
spoil_chmod smo/opora.db 660 'database smo/opora.db has mode 0660.*chmod 600'
spoil_chmod smo/tls.crt 666 'TLS certificate smo/tls.crt has mode 0666.*chmod go-w'
spoil_chmod smo 770 'node directory smo has mode 0770.*chmod go-w smo'
spoil_chmod smo 707 'node directory smo has mode 0707.*chmod go-w smo'

# Owned by another user: who owns it could have replaced it.
spoil_chown() {
	f=$1; what=$2
	chown nobody "$f"
	refuses 78 "$what $f belongs to nobody.*chown root $f" \
	    "$OPORA" --dir smo id
	chown root "$f"
	ok "$OPORA" --dir smo id
}
spoil_chown smo/signing.key 'signing key'
spoil_chown smo/tls.key 'TLS key'
spoil_chown smo/tls.crt 'TLS certificate'
spoil_chown smo/opora.conf 'configuration'
spoil_chown smo/opora.db 'database'
spoil_chown smo 'node directory'
# A write-ahead log someone else left beside the database.
: > smo/opora.db-wal
chmod 600 smo/opora.db-wal
chown nobody smo/opora.db-wal
refuses 78 'database log smo/opora.db-wal belongs to nobody' \
    "$OPORA" --dir smo id
rm -f smo/opora.db-wal

# The attack itself: another user's key put in place of ours (0644, as
# found) is never loaded, whatever its content.
mknode other RU-KLU
mv smo/signing.key smo/signing.key.real
cp other/signing.key smo/signing.key
chown nobody smo/signing.key
chmod 644 smo/signing.key
refuses 78 'signing key smo/signing.key belongs to nobody' \
    "$OPORA" --dir smo id
# The server, which signs for the node, refuses to start on it too.
refuses 78 'signing key smo/signing.key belongs to nobody' \
    timeout 10 "$OPORA" --dir smo serve
mv smo/signing.key.real smo/signing.key

# Symbolic links: the directory, the key, the configuration.
ln -s smo smolink
refuses 78 'node directory smolink is a symbolic link' \
    "$OPORA" --dir smolink id
for f in signing.key opora.conf tls.key; do
	mv smo/$f smo/$f.real
	ln -s "$T/smo/$f.real" smo/$f
	refuses 78 "smo/$f is a symbolic link" "$OPORA" --dir smo id
	rm smo/$f
	mv smo/$f.real smo/$f
done
ok "$OPORA" --dir smo id

# A directory above the node that others may write: they could move the
# node away and put their own in its place.  A sticky one (/tmp) is fine.
mkdir -p up
mv smo up/smo
chmod 775 up
refuses 78 "directory $T/up, above the node, has mode 0775.*chmod go-w $T/up" \
    "$OPORA" --dir up/smo id
chmod 1777 up
ok "$OPORA" --dir up/smo id
chmod 755 up
chown nobody up
refuses 78 "directory $T/up, above the node, belongs to nobody" \
    "$OPORA" --dir up/smo id
chown root up
ok "$OPORA" --dir up/smo id

# init refuses a directory another user owns, a link to a directory, and
# a place under a directory others may write; nothing is made there.
mkdir theirs
chown nobody theirs
refuses 73 'node directory theirs belongs to nobody.*chown root theirs' \
    "$OPORA" --dir theirs init --region RU-KLU
[ -z "$(ls -A theirs)" ] || fail "init wrote into another user's directory"
[ "$(stat -c %U theirs)" = nobody ] || fail "init took the directory"
mkdir real
ln -s real reallink
refuses 73 'node directory reallink is a symbolic link' \
    "$OPORA" --dir reallink init --region RU-KLU
[ -z "$(ls -A real)" ] || fail "init wrote through a symbolic link"
mkdir open
chmod 777 open
refuses 73 "directory $T/open, above the node, has mode 0777" \
    "$OPORA" --dir open/n init --region RU-KLU
[ ! -e open/n ] || fail "init made a node under an open directory"
# An empty directory of ours is taken, and made 0700.
mkdir mine
chmod 755 mine
ok "$OPORA" --dir mine init --region RU-KLU
[ "$(stat -c %a mine)" = 700 ] || fail "init left the directory open"
exit 0
