# Backups that restore (issue 11): 'opora backup' while the node serves,
# 'opora restore' into a new directory; the restored node verifies, begins
# a new feed epoch, serves, and converges with its peer, including what
# both wrote after the backup: the peer pulls the restored feed again from
# the start, so the changes numbered below its old cursor arrive.
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
serve SMO
serve KLU

# A dossier each, shared with the other (handed over and back, lib.sh):
# both hold both.
D=$("$OPORA" --dir SMO person add --surname Ivanova --name Anna \
    --birth-date 2005-04-12 --sex F) || fail "person add SMO"
F=$("$OPORA" --dir KLU person add --surname Petrov --name Ivan \
    --birth-date 2004-03-01 --sex M) || fail "person add KLU"
share SMO KLU "$D"
share KLU SMO "$F"
ok "$OPORA" --dir SMO event add "$D" --date 2024-01-10 --type contact \
    --text "before backup"
until_true 15 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'before backup'" ||
    fail "SMO's dossier did not reach KLU"
until_true 15 sh -c "'$OPORA' --dir SMO show '$F' | grep -q Petrov" ||
    fail "KLU's dossier did not reach SMO"
E0=$(sed -n 's/^\([0-9a-f]\{32\}\) .*/\1/p' SMO/feed.head)
[ -n "$E0" ] || fail "no feed epoch in SMO/feed.head"
curl -sk "$(sed -n 's/^url = //p' SMO/opora.conf)/v1/health" > h.json
contains "\"epoch\":\"$E0\"" h.json

# The backup, while SMO serves: private, whole, and refused over itself.
ok "$OPORA" --dir SMO backup bak
contains 'backed up RU-SMO' "$T/out"
[ "$(stat -c %a bak)" = 700 ] || fail "backup directory is $(stat -c %a bak)"
for f in opora.db opora.conf signing.key tls.key tls.crt; do
	[ -f "bak/$f" ] || fail "backup lacks $f"
	[ "$(stat -c %a "bak/$f")" = 600 ] ||
	    fail "bak/$f is mode $(stat -c %a "bak/$f")"
done
[ ! -e bak/opora.db-wal ] || fail "the backup left a -wal file"
refuses 73 'not empty' "$OPORA" --dir SMO backup bak
mkdir junk && echo x > junk/x
refuses 73 'not empty' "$OPORA" --dir SMO backup junk
refuses 66 'not a backup' "$OPORA" restore junk R1
[ ! -e R1 ] || fail "a refused restore left R1"
# A TLS rotation under way: its next key goes with the backup.
ok "$OPORA" --dir KLU key rotate --tls
ok "$OPORA" --dir KLU backup kbak
for f in tls.next.key tls.next.crt; do
	[ "$(stat -c %a "kbak/$f")" = 600 ] || fail "kbak/$f missing or not 0600"
done

# After the backup: SMO writes (and KLU takes in) what the restore loses,
# KLU writes on its own dossier.
for i in 1 2 3; do
	ok "$OPORA" --dir SMO event add "$D" --date 2024-02-0$i --type contact \
	    --text "lost at SMO $i"
done
ok "$OPORA" --dir KLU event add "$F" --date 2024-02-05 --type contact \
    --text "KLU after backup"
until_true 15 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'lost at SMO 3'" ||
    fail "SMO's writes after the backup did not reach KLU"

# A damaged backup does not become a node.
cp -r bak bad
sqlite3 bad/opora.db "UPDATE changes SET sig = zeroblob(64) WHERE seq = 1" ||
    fail "damage the copy"
refuses 65 'does not verify' "$OPORA" restore bad R2
[ ! -e R2 ] || fail "a refused restore left R2"

# SMO's machine is lost; the backup is restored in its place.
stop SMO
ok "$OPORA" restore bak SMO2
contains 'restored into SMO2' "$T/out"
contains 'new feed epoch' "$T/out"
contains 'NEW FEED EPOCH' "$T/err"
[ "$(stat -c %a SMO2)" = 700 ] || fail "restored directory is not 0700"
for f in opora.db opora.conf signing.key tls.key tls.crt feed.head; do
	[ "$(stat -c %a "SMO2/$f")" = 600 ] || fail "SMO2/$f is not 0600"
done
ok "$OPORA" --dir SMO2 verify
# (Exit 1 when it lists a problem: the peer's state at the backup may be
# a failed pull, which says nothing of the restore.)
"$OPORA" --dir SMO2 status --json >"$T/out" 2>"$T/err"
case $? in 0|1) ;; *) cat "$T/err"; fail "status --json of SMO2" ;; esac
contains '"epoch_reason":"restored from a backup"' "$T/out"
grep -q "\"epoch\":\"$E0\"" "$T/out" && fail "the restored node kept its epoch"
ok "$OPORA" --dir SMO2 show "$D"
grep -q 'lost at SMO' "$T/out" && fail "the backup holds later writes?"

# The restored node writes before it serves: these changes take feed
# numbers KLU had passed in the old epoch.
for i in 1 2 3 4; do
	ok "$OPORA" --dir SMO2 event add "$D" --date 2024-03-0$i --type contact \
	    --text "after restore $i"
done
serve SMO2
for i in 1 2 3 4; do
	until_true 20 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'after restore $i'" ||
	    fail "KLU never got 'after restore $i' (numbers it had passed)"
done
# And the restored node gets back what it wrote after the backup (from
# KLU, which holds it), and KLU's own writes.
until_true 20 sh -c "'$OPORA' --dir SMO2 show '$D' | grep -q 'lost at SMO 3'" ||
    fail "the restored node did not get back its own later writes"
until_true 20 sh -c "'$OPORA' --dir SMO2 show '$F' | grep -q 'KLU after backup'" ||
    fail "the restored node did not get KLU's later writes"

# Both hold the same, byte for byte; KLU says why it pulled again.
for x in "$D" "$F"; do
	until_true 10 sh -c "[ \"\$('$OPORA' --dir SMO2 digest '$x')\" = \
	    \"\$('$OPORA' --dir KLU digest '$x')\" ]" ||
	    fail "digests of $x differ"
done
node_status KLU
contains 'pulled again from its first change' "$T/out"
contains 'feed epoch changed' "$T/out"
contains 'feed epoch changed' "$T/KLU.log"
ok "$OPORA" --dir KLU verify
ok "$OPORA" --dir SMO2 verify
exit 0
