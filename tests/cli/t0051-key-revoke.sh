# A key is revoked from a time: by the admin of a peer ('peer revoke-key')
# or by its own region ('key revoke', announced in the card).  Changes it
# signed from then on are refused on receipt; those already held are listed.
. "$TOP/tests/cli/lib.sh"
three_nodes
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

D=$("$OPORA" --dir SMO person add --surname Сидоров --name Пётр \
    --birth-date 2003-05-06 --sex M) || fail "person add"
share SMO KLU "$D"	# KLU follows SMO's writes to D (lib.sh)
ok "$OPORA" --dir SMO transfer offer "$D" --to RU-KLU --reason "Переезд"
OLD=$("$OPORA" --dir SMO id | sed 's/.*"key_id":"\([0-9a-f]*\)".*/\1/')
sleep 1.1
TIME=$(now)
sleep 1.1
# Made after TIME: the key was already stolen then.
ok "$OPORA" --dir SMO event add "$D" --date 2024-08-01 --type contact \
    --text "После кражи"
E1=$(cat "$T/out")
ok "$OPORA" --dir SMO export --for RU-KLU
cp "$T/out" first.json
ok "$OPORA" --dir KLU receive --from RU-SMO first.json
contains 'applied 2' "$T/out"

# Kaluga's admin revokes the key from TIME: the change held is listed.
refuses 64 'usage' "$OPORA" --dir KLU peer revoke-key RU-SMO "$OLD"
refuses 64 'since' "$OPORA" --dir KLU peer revoke-key RU-SMO "$OLD" --since yesterday
refuses 66 "no key 0123456789abcdef of RU-SMO" "$OPORA" --dir KLU peer \
    revoke-key RU-SMO 0123456789abcdef --since "$TIME"
refuses 64 "use 'opora key revoke'" "$OPORA" --dir SMO peer revoke-key \
    RU-SMO "$OLD" --since "$TIME"
ok "$OPORA" --dir KLU peer revoke-key RU-SMO "$OLD" --since "$TIME"
contains "key $OLD of RU-SMO is revoked since" "$T/err"
contains "changes held here signed by key $OLD at or after" "$T/out"
contains "^  ${E1%%/*}  $D  " "$T/out"
contains '^1 change held' "$T/out"
# opora verify reports it too.
refuses 65 "change ${E1%%/*}.*revoked since" "$OPORA" --dir KLU verify

# A later change by that key is refused on receipt.
ok "$OPORA" --dir SMO event add "$D" --date 2024-08-02 --type contact \
    --text "Ещё после кражи"
ok "$OPORA" --dir SMO export --for RU-KLU
cp "$T/out" second.json
refuses 65 '' "$OPORA" --dir KLU receive --from RU-SMO second.json
contains 'refused 1' "$T/out"
ok "$OPORA" --dir KLU rejected list
contains "signed by key $OLD of RU-SMO, revoked since" "$T/out"
"$OPORA" --dir KLU show "$D" | grep -q 'Ещё после кражи' &&
    fail "a change by a revoked key was applied"

# The region's own statement: Smolensk rotates, then revokes its old key
# from TIME; its card says so, and Sakha (which never revoked it) takes it in.
refuses 64 'first make a new one' "$OPORA" --dir SMO key revoke "$OLD" \
    --since "$TIME"
ok "$OPORA" --dir SMO key rotate --overlap 0
NEW=$(cat "$T/out")
ok "$OPORA" --dir SMO key revoke "$OLD" --since "$TIME"
contains "key $OLD of RU-SMO is revoked since" "$T/err"
contains "^  ${E1%%/*}  $D  " "$T/out"
refuses 66 "no key $OLD of RU-KLU" "$OPORA" --dir KLU key revoke "$OLD" \
    --since "$TIME"
"$OPORA" --dir SMO id > SMO2.card || fail "id"
contains "\"revoked\":\\[\\{\"key_id\":\"$OLD\",\"since\":\"[0-9a-f]{16}\"\\}\\]" SMO2.card
ok "$OPORA" --dir SA peer add SMO2.card
ok "$OPORA" --dir SA key list --json
contains "\"key_id\":\"$OLD\",\"region\":\"RU-SMO\",\"state\":\"revoked\"" "$T/out"
# Sakha now refuses a change by the old key made after TIME, whoever relays it.
ok "$OPORA" --dir SMO transfer list --json
ok "$OPORA" --dir KLU transfer list --incoming --json
contains '"state":"offered"' "$T/out"
TR=$(db KLU "SELECT id FROM transfers WHERE dossier = '$D' AND state = 'offered'")
[ -n "$TR" ] || fail "no transfer id"
ok "$OPORA" --dir KLU transfer accept "$TR"
ok "$OPORA" --dir KLU consent add "$D" --scope transfer --date 2024-09-01 \
    --document "Заявление № 10"
ok "$OPORA" --dir KLU transfer offer "$D" --to RU-SA --reason "Дальше"
TS=$(cat "$T/out")
# Sakha accepts (the history comes with the accept, issue 13).
xfer KLU SA
ok "$OPORA" --dir SA transfer accept "$TS"
xfer SA KLU
ok "$OPORA" --dir KLU export --for RU-SA
cp "$T/out" relay.json
refuses 65 '' "$OPORA" --dir SA receive --from RU-KLU relay.json
ok "$OPORA" --dir SA rejected list
contains "signed by key $OLD of RU-SMO, revoked since" "$T/out"
# Kaluga revoked the old key before it signed the rotation: the rotation
# proves nothing there, and the admin re-adds the peer after checking it.
refuses 65 "signed by key $OLD after the time it is revoked from" \
    "$OPORA" --dir KLU peer add SMO2.card
ok "$OPORA" --dir KLU peer remove RU-SMO
ok "$OPORA" --dir KLU peer add SMO2.card
ok "$OPORA" --dir KLU key list
contains "RU-SMO +$OLD +revoked since" "$T/out"
contains "RU-SMO +$NEW +valid" "$T/out"
