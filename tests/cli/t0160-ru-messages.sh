# The CLI in Russian (issue 14): messages, refusal reasons and state names
# under LANG=ru_RU.UTF-8, nouns in the right plural form after a number,
# dates typed as ДД.ММ.ГГГГ stored as ГГГГ-ММ-ДД (the change bytes are those
# of a date typed the other way), and what a person typed never echoed raw.
. "$TOP/tests/cli/lib.sh"
mknode smo
export OPORA_DIR=smo
RU="env LANG=ru_RU.UTF-8"

# A date typed ДД.ММ.ГГГГ is stored as ГГГГ-ММ-ДД.
ok $RU "$OPORA" person add --surname Иванова --name Анна \
    --birth-date 12.04.2005 --sex ж --graduated 30.06.2023
D=$(cat "$T/out")
ok "$OPORA" show --json "$D"
contains '"birth_date":"2005-04-12"' "$T/out"
contains '"graduated":"2023-06-30"' "$T/out"
ok "$OPORA" log --json "$D"
contains '"birth_date":"2005-04-12"' "$T/out"
! grep -q '12\.04\.2005' "$T/out" || fail "the change holds the typed form"
ok $RU "$OPORA" event add "$D" --date 01.02.2024 --type contact --text "Звонок"
ok "$OPORA" show --json "$D"
contains '"date":"2024-02-01"' "$T/out"
# find takes both forms.
ok "$OPORA" find --birth-date 12.04.2005
contains "$D" "$T/out"
ok "$OPORA" find --birth-date 2005-04-12
contains "$D" "$T/out"
# A date that does not exist is refused in either form, in Russian.
LANG=ru_RU.UTF-8 refuses 65 'не существующая дата' "$OPORA" event add "$D" \
    --date 31.02.2024 --type contact --text x
LANG=ru_RU.UTF-8 refuses 65 'не дата \(ДД\.ММ\.ГГГГ' "$OPORA" find \
    --birth-date 1.2.2005
# Help says both forms.
LANG=ru_RU.UTF-8 ok "$OPORA" event --help
contains 'ДД\.ММ\.ГГГГ' "$T/out"

# Plural forms: 1 событие, 2 события, 5 событий, 11 событий, 21 событие.
plural() {
	ok $RU "$OPORA" list
	contains "$1 $2\$" "$T/out"
	ok "$OPORA" list
	contains "$1 $3\$" "$T/out"
}
plural 1 событие event
n=1
add_to() {
	while [ $n -lt $1 ]; do
		n=$((n + 1))
		ok "$OPORA" event add "$D" --date 2024-02-01 --type contact \
		    --text "Звонок $n"
	done
}
add_to 2;  plural 2 события events
add_to 4;  plural 4 события events
add_to 5;  plural 5 событий events
add_to 11; plural 11 событий events
add_to 12; plural 12 событий events
add_to 21; plural 21 событие events
add_to 22; plural 22 события events
# show: "N изменений" with the count of changes.
ok $RU "$OPORA" show "$D"
contains '; 23 изменения, последнее' "$T/out"
ok "$OPORA" show "$D"
contains '; 23 changes, last' "$T/out"

# A refusal of the rules, in Russian, with what was typed escaped.
ok "$OPORA" consent add "$D" --scope transfer --date 2024-07-01 \
    --document "Заявление № 17"
C=$(cat "$T/out")
ok "$OPORA" consent withdraw "$D" "$C" --date 2024-08-01
LANG=ru_RU.UTF-8 refuses 65 "согласие ${C%%/*}/0 уже отозвано" "$OPORA" \
    consent withdraw "$D" "$C" --date 2024-08-02
refuses 65 "consent ${C%%/*}/0 is already withdrawn" "$OPORA" \
    consent withdraw "$D" "$C" --date 2024-08-02
LANG=ru_RU.UTF-8 refuses 65 'недопустимое значение' "$OPORA" event add "$D" \
    --date 2024-02-01 --type "$(printf 'x\033[2Jy')" --text x
grep -q "$(printf '\033')" "$T/err" && fail "an escape sequence was echoed raw"
contains 'x\\x1b\[2Jy' "$T/err"
LANG=ru_RU.UTF-8 refuses 65 'дата 2099-01-01 позже сегодняшней' "$OPORA" \
    event add "$D" --date 01.01.2099 --type contact --text x

# The states of accounts in 'user list'.
ok "$OPORA" --user admin user add tester2 --name T2 --role curator \
    --centre Центр
ok "$OPORA" --user admin user disable tester2
LANG=ru_RU.UTF-8 ok "$OPORA" --user admin user list
grep -E '^tester2 .*отключена' "$T/out" >/dev/null || fail "state not in Russian"

# verify and rebuild count in the right forms.
LANG=ru_RU.UTF-8 ok "$OPORA" verify
contains 'проверено: 2[0-9] изменени(й|я|е), 1 дело:' "$T/out"
LANG=ru_RU.UTF-8 ok "$OPORA" rebuild
contains 'пересчитано 1 дело$' "$T/out"

# The settings' refusals too.
LANG=ru_RU.UTF-8 refuses 65 'неизвестная настройка «nosuch»' "$OPORA" \
    config set nosuch 1
LANG=ru_RU.UTF-8 refuses 65 'max_clock_drift: «0» — недопустимо \(нужно целое число от' \
    "$OPORA" config set max_clock_drift 0
LANG=ru_RU.UTF-8 refuses 65 'listen_metrics: «10.0.0.1:9464» — не адрес обратной петли' \
    "$OPORA" config set listen_metrics 10.0.0.1:9464
LANG=ru_RU.UTF-8 refuses 65 'listen и listen_metrics на одном порту одного адреса' \
    "$OPORA" config set listen_metrics "$("$OPORA" config get listen)"
LANG=ru_RU.UTF-8 refuses 65 'region: регион нельзя сменить' \
    "$OPORA" config set region RU-KLU
# A value is escaped once (a backslash doubled, a control as \xNN),
# not twice.
LANG=ru_RU.UTF-8 refuses 65 'listen: «a\\\\b\\x1b:1» — недопустимое значение$' \
    "$OPORA" config set listen "$(printf 'a\\b\033:1')"

# What 'opora status' lists as problems, in Russian: a peer never reached.
p=$(port_base)
"$OPORA" --dir klu init --region RU-KLU --url "https://127.0.0.1:$((p + 1))" \
    --listen "127.0.0.1:$((p + 1))" >/dev/null 2>&1 || fail "init klu"
"$OPORA" --dir klu id > klu.card || fail "id klu"
ok "$OPORA" peer add klu.card
LANG=ru_RU.UTF-8 "$OPORA" status > "$T/status.ru" 2>&1
[ $? = 1 ] || fail "status does not say a problem"
contains 'партнёр RU-KLU: связаться ещё ни разу не удалось' "$T/status.ru"
! grep -q 'never reached' "$T/status.ru" || fail "a problem left in English"
"$OPORA" status > "$T/status.en" 2>&1
contains 'peer RU-KLU: never reached' "$T/status.en"
