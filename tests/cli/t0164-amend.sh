# Support episodes, assessments and consents can be corrected (issue 14),
# as events are: 'episode amend', 'assessment amend', 'consent amend'
# replace what they name, the old values stay in the log and in show's
# history, the rules refuse what makes no sense, and a rebuild from the
# log gives the same state.
. "$TOP/tests/cli/lib.sh"
mknode smo
export OPORA_DIR=smo
ok "$OPORA" person add --surname Иванова --name Анна --birth-date 2005-04-12 \
    --sex F
D=$(cat "$T/out")
ok "$OPORA" episode open "$D" --centre "Центр" --curator "Петрова" \
    --date 2023-07-01
EP=$(cat "$T/out")
ok "$OPORA" assessment add "$D" --date 2024-06-30 --housing social_rent
AS=$(cat "$T/out")
ok "$OPORA" consent add "$D" --scope transfer --date 2024-07-01 \
    --document "Заявление № 17"
CO=$(cat "$T/out")
ok "$OPORA" digest "$D"

# Corrections, with a date typed ДД.ММ.ГГГГ.
ok "$OPORA" episode amend "$D" "$EP" --curator "Сидорова" --date 03.07.2023
echo "$(cat "$T/out")" | grep -Eq '^[0-9a-f]{64}$' || fail "episode amend output"
ok "$OPORA" assessment amend "$D" "$AS" --housing dormitory \
    --employment employed
ok "$OPORA" consent amend "$D" "$CO" --document "Заявление № 17 (копия)"
ok "$OPORA" show --json "$D"
contains '"curator":"Сидорова"' "$T/out"
contains '"opened":"2023-07-03"' "$T/out"
contains '"housing":"dormitory"' "$T/out"
contains '"employment":"employed"' "$T/out"
contains '"document":"Заявление № 17 \(копия\)"' "$T/out"
contains '"op":"episode.amend"' "$T/out"
contains '"op":"assessment.amend"' "$T/out"
contains '"op":"consent.amend"' "$T/out"
# The old values stay in the log.
ok "$OPORA" log --json "$D"
contains '"curator":"Петрова"' "$T/out"
contains '"housing":"social_rent"' "$T/out"
# show marks each corrected entry with who corrected it.
ok "$OPORA" show "$D"
[ "$(grep -c 'amended by RU-SMO tester' "$T/out")" = 3 ] ||
    fail "each correction is not shown: $(cat "$T/out")"
LANG=ru_RU.UTF-8 ok "$OPORA" show "$D"
[ "$(grep -c 'исправлено: RU-SMO tester' "$T/out")" = 3 ] ||
    fail "not in Russian"

# Refusals.
refuses 65 'episode.amend changes nothing' "$OPORA" episode amend "$D" "$EP"
LANG=ru_RU.UTF-8 refuses 65 'исправление ничего не меняет' "$OPORA" \
    assessment amend "$D" "$AS"
refuses 65 'not one of the allowed values' "$OPORA" assessment amend "$D" \
    "$AS" --housing palace
refuses 66 'no such entry' "$OPORA" consent amend "$D" "$EP" --document x
ok "$OPORA" episode close "$D" "$EP" --date 2024-08-01
refuses 65 'cannot open \(2024-09-01\) after it closed \(2024-08-01\)' \
    "$OPORA" episode amend "$D" "$EP" --date 2024-09-01
ok "$OPORA" episode amend "$D" "$EP" --date 2023-07-02
ok "$OPORA" consent withdraw "$D" "$CO" --date 2024-08-02
refuses 65 'is already withdrawn' "$OPORA" consent amend "$D" "$CO" \
    --document y
refuses 64 'unrecognized|usage' "$OPORA" consent amend "$D" "$CO" \
    --scope education
# A rebuild from the log gives the same state.
ok "$OPORA" digest "$D"
before=$(cat "$T/out")
ok "$OPORA" --user admin rebuild
ok "$OPORA" digest "$D"
[ "$(cat "$T/out")" = "$before" ] || fail "rebuild changed the state"
ok "$OPORA" --user admin verify
