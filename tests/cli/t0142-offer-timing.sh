# How long a transfer takes on loopback (issue 13 asks under a second):
# a case offered in Smolensk until Kaluga lists it, Kaluga's accept until
# Smolensk sees Kaluga as custodian, and until Kaluga shows the history
# as custodian.  The figures are printed (docs/performance.md), not
# asserted tightly: each step must only finish within 15 s.
. "$TOP/tests/cli/lib.sh"
p=$(port_base)
for r in SMO KLU; do
	p=$((p + 1))
	ok "$OPORA" --dir $r init --region RU-$r --url "https://127.0.0.1:$p" \
	    --listen "127.0.0.1:$p"
	"$OPORA" --dir $r id > $r.card || fail "id $r"
done
ok "$OPORA" --dir SMO peer add KLU.card
ok "$OPORA" --dir KLU peer add SMO.card
serve SMO
serve KLU
D=$("$OPORA" --dir SMO person add --surname Иванова --name Анна \
    --birth-date 2005-04-12 --sex F) || fail "person add"
for i in 1 2 3 4 5; do
	ok "$OPORA" --dir SMO event add "$D" --date 2024-02-0$i \
	    --type contact --text "Запись $i"
done
ok "$OPORA" --dir SMO consent add "$D" --scope transfer --date 2024-01-01 \
    --document "Заявление"
ms() { echo $(($(date +%s%N) / 1000000)); }

t0=$(ms)
ok "$OPORA" --dir SMO transfer offer "$D" --to RU-KLU --reason Переезд
until_true 15 sh -c "'$OPORA' --dir KLU transfer list --incoming |
    grep -q Иванова" || fail "the offer did not reach KLU"
t1=$(ms)
OFFER=$(db KLU "SELECT offer FROM offer_summaries WHERE dossier = '$D'")
t2=$(ms)
ok "$OPORA" --dir KLU transfer accept "$OFFER"
until_true 15 sh -c "'$OPORA' --dir SMO show '$D' |
    grep -q 'custodian RU-KLU'" || fail "SMO did not learn of the accept"
t3=$(ms)
until_true 15 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'Запись 5'" ||
    fail "KLU does not show the history"
t4=$(ms)
echo "offer -> listed at the destination: $((t1 - t0)) ms;" \
    "accept -> custodian at the origin: $((t3 - t2)) ms;" \
    "accept -> history shown at the destination: $((t4 - t2)) ms" \
    "(each including the CLI's own runs)" >&2
