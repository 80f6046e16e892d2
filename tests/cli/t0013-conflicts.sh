# Issue 5 with real servers: Kaluga accepts a case from Smolensk, the history
# comes with the accept (issue 13), and Kaluga offers the case back.  Cut
# off from each other (their servers stopped), Kaluga cancels that offer
# while Smolensk accepts it; each, custodian by what it knows, changes the
# phone number; reconnected, the cancel came first, both hold the same state
# and list the same conflict; Kaluga, the custodian, resolves it and both
# see it closed.  On the way: Kaluga had registered the graduate itself,
# finds the duplicate when the history arrives, and links the two; Smolensk
# then receives Kaluga's dossier too.
. "$TOP/tests/cli/lib.sh"
three_nodes
serve SMO
serve KLU

D=$("$OPORA" --dir SMO person add --surname Иванова --name Анна \
    --birth-date 2005-04-12 --sex F --snils "112-233-445 95") ||
    fail "person add"
ok "$OPORA" --dir SMO event add "$D" --date 2024-05-10 --type contact \
    --text "Встреча в Смоленске"
ok "$OPORA" --dir SMO consent add "$D" --scope transfer --date 2024-07-01 \
    --document "Заявление № 17"
# Kaluga registers her too, not knowing about Smolensk.
K=$("$OPORA" --dir KLU person add --surname "ИВАНОВА" --name "Анна" \
    --birth-date 2005-04-12 --sex F) || fail "person add at Kaluga"
ok "$OPORA" --dir KLU event add "$K" --date 2024-08-20 --type contact \
    --text "Пришла в центр в Калуге"
ok "$OPORA" --dir SMO transfer offer "$D" --to RU-KLU --reason "Переезд"
OFFER=$(cat "$T/out")
until_true 10 sh -c "'$OPORA' --dir KLU transfer list --incoming | grep -q Иванова" ||
    fail "the offer did not reach Kaluga"
ok "$OPORA" --dir KLU transfer accept "$OFFER"
until_true 10 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'Встреча в Смоленске'" ||
    fail "the history did not come with the accept"

# The duplicate is found on arrival and listed.
until_true 5 grep -q "may be the same person as dossier $K" KLU.log ||
    fail "Kaluga did not report the duplicate on arrival"
ok "$OPORA" --dir KLU duplicates --json
contains "\"other\":\"($D|$K)\"" "$T/out"
contains '"same_name":true' "$T/out"
refuses 65 "already be registered in dossier ($D|$K)" "$OPORA" --dir KLU \
    person add --surname Иванова --name Анна --birth-date 2005-04-12 --sex F

# Kaluga offers the case back; Smolensk, a former custodian, sees it.
ok "$OPORA" --dir KLU transfer offer "$D" --to RU-SMO --reason "Обратно"
BACK=$(cat "$T/out")
until_true 10 sh -c "'$OPORA' --dir SMO transfer list --incoming | grep -q Обратно" ||
    fail "the offer back did not reach Smolensk"
# The partition: neither server runs, so nothing flows.
stop SMO
stop KLU
ok "$OPORA" --dir KLU transfer cancel "$BACK"
ok "$OPORA" --dir KLU person set "$D" --phone "+7 910 111 11 11"
ok "$OPORA" --dir SMO transfer accept "$BACK"
ok "$OPORA" --dir SMO person set "$D" --phone "+7 920 222 22 22"
ok "$OPORA" --dir SMO event add "$D" --date 2024-07-15 --type contact \
    --text "Поздняя запись Смоленска"
ok "$OPORA" --dir SMO digest "$D"; a=$(cat "$T/out")
ok "$OPORA" --dir KLU digest "$D"; b=$(cat "$T/out")
[ "$a" != "$b" ] || fail "the partitioned nodes already agree"

# Reconnected: both converge on one state with one conflict.
serve SMO
serve KLU
until_true 15 sh -c "'$OPORA' --dir SMO show '$D' | grep -q 'custodian RU-KLU'" ||
    fail "the cancel did not reach Smolensk"
until_true 15 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'Поздняя запись'" ||
    fail "Smolensk's edits did not reach Kaluga"
