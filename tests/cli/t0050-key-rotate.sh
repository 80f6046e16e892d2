# A node rotates its signing key: its new card carries the rotation signed
# by the old key; a peer takes it in with 'peer add' and keeps syncing; a
# change by the old key is accepted within the overlap and refused after
# it; a card not chained to the key a peer holds is refused.
. "$TOP/tests/cli/lib.sh"
three_nodes
serve SMO
serve KLU

D=$("$OPORA" --dir SMO person add --surname Петрова --name Ольга \
    --birth-date 2004-02-03 --sex F) || fail "person add"
share SMO KLU "$D"	# KLU follows SMO's writes to D (lib.sh)
until_true 10 sh -c "'$OPORA' --dir KLU show '$D' | grep -q Петрова" ||
    fail "the dossier did not reach Kaluga"
OLD=$("$OPORA" --dir SMO id | sed 's/.*"key_id":"\([0-9a-f]*\)".*/\1/')
cp SMO/signing.key old.key

# Rotate with the default overlap of 7 days.
ok "$OPORA" --dir SMO key rotate
NEW=$(cat "$T/out")
[ "$NEW" != "$OLD" ] || fail "the key did not change"
contains "signing key $NEW replaces $OLD" "$T/err"
ok "$OPORA" --dir SMO id
cp "$T/out" SMO2.card
contains "\"key_id\":\"$NEW\"" SMO2.card
contains '"rotations":\[\{"at":"[0-9a-f]{16}","key":"[0-9a-f]{64}","prev_key"' SMO2.card
contains '"v":2' SMO2.card
ok "$OPORA" --dir SMO key list --json
contains "\"key_id\":\"$NEW\",\"region\":\"RU-SMO\",\"state\":\"current\"" "$T/out"
contains "\"key_id\":\"$OLD\",\"region\":\"RU-SMO\",\"state\":\"until\"" "$T/out"

# The peer takes the new card in: the rotation is chained to the key it holds.
ok "$OPORA" --dir KLU peer add SMO2.card
contains "key $OLD was replaced by a newer key" "$T/err"
ok "$OPORA" --dir KLU key list
contains "RU-SMO +$NEW +valid" "$T/out"
contains "RU-SMO +$OLD +replaced; valid before" "$T/out"

# A change by the new key reaches Kaluga through the running servers.
ok "$OPORA" --dir SMO event add "$D" --date 2024-08-01 --type contact \
    --text "После смены ключа"
until_true 15 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'После смены ключа'" ||
    fail "a change by the new key did not reach Kaluga"
ok "$OPORA" --dir KLU verify

# Within the overlap, the old key still signs validly (a process that
# still holds it): a copy of the node with the old key makes a change.
cp -r SMO OLDSMO
rm -f OLDSMO/signing.key
cp old.key OLDSMO/signing.key
chmod 600 OLDSMO/signing.key
ok "$OPORA" --dir OLDSMO event add "$D" --date 2024-08-02 --type contact \
    --text "Старым ключом в перекрытии"
ok "$OPORA" --dir OLDSMO export --for RU-KLU
cp "$T/out" within.json
ok "$OPORA" --dir KLU receive --from RU-SMO within.json
contains 'applied 1' "$T/out"

# Rotate again with no overlap: the previous key signs nothing from now on.
cp SMO/signing.key k2.key
ok "$OPORA" --dir SMO key rotate --overlap 0
NEW2=$(cat "$T/out")
"$OPORA" --dir SMO id > SMO3.card || fail "id"
contains "\"prev_key\"" SMO3.card
ok "$OPORA" --dir KLU peer add SMO3.card
contains "key $NEW was replaced" "$T/err"
sleep 1
# A change by the replaced key made after its overlap is refused.
cp -r SMO STOLEN
rm -f STOLEN/signing.key
cp k2.key STOLEN/signing.key
chmod 600 STOLEN/signing.key
ok "$OPORA" --dir STOLEN event add "$D" --date 2024-08-03 --type contact \
    --text "Украденным ключом"
ok "$OPORA" --dir STOLEN export --for RU-KLU
cp "$T/out" late.json
refuses 65 '' "$OPORA" --dir KLU receive --from RU-SMO late.json
contains 'refused 1' "$T/out"
ok "$OPORA" --dir KLU rejected list
contains "signed by key $NEW of RU-SMO, replaced by a newer key; its overlap ended" "$T/out"
"$OPORA" --dir KLU show "$D" | grep -q 'Украденным' &&
    fail "a change by a replaced key after its overlap was applied"

# The node keeps syncing with the newest key.
ok "$OPORA" --dir SMO event add "$D" --date 2024-08-04 --type contact \
    --text "Третий ключ"
until_true 15 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'Третий ключ'" ||
    fail "a change by the third key did not reach Kaluga"

# A card for RU-SMO whose key no rotation links to the held one is refused
# (a node that lost its key, or someone else's).
"$OPORA" --dir FAKE init --region RU-SMO --url https://127.0.0.1:9 \
    2>/dev/null || fail "init FAKE"
"$OPORA" --dir FAKE id > FAKE.card
refuses 65 "is not announced by key $NEW2" "$OPORA" --dir KLU peer add FAKE.card
ok "$OPORA" --dir KLU peer list --json
contains "\"key_id\":\"$NEW2\"" "$T/out"

# An old card (v1, before the rotations) is refused too: it is not chained
# from the key held now.
refuses 65 "is not announced by key $NEW2" "$OPORA" --dir KLU peer add SMO.card
# The card of the newest key is taken again, as the same key.
ok "$OPORA" --dir KLU peer add SMO3.card
stop SMO
stop KLU
