# Anti-entropy covers offers (issue 11; docs/protocol.md, "Anti-entropy"):
# the destination of a pending or ended offer holds its summary alone, so
# the offer is no shared dossier, and a lost offer, decline or cancel used
# to stay lost for good.  Here each is never delivered (the receiver's
# cursor moved past it, as a bug or a feed that went back would leave it):
# without anti-entropy the gap stays; with it, one round repairs it,
# whichever side lost it.
. "$TOP/tests/cli/lib.sh"
two_nodes
# setting DIR VALUE: anti_entropy_interval in DIR's opora.conf.
setting() {
	sed -i '/^anti_entropy_interval/d' "$1/opora.conf"
	echo "anti_entropy_interval = $2" >> "$1/opora.conf"
}
# past A B: B's cursor on A's feed moved to A's newest change.
past() {
	db "$2" "UPDATE peers SET cursor = $(db "$1" "SELECT max(seq) FROM changes")
	    WHERE region = 'RU-$1'"
}
# state DIR DOSSIER: what DIR holds of the offer of DOSSIER (the summary
# at the destination, the transfer at the origin).
state() {
	db "$1" "SELECT state FROM offer_summaries WHERE dossier = '$2'
	    UNION ALL SELECT state FROM transfers WHERE dossier = '$2'"
}
setting SMO 0
setting KLU 0

# 1. An offer the destination never got.
D1=$("$OPORA" --dir SMO person add --surname Гусева --name Ольга \
    --birth-date 2005-02-03 --sex F) || fail "person add"
ok "$OPORA" --dir SMO consent add "$D1" --scope transfer --date 2024-01-01 \
    --document "Заявление"
O1=$("$OPORA" --dir SMO transfer offer "$D1" --to RU-KLU --reason "Переезд") ||
    fail "offer"
past SMO KLU
serve SMO
serve KLU
sleep 3
stop KLU
[ -z "$(state KLU "$D1")" ] || fail "the offer came without anti-entropy"
setting KLU 1
serve KLU
until_true 15 sh -c "[ \"\$(sqlite3 KLU/opora.db \"SELECT state FROM offer_summaries WHERE dossier = '$D1'\")\" = offered ]" ||
    fail "anti-entropy did not bring the offer"
contains 'anti-entropy with RU-SMO: offers of 1 of 1 dossiers differed; 1 changes applied to 1 of them; 0 still differ' KLU.log
ok "$OPORA" --dir KLU transfer list --incoming
contains 'Гусева' "$T/out"
stop KLU
stop SMO

# 2. A decline the origin never got.
ok "$OPORA" --dir KLU transfer decline "$O1" --reason "Нет мест"
past KLU SMO
serve KLU
serve SMO
sleep 3
stop SMO
[ "$(state SMO "$D1")" = offered ] || fail "the decline came without anti-entropy"
setting SMO 1
serve SMO
until_true 15 sh -c "[ \"\$(sqlite3 SMO/opora.db \"SELECT state FROM transfers WHERE dossier = '$D1'\")\" = declined ]" ||
    fail "anti-entropy did not bring the decline"
contains 'anti-entropy with RU-KLU: offers of 1 of 1 dossiers differed; 1 changes applied to 1 of them; 0 still differ' SMO.log
ok "$OPORA" --dir SMO verify
stop SMO
stop KLU

# 3. A cancel the destination never got: the offer comes by the feed, the
# cancel does not.
D2=$("$OPORA" --dir SMO person add --surname Гусева2 --name Ольга \
    --birth-date 2005-02-04 --sex F) || fail "person add"
ok "$OPORA" --dir SMO consent add "$D2" --scope transfer --date 2024-01-01 \
    --document "Заявление"
O2=$("$OPORA" --dir SMO transfer offer "$D2" --to RU-KLU --reason "Переезд") ||
    fail "offer"
xfer SMO KLU
[ "$(state KLU "$D2")" = offered ] || fail "the offer did not come"
ok "$OPORA" --dir SMO transfer cancel "$O2"
past SMO KLU
setting SMO 0
serve SMO
serve KLU
until_true 15 grep -q 'anti-entropy with RU-SMO: offers of 1 of 2 dossiers differed; 1 changes applied to 1 of them; 0 still differ' KLU.log ||
    fail "anti-entropy did not bring the cancel"
[ "$(state KLU "$D2")" = cancelled ] || fail "the offer is not cancelled: $(state KLU "$D2")"
# The next round finds both in step.
until_true 10 sh -c "'$OPORA' --dir KLU status | grep -q 'in step'" ||
    fail "status does not show the round in step"
stop KLU
stop SMO