ok "$OPORA" --dir SMO digest "$D"; a=$(cat "$T/out")
ok "$OPORA" --dir KLU digest "$D"; b=$(cat "$T/out")
[ "$a" = "$b" ] || fail "digests differ after reconnecting: $a $b"
node_status SMO
contains 'open conflicts: 1 -> opora conflicts list' "$T/out"
for n in SMO KLU; do
	ok "$OPORA" --dir $n conflicts list --json
	cp "$T/out" "$n.conflicts"
	contains '"field":"phone"' "$n.conflicts"
	contains '"state":"open"' "$n.conflicts"
	contains '"value":"\+7 910 111 11 11"' "$n.conflicts"
	contains '"winner_value":"\+7 920 222 22 22"' "$n.conflicts"
	contains '"region":"RU-KLU"' "$n.conflicts"
	contains '"winner_region":"RU-SMO"' "$n.conflicts"
done
cmp -s SMO.conflicts KLU.conflicts || fail "the conflict lists differ"
ok "$OPORA" --dir KLU conflicts list
contains 'kept "\+7 920 222 22 22"' "$T/out"
contains 'lost "\+7 910 111 11 11"' "$T/out"
ok "$OPORA" --dir KLU show "$D"
contains 'CONFLICTS' "$T/out"
C=$(sed -n 's/.*"id":"\([0-9a-f]*\/[0-9]*\)".*/\1/p' KLU.conflicts)
[ -n "$C" ] || fail "no conflict id"

# Only the custodian resolves; the resolution reaches Smolensk.
refuses 65 'custody of RU-KLU' "$OPORA" --dir SMO conflicts resolve "$C" \
    --keep-winner
refuses 64 'either --keep-winner or --keep' "$OPORA" --dir KLU conflicts \
    resolve "$C"
refuses 65 'not a phone number' "$OPORA" --dir KLU conflicts resolve "$C" \
    --keep "not a phone"
ok "$OPORA" --dir KLU conflicts resolve "$(echo "$C" | cut -c1-10)/${C#*/}" \
    --keep "+7 910 111 11 11"
ok "$OPORA" --dir KLU conflicts list
contains 'no open conflicts' "$T/out"
node_status KLU --json
contains '"open_conflicts":0' "$T/out"
refuses 65 'already closed|resolved' "$OPORA" --dir KLU conflicts resolve \
    "$C" --keep-winner
until_true 15 sh -c "'$OPORA' --dir SMO conflicts list | grep -q 'no open conflicts'" ||
    fail "the resolution did not reach Smolensk"
ok "$OPORA" --dir SMO conflicts show "$C" --json
contains '"state":"resolved"' "$T/out"
ok "$OPORA" --dir SMO show "$D"
contains 'phone: \+7 910 111 11 11' "$T/out"

# Kaluga links its own dossier to the transferred one: Smolensk, entitled
# to one, receives the other, and shows one timeline.
refuses 64 'the same dossier' "$OPORA" --dir KLU link "$K" "$K" --reason x
refuses 64 'give --reason' "$OPORA" --dir KLU link "$K" "$D"
refuses 66 'no dossier|not found|no such' "$OPORA" --dir KLU link "$K" \
    00000000-0000-4000-8000-000000000000 --reason x
refuses 66 'no conflict' "$OPORA" --dir KLU conflicts show abcdef12
refuses 66 'not a conflict id' "$OPORA" --dir KLU conflicts show ab
ok "$OPORA" --dir KLU link "$K" "$D" --reason "Тот же человек: дата рождения, ФИО"
refuses 65 'already linked' "$OPORA" --dir KLU link "$D" "$K" --reason x
until_true 15 sh -c "'$OPORA' --dir SMO show '$D' | grep -q 'Пришла в центр в Калуге'" ||
    fail "the linked dossier did not reach Smolensk"
ok "$OPORA" --dir SMO show "$D"
contains "THE SAME PERSON as dossier $K" "$T/out"
contains 'Встреча в Смоленске' "$T/out"
ok "$OPORA" --dir KLU duplicates
contains 'no possible duplicates' "$T/out"
ok "$OPORA" --dir SMO digest "$K"; a=$(cat "$T/out")
ok "$OPORA" --dir KLU digest "$K"; b=$(cat "$T/out")
[ "$a" = "$b" ] || fail "digests of the linked dossier differ: $a $b"
ok "$OPORA" --dir KLU unlink "$D" "$K" --reason "ошибка"
refuses 65 'not linked' "$OPORA" --dir KLU unlink "$D" "$K" --reason x
ok "$OPORA" --dir SMO verify
ok "$OPORA" --dir KLU verify
stop SMO
stop KLU
