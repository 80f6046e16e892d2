# 'peer remove' stops trusting the region's keys for anything received
# afterwards; the changes already held stay valid; adding the peer's card
# again restores the trust.
. "$TOP/tests/cli/lib.sh"
three_nodes

D=$("$OPORA" --dir SMO person add --surname Кузнецова --name Мария \
    --birth-date 2005-01-02 --sex F) || fail "person add"
share SMO KLU "$D"	# KLU follows SMO's writes to D (lib.sh)
ok "$OPORA" --dir SMO event add "$D" --date 2024-07-02 --type contact \
    --text "До удаления"
ok "$OPORA" --dir SMO export --for RU-KLU
cp "$T/out" first.json
ok "$OPORA" --dir KLU receive --from RU-SMO first.json
contains 'applied 1' "$T/out"

ok "$OPORA" --dir KLU peer remove RU-SMO
contains 'removed peer RU-SMO.*no longer trusted: changes they sign are refused from now on' "$T/err"
refuses 66 'no peer RU-SMO' "$OPORA" --dir KLU peer remove RU-SMO
ok "$OPORA" --dir KLU key list --json
contains '"region":"RU-SMO","state":"untrusted"' "$T/out"
# What is held stays valid.
ok "$OPORA" --dir KLU verify

# A later change signed by the removed region's key is refused.
ok "$OPORA" --dir SMO event add "$D" --date 2024-08-01 --type contact \
    --text "После удаления"
ok "$OPORA" --dir SMO export --for RU-KLU
cp "$T/out" second.json
# Not from the removed peer itself, nor relayed by another.
refuses 66 'no peer RU-SMO' "$OPORA" --dir KLU receive --from RU-SMO \
    second.json
refuses 65 '' "$OPORA" --dir KLU receive --from RU-SA second.json
ok "$OPORA" --dir KLU rejected list
contains 'of RU-SMO, a region this node no longer trusts \(removed as a peer\)' "$T/out"
"$OPORA" --dir KLU show "$D" | grep -q 'После удаления' &&
    fail "a change by a removed region's key was applied"

# The admin adds the peer again: its key is trusted again.
ok "$OPORA" --dir KLU peer add SMO.card
ok "$OPORA" --dir KLU receive --from RU-SMO second.json
contains 'applied 1' "$T/out"
ok "$OPORA" --dir KLU verify
