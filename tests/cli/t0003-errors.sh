# Bad input gets a clear error naming the field, and nothing is written.
. "$TOP/tests/cli/lib.sh"
mknode smo
export OPORA_DIR=smo
P="--surname Иванова --name Анна --birth-date 2005-04-12 --sex F"
count() { db smo 'SELECT count(*) FROM changes'; }

refuses 65 'snils: not a valid SNILS' "$OPORA" person add $P --snils "112-233-445 96"
refuses 65 'snils: not a valid SNILS' "$OPORA" person add $P --snils "12345"
refuses 65 'birth_date: "2005-02-30" is not a real date' "$OPORA" person add \
    --surname И --name А --birth-date 2005-02-30 --sex F
refuses 65 'the date 2099-01-01 is after today' "$OPORA" person add \
    --surname И --name А --birth-date 2099-01-01 --sex F
refuses 65 'sex: "X" is not one of the allowed' "$OPORA" person add \
    --surname И --name А --birth-date 2005-01-01 --sex X
refuses 64 '--surname is required' "$OPORA" person add --name А \
    --birth-date 2005-01-01 --sex F
refuses 65 'email: not an e-mail' "$OPORA" person add $P --email nobody
refuses 65 'phone: not a phone' "$OPORA" person add $P --phone abc
refuses 65 'surname: empty, too long' "$OPORA" person add --surname "$(printf 'a\tb')" \
    --name А --birth-date 2005-01-01 --sex F
refuses 65 'surname: empty, too long' "$OPORA" person add --surname \
    "$(printf '%0101d' 0)" --name А --birth-date 2005-01-01 --sex F
refuses 65 'surname: not valid UTF-8' "$OPORA" person add --surname \
    "$(printf 'bad\377utf8')" --name А --birth-date 2005-01-01 --sex F
[ "$(count)" = 0 ] || fail "a refused person add wrote something"

ok "$OPORA" person add $P
D=$(cat "$T/out")
refuses 65 'type: "holiday" is not one of' "$OPORA" event add "$D" \
    --date 2024-01-01 --type holiday --text t
refuses 65 'the date 2999-01-01 is after today' "$OPORA" event add "$D" \
    --date 2999-01-01 --type contact --text t
refuses 65 'text: empty' "$OPORA" event add "$D" --date 2024-01-01 \
    --type contact --text ""
refuses 65 'text: empty, too long' "$OPORA" event add "$D" --date 2024-01-01 \
    --type contact --text "$(printf '%08001d' 0)"
refuses 65 'surname cannot be cleared' "$OPORA" person set "$D" --surname ""
refuses 64 'at least one field' "$OPORA" person set "$D"
refuses 66 'no dossier' "$OPORA" event add 00000000 --date 2024-01-01 \
    --type contact --text t
refuses 66 'not a dossier id' "$OPORA" event add "x;drop" --date 2024-01-01 \
    --type contact --text t
refuses 66 'no such entry' "$OPORA" event amend "$D" abcdef12 --text t
refuses 65 'housing: "palace"' "$OPORA" assessment add "$D" --date 2024-01-01 \
    --housing palace
refuses 65 'assesses nothing' "$OPORA" assessment add "$D" --date 2024-01-01
refuses 65 'scope: "everything"' "$OPORA" consent add "$D" --scope everything \
    --date 2024-01-01 --document d
refuses 64 'usage' "$OPORA" event add "$D" --date 2024-01-01 --bogus x
refuses 64 'unknown action' "$OPORA" event delete "$D"
refuses 64 'unknown command' "$OPORA" frobnicate
[ "$(count)" = 1 ] || fail "refused commands wrote something"
# Clearing an optional field is allowed.
ok "$OPORA" person set "$D" --patronymic ""
ok "$OPORA" verify
