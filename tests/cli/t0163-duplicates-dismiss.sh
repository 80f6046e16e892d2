# A false duplicate can be dismissed (issue 14): 'duplicates dismiss A B
# --reason' records that the two are not one person; 'duplicates' no longer
# suggests the pair (other pairs still); the statement is audited by ids,
# listed by 'duplicates dismissed', kept on this node only, refused to a
# curator (a supervisor's decision), and what is typed is shown escaped.
. "$TOP/tests/cli/lib.sh"
mknode smo
export OPORA_DIR=smo
add() {
	ok "$OPORA" person add --surname "$1" --name "$2" --birth-date "$3" \
	    --sex F --force $4
	eval "$5=\$(cat \"\$T/out\")"
}
add Иванова Анна 2005-04-12 "" A
add ИВАНОВА анна 2005-04-12 "" B
add Петрова Мария 2004-01-01 "--snils 112-233-445-95" C
add Петрова Мария 2004-01-01 "--snils 112-233-445-95" E
ok "$OPORA" duplicates --json
contains "$(printf '"dossier":"%s","other":"%s"' \
    "$(printf '%s\n%s\n' "$A" "$B" | sort | head -1)" \
    "$(printf '%s\n%s\n' "$A" "$B" | sort | tail -1)")" "$T/out"
[ "$(grep -o '"dossier"' "$T/out" | wc -l)" = 2 ] || fail "two pairs expected"

# A curator may not dismiss; a supervisor may; the reason is needed.
"$OPORA_BIN" --user admin user add cur --name К --role curator \
    --centre Центр >/dev/null || fail "user add cur"
refuses 78 'your role may not do this' "$OPORA_BIN" --user cur \
    duplicates dismiss "$A" "$B" --reason "разные люди"
refuses 64 'give --reason' "$OPORA" duplicates dismiss "$A" "$B"
refuses 64 'same dossier' "$OPORA" duplicates dismiss "$A" "${A%????????????????????}" \
    --reason x
ok "$OPORA" duplicates dismiss "$B" "$A" --reason "$(printf 'разные: мать и дочь\033[31m')"
# The pair is gone; the other one stays.
ok "$OPORA" duplicates --json
[ "$(grep -o '"dossier"' "$T/out" | wc -l)" = 1 ] || fail "the dismissed pair is still suggested"
grep -q "$A" "$T/out" && fail "A still suggested"
contains "$C" "$T/out"
ok "$OPORA" duplicates
contains 'opora duplicates dismiss' "$T/out"
# Listed, escaped, with who and when.
ok "$OPORA" duplicates dismissed
contains "tester, not the same person: разные: мать и дочь\\\\x1b\\[31m" "$T/out"
grep -q "$(printf '\033')" "$T/out" && fail "raw escape in the listing"
LANG=ru_RU.UTF-8 ok "$OPORA" duplicates dismissed
contains 'разные люди' "$T/out"
ok "$OPORA" duplicates dismissed --json
contains '"by":"tester"' "$T/out"
# Audited by ids, without the reason's text.
db smo "SELECT dossiers FROM audit WHERE action = 'duplicates dismiss'" |
    grep -q "$A" || fail "the dismissal is not audited"
db smo "SELECT detail FROM audit WHERE action = 'duplicates dismiss'" |
    grep -q 'мать' && fail "the reason's text is in the audit"
# Kept on this node: no change was written for it.
n1=$(db smo "SELECT count(*) FROM changes")
ok "$OPORA" duplicates dismiss "$C" "$E" --reason "тёзки"
[ "$(db smo "SELECT count(*) FROM changes")" = "$n1" ] ||
    fail "a dismissal wrote a change"
ok "$OPORA" duplicates
contains '^no possible duplicates$' "$T/out"
# Saying it again replaces the statement, not an error.
ok "$OPORA" duplicates dismiss "$C" "$E" --reason "тёзки, проверено"
[ "$(db smo "SELECT count(*) FROM dismissed")" = 2 ] || fail "dismissed twice"
# Linking still works for a pair that was dismissed by mistake.
ok "$OPORA" link "$A" "$B" --reason "всё-таки один человек"

# A statement made by mistake is withdrawn (undismiss): the pair is
# suggested again, the withdrawal audited with the pair; a pair never
# dismissed, or one dossier named twice, is refused; a curator may not.
ok "$OPORA" duplicates undismiss "$E" "$C"
[ "$(db smo "SELECT count(*) FROM dismissed")" = 1 ] ||
    fail "the statement was not withdrawn"
ok "$OPORA" duplicates
contains "$C" "$T/out"
contains "$E" "$T/out"
db smo "SELECT dossiers FROM audit WHERE action = 'duplicates undismiss'" |
    grep -q "$C" || fail "the withdrawal is not audited"
refuses 66 'were not marked as different people' "$OPORA" duplicates \
    undismiss "$C" "$E"
LANG=ru_RU.UTF-8 refuses 66 'не были отмечены как разные люди' "$OPORA" \
    duplicates undismiss "$C" "$E"
refuses 64 'same dossier' "$OPORA" duplicates undismiss "$C" "$C"
refuses 64 'name two dossiers' "$OPORA" duplicates undismiss "$C"
refuses 78 'your role may not do this' "$OPORA_BIN" --user cur \
    duplicates undismiss "$C" "$E"
