# 'show' attributes every entry to the region and user that wrote it, and
# shows the card's edits (field: old -> new, who, where, when), across a
# transfer: Kaluga's curator reads what Smolensk's did and what Kaluga's
# colleagues did since, each act under its own author (issue 14).
. "$TOP/tests/cli/lib.sh"
three_nodes
serve SMO
serve KLU
"$OPORA" --dir KLU --user admin user add kcur --name "Куратор К." \
    --role curator --centre Центр >/dev/null || fail "user add kcur"

D=$("$OPORA" --dir SMO person add --surname Иванова --name Анна \
    --birth-date 2005-04-12 --sex F --phone "+7 900 111-11-11") ||
    fail "person add"
ok "$OPORA" --dir SMO person set "$D" --phone "+7 900 222-22-22"
ok "$OPORA" --dir SMO episode open "$D" --centre "Центр С." \
    --curator "Петрова" --date 2024-01-10
EP=$(cat "$T/out")
ok "$OPORA" --dir SMO event add "$D" --date 2024-02-01 --type contact \
    --text "Встреча в Смоленске"
EV=$(cat "$T/out")
ok "$OPORA" --dir SMO consent add "$D" --scope transfer --date 2024-07-01 \
    --document "Заявление № 17"
ok "$OPORA" --dir SMO transfer offer "$D" --to RU-KLU --reason "Переезд"
TR=$(cat "$T/out")
until_true 20 sh -c "'$OPORA' --dir KLU transfer list --incoming | grep -q Иванова" ||
    fail "the offer did not reach Kaluga"
ok "$OPORA" --dir KLU transfer accept "$TR"
# The history travels with the acceptance (docs/protocol.md, "Offers
# before they are accepted").
until_true 20 sh -c "'$OPORA' --dir KLU show '$D' >/dev/null 2>&1" ||
    fail "the history did not reach Kaluga after the acceptance"
ok "$OPORA" --dir KLU assign "$D" --centre Центр
# Kaluga's curator corrects the card, Smolensk's event and closes the
# episode Smolensk opened.
ok "$OPORA" --dir KLU --user kcur person set "$D" --phone "+7 910 333-33-33" \
    --address "Калуга, ул. Ленина, 1"
ok "$OPORA" --dir KLU --user kcur event amend "$D" "$EV" \
    --text "Встреча в Смоленске (уточнено)"
ok "$OPORA" --dir KLU --user kcur episode close "$D" "$EP" --date 2024-08-01 \
    --reason "Переезд"

ok "$OPORA" --dir KLU --user kcur show "$D"
S=$T/show
cp "$T/out" "$S"
# The card's edits: each with old and new value, author and region.
contains 'card: phone: «\+7 900 111-11-11» → «\+7 900 222-22-22»' "$S"
grep -A1 'card: phone: «+7 900 111-11-11»' "$S" | grep -q 'by RU-SMO tester, ' ||
    fail "Smolensk's edit not attributed"
contains 'card: phone: «\+7 900 222-22-22» → «\+7 910 333-33-33»' "$S"
grep -A1 'card: phone: «+7 900 222-22-22»' "$S" | grep -q 'by RU-KLU kcur, ' ||
    fail "Kaluga's edit not attributed"
contains 'card: address: \(empty\) → «Калуга, ул. Ленина, 1»' "$S"
# The event is Smolensk's, amended by Kaluga's curator.
grep -A1 'Встреча в Смоленске (уточнено)' "$S" | grep -q 'RU-SMO tester' ||
    fail "the event's author is not Smolensk's"
grep -A2 'Встреча в Смоленске (уточнено)' "$S" | grep -q 'amended by RU-KLU kcur' ||
    fail "the amendment is not Kaluga's"
# Opened in Smolensk, closed in Kaluga: each under its own author.
grep -A1 'support episode opened' "$S" | grep -q 'RU-SMO tester' ||
    fail "the opening is not Smolensk's"
grep -A1 'support episode closed' "$S" | grep -q 'RU-KLU kcur' ||
    fail "the closing is not Kaluga's"
# In Russian too.
LANG=ru_RU.UTF-8 ok "$OPORA" --dir KLU --user kcur show "$D"
contains 'карточка: телефон: «\+7 900 222-22-22» → «\+7 910 333-33-33»' "$T/out"
contains 'внесено: RU-KLU kcur, ' "$T/out"
contains 'исправлено: RU-KLU kcur, ' "$T/out"
contains 'карточка: адрес: \(пусто\) → «Калуга' "$T/out"
# The transfer: offered by Smolensk, accepted by Kaluga; what is dated by
# its change's clock keeps the order it was made in.
grep -A2 'transfer RU-SMO → RU-KLU' "$S" | grep -q 'accepted by RU-KLU tester' ||
    fail "the acceptance is not attributed"
awk '/card: phone: «\+7 900 111/ { a = NR } /transfer RU-SMO/ { b = NR }
    /card: phone: «\+7 900 222/ { c = NR } END { exit !(a < b && b < c) }' "$S" ||
    fail "the edits and the transfer are out of order"
# The same history in --json, for scripts and the browsers.
ok "$OPORA" --dir KLU --user kcur show --json "$D"
contains '"history":\[' "$T/out"
contains '"region":"RU-KLU","user":"kcur","op":"person.set","field":"phone","old":"\+7 900 222-22-22","new":"\+7 910 333-33-33"' "$T/out"
contains '"field":"address","old":null,"new":"Калуга, ул. Ленина, 1"' "$T/out"
contains '"op":"event.amend","entry":"'"${EV%%/*}"'/0"' "$T/out"
