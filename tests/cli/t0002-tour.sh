# The tour of README.md: register a graduate, record her history, read it.
. "$TOP/tests/cli/lib.sh"
mknode smo
export OPORA_DIR=smo

ok "$OPORA" person add --surname Иванова --name Анна --patronymic Сергеевна \
    --birth-date 2005-04-12 --sex F --snils "112-233-445 95" \
    --institution "Смоленский детский дом №1" --graduated 2023-06-30
D=$(cat "$T/out")
# A dossier id is a UUID of version 8, derived from its first change.
echo "$D" | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' ||
    fail "person add printed '$D', not a dossier id alone"

ok "$OPORA" event add "$D" --date 2024-02-01 --type housing \
    --text "Получила квартиру по договору найма"
E=$(cat "$T/out")
echo "$E" | grep -Eq '^[0-9a-f]{64}/0$' || fail "event add printed '$E'"

ok "$OPORA" episode open "$D" --centre "Центр сопровождения" \
    --curator "Петрова Е. В." --date 2023-07-01
EP=$(cat "$T/out")
ok "$OPORA" assessment add "$D" --date 2024-06-30 --housing social_rent \
    --employment employed
ok "$OPORA" consent add "$D" --scope transfer --date 2024-07-01 \
    --document "Заявление № 17"
C=$(cat "$T/out")
ok "$OPORA" person set "$D" --phone "+7 900 000-00-00" --email a@example.ru
echo "$(cat "$T/out")" | grep -Eq '^[0-9a-f]{64}$' || fail "person set output"

# A prefix of an id is enough when it is unambiguous.
short=$(echo "$D" | cut -c1-8)
ok "$OPORA" show "$short"
contains 'Иванова Анна Сергеевна' "$T/out"
contains '2005-04-12' "$T/out"
contains '112-233-445 95' "$T/out"
contains 'Получила квартиру по договору найма' "$T/out"
contains 'curator Петрова' "$T/out"
contains '\+7 900 000-00-00' "$T/out"
contains 'custodian RU-SMO' "$T/out"

ok "$OPORA" show --json "$D"
contains '"surname":"Иванова"' "$T/out"
contains '"snils":"11223344595"' "$T/out"
contains '"events":\[\{"id":"[0-9a-f]{64}/0","date":"2024-02-01","type":"housing"' "$T/out"

# Amend, retract, close, withdraw: history kept, marked.
ok "$OPORA" event amend "$D" "$(echo "$E" | cut -c1-10)" --text "Квартира по договору социального найма"
ok "$OPORA" event add "$D" --date 2024-03-01 --type crisis --text "Ошибочная запись"
E2=$(cat "$T/out")
ok "$OPORA" event retract "$D" "$E2" --reason "Внесено по ошибке"
refuses 65 'retracted' "$OPORA" event amend "$D" "$E2" --text "x"
ok "$OPORA" episode close "$D" "$EP" --date 2024-08-01 --reason "Переезд"
refuses 65 'already closed' "$OPORA" episode close "$D" "$EP" --date 2024-08-02
ok "$OPORA" episode open "$D" --centre c --curator k --date 2024-05-01
refuses 65 'before it opened' "$OPORA" episode close "$D" "$(cat "$T/out")" --date 2024-04-01
ok "$OPORA" consent withdraw "$D" "$C" --date 2024-09-01
refuses 65 'already withdrawn' "$OPORA" consent withdraw "$D" "$C" --date 2024-09-02
ok "$OPORA" show "$D"
contains 'социального найма \(amended\)' "$T/out"
contains 'RETRACTED: Внесено по ошибке' "$T/out"
contains 'support episode closed' "$T/out"
contains 'consent withdrawn' "$T/out"
# The old text stays in the log.
ok "$OPORA" log --json "$D"
contains 'Получила квартиру по договору найма' "$T/out"
contains 'Ошибочная запись' "$T/out"

# list, find.
ok "$OPORA" person add --surname Ёлкина-Петрова --name Мария --birth-date 2004-01-02 --sex F
M=$(cat "$T/out")
ok "$OPORA" list
[ "$(wc -l < "$T/out")" = 2 ] || fail "list shows $(wc -l < "$T/out") dossiers"
ok "$OPORA" find --surname "елкина петрова"
contains "$M" "$T/out"
ok "$OPORA" find --surname "ЁЛКИНА-ПЕТРОВА" --birth-date 2004-01-02
contains "$M" "$T/out"
ok "$OPORA" find --snils 11223344595
contains "$D" "$T/out"
ok "$OPORA" find --snils "112-233-445 95" --json
contains "\"dossier\":\"$D\"" "$T/out"
ok "$OPORA" find --surname Сидорова
[ ! -s "$T/out" ] || fail "find matched what it should not"

# log shows the DAG: the first change has no parents, the others one.
ok "$OPORA" log "$D"
contains '\(first change\)' "$T/out"
contains 'person.create' "$T/out"
[ "$(grep -c '^    after' "$T/out")" -ge 10 ] || fail "log parents"

ok "$OPORA" verify
contains 'verified: 1[0-9] changes, 2 dossiers' "$T/out"
ok "$OPORA" digest "$D"
grep -Eq '^[0-9a-f]{64}$' "$T/out" || fail "digest output"
