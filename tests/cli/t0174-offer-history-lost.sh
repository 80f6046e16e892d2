# An offer whose history was lost (docs/protocol.md, "An offer whose
# history was lost"): Smolensk registers a graduate after its last backup
# and offers the case to Kaluga, which holds the offer's summary alone;
# Smolensk is then restored from the backup, so the history exists
# nowhere.  Kaluga accepts.  Neither node crashes or pretends to be in
# step: Kaluga's status names the accepted offer whose history has not
# come (after two anti-entropy periods) and exits 1, Smolensk's status
# shows the accept waiting for what it lost; nothing of the history is
# invented on either side, and a case offered after the restore still
# travels whole.
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
ok "$OPORA" --dir KLU config set anti_entropy_interval 2
ok "$OPORA" --dir SMO backup bak
serve SMO
serve KLU

D=$("$OPORA" --dir SMO person add --surname Петрова --name Ольга \
    --birth-date 2005-03-01 --sex F) || fail "person add"
ok "$OPORA" --dir SMO event add "$D" --date 2024-02-01 --type contact \
    --text "Запись после копии"
ok "$OPORA" --dir SMO consent add "$D" --scope transfer --date 2024-01-01 \
    --document "Заявление"
ok "$OPORA" --dir SMO transfer offer "$D" --to RU-KLU --reason "Переезд"
OFFER=$(cat "$T/out")
until_true 15 sh -c "'$OPORA' --dir KLU transfer list --incoming |
    grep -q Петрова" || fail "the offer did not reach Kaluga"

# Smolensk is lost and restored from the backup taken before the case.
stop SMO
mv SMO SMO.lost
ok "$OPORA" restore bak SMO
serve SMO
ok "$OPORA" --dir KLU transfer accept "$OFFER"
t0=$(date +%s)

# Kaluga: the history cannot come; after two anti-entropy periods (4 s)
# its status says so, names the dossier and exits 1.
until_true 30 sh -c "! '$OPORA' --dir KLU status >'$T/klu.status' 2>&1 &&
    grep -q 'has not come' '$T/klu.status'" ||
    { cat "$T/klu.status"; fail "Kaluga's status does not name the lost history"; }
[ $(($(date +%s) - t0)) -ge 4 ] ||
    fail "the history was called lost before two anti-entropy periods"
contains "the oldest: dossier $D from RU-SMO" "$T/klu.status"
contains 'restored from a backup older than the offer' "$T/klu.status"
LANG=ru_RU.UTF-8 "$OPORA" --dir KLU status > "$T/klu.ru" 2>&1
contains 'история 1 принятого предложения не пришла' "$T/klu.ru"
"$OPORA" --dir KLU status --json > "$T/klu.json" 2>&1
contains '"problems":\[[^]]*has not come' "$T/klu.json"
refuses 66 'no dossier' "$OPORA" --dir KLU show "$D"
[ "$(db KLU "SELECT count(*) FROM changes WHERE dossier = '$D'")" = 2 ] ||
    fail "Kaluga holds more of the lost dossier than the offer and its accept"

# Smolensk: the accept (and the offer it signed and lost) came back and
# wait for their past; it is a problem, never "in step".
until_true 20 sh -c "! '$OPORA' --dir SMO status >'$T/smo.status' 2>&1 &&
    grep -q 'wait to be taken' '$T/smo.status'" ||
    { cat "$T/smo.status"; fail "Smolensk does not show what waits"; }
refuses 66 'no dossier' "$OPORA" --dir SMO show "$D"
ok "$OPORA" --dir SMO verify
ok "$OPORA" --dir KLU verify

# A case offered after the restore still travels whole.
E=$("$OPORA" --dir SMO person add --surname Сидорова --name Нина \
    --birth-date 2004-07-07 --sex F) || fail "person add after restore"
ok "$OPORA" --dir SMO event add "$E" --date 2024-03-01 --type contact \
    --text "Новая запись"
ok "$OPORA" --dir SMO consent add "$E" --scope transfer --date 2024-01-01 \
    --document "Заявление"
ok "$OPORA" --dir SMO transfer offer "$E" --to RU-KLU --reason "Переезд"
O2=$(cat "$T/out")
until_true 15 sh -c "'$OPORA' --dir KLU transfer list --incoming |
    grep -q Сидорова" || fail "the new offer did not reach Kaluga"
ok "$OPORA" --dir KLU transfer accept "$O2"
until_true 15 sh -c "'$OPORA' --dir KLU show '$E' | grep -q 'Новая запись'" ||
    fail "the new case's history did not reach Kaluga"
# Only the lost one is still named.
"$OPORA" --dir KLU status --json > "$T/klu.json" 2>&1
contains 'the history of 1 accepted offer has not come' "$T/klu.json"
stop KLU
stop SMO
