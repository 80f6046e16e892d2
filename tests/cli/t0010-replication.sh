# The story of issue 4 with three real servers: a graduate moves from
# Smolensk to Kaluga and then to Sakha; each step replicates over mutual
# TLS; digests agree; the region never offered the dossier never holds it.
. "$TOP/tests/cli/lib.sh"
three_nodes
serve SMO
serve KLU
serve SA

D=$("$OPORA" --dir SMO person add --surname Иванова --name Анна \
    --patronymic Сергеевна --birth-date 2005-04-12 --sex F \
    --snils "112-233-445 95") || fail "person add"
for m in 01 02 03 04 05 06; do
	ok "$OPORA" --dir SMO event add "$D" --date 2024-$m-10 --type contact \
	    --text "Встреча $m"
done
ok "$OPORA" --dir SMO consent add "$D" --scope transfer --date 2024-07-01 \
    --document "Заявление № 17"
refuses 65 'to another region only' "$OPORA" --dir SMO transfer offer "$D" \
    --to RU-SMO --reason x
ok "$OPORA" --dir SMO transfer offer "$D" --to RU-KLU --reason "Переезд в Калугу"
T1=$(cat "$T/out")

# Kaluga sees the offer without being asked: its summary, not the history
# (issue 13: the history travels on acceptance).
until_true 10 sh -c "'$OPORA' --dir KLU transfer list --incoming | grep -q Иванова" ||
    fail "the offer did not reach Kaluga"
ok "$OPORA" --dir KLU transfer list --incoming --json
# Each thread of a server has a name (docs/admin.md, "Monitoring").
names=" $(cat /proc/"$PID_KLU"/task/*/comm | sort -u | tr '\n' ' ')"
for t in opora-sync opora-pull opora-chores; do
	case "$names" in
	*" $t "*) ;;
	*) fail "no thread $t in the server: $names" ;;
	esac
done
contains '"state":"offered"' "$T/out"
contains '"events":6' "$T/out"
contains '"birth_year":"2005"' "$T/out"
refuses 66 'no dossier' "$OPORA" --dir KLU show "$D"
# Only the destination decides; Kaluga cannot write before accepting.
refuses 65 'only RU-KLU' "$OPORA" --dir SMO transfer accept "$T1"
refuses 66 'no dossier' "$OPORA" --dir KLU event add "$D" \
    --date 2024-08-01 --type contact --text x
ok "$OPORA" --dir KLU transfer accept "$T1"
until_true 10 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'Встреча 06'" ||
    fail "the history did not come with the accept"
ok "$OPORA" --dir KLU event add "$D" --date 2024-09-01 --type housing \
    --text "Общежитие в Калуге"
ok "$OPORA" --dir KLU consent add "$D" --scope transfer --date 2024-09-02 \
    --document "Заявление № 3"

# Smolensk sees the case moved; it may only add late notes.
until_true 10 sh -c "'$OPORA' --dir SMO show '$D' | grep -q 'custodian RU-KLU'" ||
    fail "the acceptance did not reach Smolensk"
ok "$OPORA" --dir SMO show "$D"
contains 'TRANSFERRED to RU-KLU' "$T/out"
ok "$OPORA" --dir SMO event add "$D" --date 2024-06-30 --type contact \
    --text "Поздняя запись Смоленска"
refuses 65 'custody of RU-KLU|former custodian' "$OPORA" --dir SMO person set \
    "$D" --phone "+7 900 000 00 00"

# Then to Sakha: the third custodian gets the history of two regions, once
# it accepts.
until_true 10 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'Поздняя запись'" ||
    fail "the late note did not reach Kaluga"
ok "$OPORA" --dir KLU transfer offer "$D" --to RU-SA --reason "Переезд в Якутию"
T2=$(cat "$T/out")
until_true 10 sh -c "'$OPORA' --dir SA transfer list --incoming | grep -q Иванова" ||
    fail "the offer did not reach Sakha"
ok "$OPORA" --dir SA transfer accept "$T2"
until_true 10 sh -c "'$OPORA' --dir SA show '$D' | grep -q 'Общежитие в Калуге'" ||
    fail "the history did not reach Sakha with its accept"
ok "$OPORA" --dir SA event add "$D" --date 2024-10-01 --type employment \
    --text "Устроилась на работу в Якутске"
until_true 10 sh -c "'$OPORA' --dir SMO show '$D' | grep -q 'Якутске'" ||
    fail "Sakha's note did not reach Smolensk"
until_true 10 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'Якутске'" ||
    fail "Sakha's note did not reach Kaluga"

# Every holder agrees, byte for byte.
ok "$OPORA" --dir SMO digest "$D"; d1=$(cat "$T/out")
ok "$OPORA" --dir KLU digest "$D"; d2=$(cat "$T/out")
ok "$OPORA" --dir SA digest "$D"; d3=$(cat "$T/out")
[ "$d1" = "$d2" ] && [ "$d2" = "$d3" ] || fail "digests differ: $d1 $d2 $d3"
ok "$OPORA" --dir SA show "$D"
contains 'custodian RU-SA' "$T/out"
contains 'Встреча 01' "$T/out"
contains 'Общежитие в Калуге' "$T/out"
contains 'Поздняя запись Смоленска \(late note' "$T/out"
ok "$OPORA" --dir SA verify
ok "$OPORA" --dir KLU verify
ok "$OPORA" --dir SMO verify

# A dossier Sakha was never offered never reaches it.
ok "$OPORA" --dir SMO person add --surname Петров --name Иван \
    --birth-date 2004-01-01 --sex M
P=$(cat "$T/out")
ok "$OPORA" --dir SMO event add "$P" --date 2024-01-01 --type contact --text "Только Смоленск"
sleep 1
[ "$(db SA "SELECT count(*) FROM changes WHERE dossier = '$P'")" = 0 ] ||
    fail "Sakha received a dossier it was never offered"
[ "$(db KLU "SELECT count(*) FROM changes WHERE dossier = '$P'")" = 0 ] ||
    fail "Kaluga received a dossier it was never offered"
grep -c 'Только Смоленск' SA/opora.db SA/opora.db-wal 2>/dev/null | grep -q ':[1-9]' &&
    fail "Sakha's database files hold the other dossier's text"

stop SMO
stop KLU
stop SA
grep -q 'shutting down' SMO.log || fail "SMO did not shut down cleanly"
