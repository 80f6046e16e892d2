# An offer whose history was lost (docs/protocol.md, "An offer whose
# history was lost"): Smolensk registers a graduate after its last backup
# and offers the case to Kaluga, which holds the offer's summary alone;
# Smolensk is then restored from the backup, so the history exists
# nowhere.  Kaluga accepts.  Neither node crashes or pretends to be in
# step: Kaluga's status names the accepted offer whose history has not
# come (after two anti-entropy periods) and exits 1, Smolensk's status
# shows the accept waiting for what it lost; nothing of the history is
# invented on either side, and a case offered after the restore still
# travels whole.  Both admins list it ('opora lost') and, having found no
# peer holds it, acknowledge it: no longer a problem, nothing deleted.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-ui.sh"
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
# Kaluga's admin uses the pages (GET /api/lost, POST /api/lost/...).
ok "$OPORA" --dir KLU config set listen_ui "127.0.0.1:$((p + 3))"
echo "$UI_PW" | "$OPORA_BIN" --dir KLU --user admin user add boss \
    --name Boss --role admin --password-stdin > "$T/KLU.boss" ||
    fail "user add boss"
sed -n 's/.*secret=\([A-Z2-7]*\).*/\1/p' "$T/KLU.boss" > "$T/KLU.totp"
UI=https://127.0.0.1:$((p + 3))
UI_CA=KLU/tls.crt
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
# The status says why (this node lost their past), not "parents not here
# yet", and what to do.
until_true 20 sh -c "! '$OPORA' --dir SMO status >'$T/smo.status' 2>&1 &&
    grep -q 'this node lost the history of 1 dossier' '$T/smo.status'" ||
    { cat "$T/smo.status"; fail "Smolensk does not show what it lost"; }
contains "opora lost acknowledge" "$T/smo.status"
if grep -q 'from peers wait to be taken' "$T/smo.status"; then
	cat "$T/smo.status"
	fail "what this node lost is also counted as waiting for parents"
fi
LANG=ru_RU.UTF-8 "$OPORA" --dir SMO status > "$T/smo.ru" 2>&1
contains 'этот узел потерял историю 1 дела' "$T/smo.ru"
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

# 'opora lost' lists it on both sides, each with its kind.
ok "$OPORA" --dir SMO lost list --json
contains "\"dossier\":\"$D\",\"kind\":\"restored\",\"from\":\"RU-KLU\"" "$T/out"
contains '"waiting":2,"acknowledged":false' "$T/out"
ok "$OPORA" --dir KLU lost --json
contains "\"dossier\":\"$D\",\"kind\":\"accepted\",\"from\":\"RU-SMO\"" "$T/out"
[ "$(grep -o '"dossier"' "$T/out" | wc -l)" = 1 ] ||
    fail "Kaluga lists more than the lost history"
LANG=ru_RU.UTF-8 "$OPORA" --dir SMO lost > "$T/lost.ru" 2>&1
contains "restored: узел потерял историю под своими изменениями" "$T/lost.ru"
contains "2 изменения ждут" "$T/lost.ru"

# What it refuses: a dossier whose history is here, a bad name, nothing.
refuses 66 'no lost history of this dossier' "$OPORA" --dir SMO lost \
    acknowledge "$E"
refuses 66 'no lost history' "$OPORA" --dir SMO lost acknowledge \
    "$(printf 'abcd\033[2J')"
! grep -q "$(printf '\033')" "$T/err" || fail "the name typed is echoed raw"
refuses 64 'usage' "$OPORA" --dir SMO lost acknowledge
refuses 64 'usage' "$OPORA" --dir SMO lost drop "$D"
ok "$OPORA" --dir SMO lost unacknowledge "$D"
contains 'was not acknowledged' "$T/out"

# The admins find no peer holds it, and acknowledge it (by a prefix):
# no longer a problem, nothing deleted, and audited.
ok "$OPORA" --dir SMO lost acknowledge "$(echo "$D" | cut -c1-8)"
contains "$D acknowledged lost" "$T/out"
ok "$OPORA" --dir SMO lost acknowledge "$D"
contains 'was acknowledged already' "$T/out"
# Kaluga's admin does it in the pages.
login boss "$UI_PW" "$(oathtool --totp -b "$(cat "$T/KLU.totp")")"
api boss GET /api/lost
status 200
contains "\"lost\":\[\{\"dossier\":\"$D\",\"kind\":\"accepted\",\"from\":\"RU-SMO\"" "$T/out"
api boss POST /api/lost/acknowledge '{"dossier":"<b>"}'
status 400
api boss POST /api/lost/acknowledge "{\"dossier\":\"$E\"}"
status 404
contains '"code":"not_lost"' "$T/out"
api boss POST /api/lost/acknowledge "{\"dossier\":\"$D\"}"
status 200
contains "\"dossier\":\"$D\",\"acknowledged\":true,\"changed\":true" "$T/out"
api boss POST /api/lost/acknowledge "{\"dossier\":\"$D\"}"
status 200
contains '"changed":false' "$T/out"
[ "$(db KLU "SELECT count(*) FROM audit WHERE action = 'lost acknowledge'
    AND login = 'boss' AND dossiers = '$D'")" = 1 ] ||
    fail "the pages' acknowledgement is not audited once"
ok "$OPORA" --dir SMO status
grep -q 'changes wait to be taken' "$T/out" &&
    fail "the peer still has changes waiting for an acknowledged history"
ok "$OPORA" --dir KLU status
"$OPORA" --dir SMO status --json > "$T/smo.json" 2>&1
contains '"later_lost":0,"later_acknowledged":2' "$T/smo.json"
ok "$OPORA" --dir SMO lost list --json
contains '"acknowledged":true,"acknowledged_by":"' "$T/out"
[ "$(db SMO "SELECT count(*) FROM later WHERE dossier = '$D'")" = 2 ] ||
    fail "the waiting changes of the lost history were deleted"
[ "$(db SMO "SELECT count(*) FROM audit WHERE action = 'lost acknowledge'
    AND dossiers = '$D'")" = 1 ] || fail "the acknowledgement is not audited"

# Withdrawn: reported again.
ok "$OPORA" --dir SMO lost unacknowledge "$D"
contains "$D reported again" "$T/out"
"$OPORA" --dir SMO status > "$T/smo.status" 2>&1
[ $? = 1 ] || fail "a withdrawn acknowledgement is not a problem again"
contains 'this node lost the history of 1 dossier' "$T/smo.status"
stop KLU
stop SMO

# Fail closed: when what was lost cannot be read, status says the
# database could not be read whole, never that nothing needs attention.
cp -R KLU KLU.broken
db KLU.broken "ALTER TABLE later DROP COLUMN own"
"$OPORA" --dir KLU.broken status > "$T/broken.status" 2>&1
[ $? = 1 ] || fail "status hides what it could not read"
contains 'could not be read whole' "$T/broken.status"
