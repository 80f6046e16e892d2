# Issue 10, class 2, through the real protocol: a hostile peer serves
# first changes for a dossier the victim already holds -- a version 2 root
# whose id is not the one derived from its author, and a version 1 root --
# and a change by a region that is not the custodian.  The victim's puller
# refuses them, records why, keeps serving its own card, and moves on.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-hostile.sh"
hostile_setup

D=$("$OPORA" --dir SMO person add --surname Иванова --name Анна \
    --birth-date 2005-04-12 --sex F) || fail "person add"
ROOT=$(db SMO "SELECT id FROM changes WHERE dossier = '$D'")
CREATE='[{"birth_date":"2000-01-01","name":"Подделка","op":"person.create","sex":"M","surname":"Подделкин"}]'
SET='[{"field":"surname","op":"person.set","value":"Захватов"}]'
{
	change "$D" '[]' "$CREATE" 2
	echo
	change "$D" '[]' "$CREATE" 1
	echo
	change "$D" "[\"$ROOT\"]" "$SET" 2
	echo
} | "$FORGE" KLU/signing.key > "$T/script/feed-0.json" || fail "forge"

hostile_start
serve SMO
until_true 15 sh -c "[ \$(sqlite3 SMO/opora.db 'SELECT count(*) FROM rejected') -ge 3 ]" ||
    fail "the forged changes were not refused"
# The puller took the page (its cursor moved on) and asked again.
until_true 10 sh -c "[ \$(sqlite3 SMO/opora.db \"SELECT cursor FROM peers WHERE region = 'RU-KLU'\") = 3 ]" ||
    fail "the cursor did not move past the refused page"
until_true 5 sh -c "grep -q 'since=3' $T/hostile.log" ||
    fail "the victim did not ask for the next page"
stop SMO
hostile_stop

# STORES: nothing of the forger; the card is Smolensk's.
[ "$(db SMO "SELECT count(*) FROM changes WHERE dossier = '$D'")" = 1 ] ||
    fail "a forged change of $D was stored"
[ "$(db SMO "SELECT surname FROM persons WHERE dossier = '$D'")" = Иванова ] ||
    fail "the forged card replaced Smolensk's"
ok "$OPORA" --dir SMO show "$D"
contains 'Иванова' "$T/out"
if grep -q 'Подделк\|Захватов' "$T/out"; then fail "show shows the forgery"; fi
ok "$OPORA" --dir SMO verify
# RECORDS: each refusal, with its reason.
ok "$OPORA" --dir SMO rejected list
contains 'must name the dossier id derived from its region, key and clock' "$T/out"
contains 'a version 1 first change' "$T/out"
# The malformed root is refused on its form, before its dossier is read:
# its row names no dossier ("?"); the other two name D.
[ "$(grep -c ' RU-KLU ' "$T/out")" = 3 ] || fail "expected three refusals"
[ "$(grep -c "RU-KLU .*$D: " "$T/out")" = 2 ] ||
    fail "expected two refusals naming $D"
contains "RU-KLU .*$D: this dossier is in the custody of RU-SMO" "$T/out"
# LOGS: the refusals, naming the peer.
[ "$(grep -c 'refused change .* from RU-KLU' "$T/SMO.log")" -ge 3 ] ||
    { cat "$T/SMO.log"; fail "the refusals were not logged"; }
# ... each with fields a collector can count by (docs/admin.md), and the
# pull's outcome too.
[ "$(grep -cE '^<4>level=warning msg="refused change [0-9a-f]{16} from RU-KLU: [^"]*" peer="RU-KLU" change="[0-9a-f]{64}" reason="[^"]+"$' "$T/SMO.log")" -ge 3 ] ||
    { cat "$T/SMO.log"; fail "a refusal's fields"; }
contains '^<6>level=info msg="from RU-KLU: [0-9]+ applied, [1-9][0-9]* refused, [0-9]+ already here" peer="RU-KLU" applied="[0-9]+" refused="[1-9][0-9]*" already_here="[0-9]+"$' "$T/SMO.log"
node_status SMO
contains 'refused changes: 3' "$T/out"
