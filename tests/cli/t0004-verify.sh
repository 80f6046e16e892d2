# verify finds a flipped byte in a stored change, a damaged signature, a
# broken parent link and an edited view row, and names what is wrong.
. "$TOP/tests/cli/lib.sh"
mknode smo
export OPORA_DIR=smo
ok "$OPORA" person add --surname Иванова --name Анна --birth-date 2005-04-12 --sex F
D=$(cat "$T/out")
ok "$OPORA" event add "$D" --date 2024-02-01 --type housing --text "Получила квартиру"
E=$(cut -d/ -f1 "$T/out")
ok "$OPORA" event add "$D" --date 2024-03-01 --type contact --text "Звонок"
ok "$OPORA" verify
cp smo/opora.db pristine.db

# One byte of a change's text: 'Звонок' becomes 'Звонол'.
db smo "UPDATE changes SET bytes = CAST(replace(CAST(bytes AS TEXT), 'Звонок', 'Звонол') AS BLOB) WHERE instr(CAST(bytes AS TEXT), 'Звонок') > 0"
refuses 65 'bytes hash to .* the change was altered' "$OPORA" verify
contains 'verify FAILED' "$T/err"

# The same byte, with the id changed to match: the signature catches it.
cp pristine.db smo/opora.db
db smo "UPDATE changes SET bytes = CAST(replace(CAST(bytes AS TEXT), 'Звонок', 'Звонол') AS BLOB) WHERE instr(CAST(bytes AS TEXT), 'Звонок') > 0"
db smo "SELECT writefile('c.bin', bytes) FROM changes WHERE instr(CAST(bytes AS TEXT), 'Звонол') > 0" >/dev/null
new=$(sha256sum c.bin | cut -c1-64)
old=$(db smo "SELECT id FROM changes WHERE instr(CAST(bytes AS TEXT), 'Звонол') > 0")
db smo "UPDATE changes SET id = '$new' WHERE id = '$old'; UPDATE heads SET id = '$new' WHERE id = '$old'; UPDATE parents SET child = '$new' WHERE child = '$old'"
refuses 65 'signature does not verify' "$OPORA" verify

# A damaged signature.
cp pristine.db smo/opora.db
db smo "UPDATE changes SET sig = zeroblob(64) WHERE id = '$E'"
refuses 65 "change $E .*signature does not verify" "$OPORA" verify

# A missing parent: the event's change is removed from the log.
cp pristine.db smo/opora.db
db smo "DELETE FROM changes WHERE id = '$E'"
refuses 65 "parent $E is missing" "$OPORA" verify

# One view row edited by hand.
cp pristine.db smo/opora.db
db smo "UPDATE events SET text = 'Подделка' WHERE text = 'Звонок'"
refuses 65 "dossier $D: the stored views differ from its log" "$OPORA" verify
# rebuild mends the views from the log alone.
ok "$OPORA" rebuild
ok "$OPORA" verify
ok "$OPORA" show "$D"
contains 'Звонок' "$T/out"

# A key anyone can sign as (the identity point), stored by a node older
# than the check on cards: verify names it and says how to revoke it.
cp pristine.db smo/opora.db
db smo "INSERT INTO keys (key_id, region, pub, added) VALUES ('ed25519:identity', 'RU-TVE', X'0100000000000000000000000000000000000000000000000000000000000000', 0)"
refuses 65 "key ed25519:identity of RU-TVE: not a sound Ed25519 key .*anyone could sign as it.*peer revoke-key" "$OPORA" verify
contains 'verify FAILED: 1 problem' "$T/err"
cp pristine.db smo/opora.db
ok "$OPORA" verify

# A change stored twice (no index keeps an id once since schema 12: the
# trigger changes_once drops a second insert, and verify checks that it
# did).  The trigger holds against a hand-made insert too; without it,
# verify finds the second copy.
cp pristine.db smo/opora.db
db smo "INSERT INTO changes (id, dossier, hlc, key_id, region, bytes, sig,
    received) SELECT id, dossier, hlc, key_id, region, bytes, sig, received
    FROM changes WHERE id = '$E'"
[ "$(db smo "SELECT count(*) FROM changes WHERE id = '$E'")" = 1 ] ||
    fail "the trigger let a change be stored twice"
ok "$OPORA" verify
db smo "DROP TRIGGER changes_once; INSERT INTO changes (id, dossier, hlc, key_id, region, bytes, sig,
    received) SELECT id, dossier, hlc, key_id, region, bytes, sig, received
    FROM changes WHERE id = '$E'"
refuses 65 "change $E is stored 2 times in the log" "$OPORA" verify
cp pristine.db smo/opora.db
ok "$OPORA" verify
