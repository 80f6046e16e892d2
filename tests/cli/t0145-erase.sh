# Erasure across three real nodes (issue 13): Smolensk registers a person
# and hands the case to Kaluga (Smolensk stays a former custodian); Kaluga
# offers it to Sakha, which declines and so keeps nothing of it; then a
# supervisor of Kaluga erases it.  Afterwards no node's database or -wal
# file holds the surname, the SNILS or an event's text; verify passes;
# the feed serves only the tombstone; and a change of the erased dossier
# that arrives later is refused for good, without its bytes kept.
. "$TOP/tests/cli/lib.sh"
three_nodes
serve SMO
serve KLU
serve SA

SURNAME=Стирающаяся
SNILS_DIGITS=11223344595
D=$("$OPORA" --dir SMO person add --surname "$SURNAME" --name Анна \
    --patronymic Сергеевна --birth-date 2005-04-12 --sex F \
    --snils "112-233-445 95") || fail "person add"
ok "$OPORA" --dir SMO episode open "$D" --centre "Смоленский центр" \
    --curator Петрова --date 2024-01-10
ok "$OPORA" --dir SMO event add "$D" --date 2024-02-10 --type contact \
    --text "Тайнаяпервая встреча"
ok "$OPORA" --dir SMO consent add "$D" --scope transfer --date 2024-03-01 \
    --document "Заявление № 17"
ok "$OPORA" --dir SMO transfer offer "$D" --to RU-KLU --reason "Переезд"
T1=$(cat "$T/out")
until_true 10 sh -c "'$OPORA' --dir KLU transfer list --incoming | grep -q '$SURNAME'" ||
    fail "the offer did not reach Kaluga"
ok "$OPORA" --dir KLU transfer accept "$T1"
until_true 10 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'Тайнаяпервая'" ||
    fail "the history did not come with the accept"
ok "$OPORA" --dir KLU event add "$D" --date 2024-04-01 --type housing \
    --text "Тайнаявторая квартира"
ok "$OPORA" --dir KLU consent add "$D" --scope transfer --date 2024-04-02 \
    --document "Заявление № 3"
until_true 10 sh -c "'$OPORA' --dir SMO show '$D' | grep -q 'Тайнаявторая'" ||
    fail "Kaluga's note did not reach Smolensk"

# Sakha is offered the case, sees its summary (never the history),
# declines: it forgets the offer at once, keeping only its decision for
# Kaluga to pull.
ok "$OPORA" --dir KLU transfer offer "$D" --to RU-SA --reason "Переезд"
T2=$(cat "$T/out")
until_true 10 sh -c "'$OPORA' --dir SA transfer list --incoming | grep -q '$SURNAME'" ||
    fail "the offer did not reach Sakha"
refuses 66 'no dossier' "$OPORA" --dir SA show "$D"
ok "$OPORA" --dir SA transfer decline "$T2" --reason "Нет мест"
[ "$(db SA "SELECT kind FROM forgotten WHERE dossier = '$D'")" = declined ] ||
    fail "Sakha did not forget the declined dossier"
[ "$(db SA "SELECT count(*) FROM persons WHERE dossier = '$D'")" = 0 ] ||
    fail "Sakha keeps the person after declining"
[ "$(db SA "SELECT count(*) FROM changes WHERE dossier = '$D'")" = 1 ] ||
    fail "Sakha keeps more than its decision"
until_true 10 sh -c "'$OPORA' --dir KLU transfer list --outgoing --json | grep -q '\"state\":\"declined\"'" ||
    fail "the decline did not reach Kaluga"
ok "$OPORA" --dir SA verify

# Smolensk, a former custodian, writes a late note; a copy of its feed is
# kept to be sent again after the erasure.
ok "$OPORA" --dir SMO event add "$D" --date 2024-03-15 --type contact \
    --text "Тайнаяпоздняя запись"
"$OPORA" --dir SMO export --for RU-KLU > late.json || fail "export"
until_true 10 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'Тайнаяпоздняя'" ||
    fail "the late note did not reach Kaluga"

# The scan below finds what is there (the log holds it before erasure).
cat KLU/opora.db KLU/opora.db-wal 2>/dev/null | grep -aq "$SURNAME" ||
    fail "the scan does not find the surname before the erasure"

# Only a supervisor of the custodian erases, with a ground.
refuses 64 'ground' "$OPORA" --dir KLU person erase "$D"
refuses 65 'custody of RU-KLU' "$OPORA" --dir SMO person erase "$D" \
    --ground "152-ФЗ, ст. 21"
ok "$OPORA" --dir KLU person erase "$D" --ground "152-ФЗ, ст. 21, ч. 4"
TOMB=$(cat "$T/out")
db KLU "SELECT login, role, detail FROM audit WHERE action = 'person erase'
    AND dossiers = '$D'" > audit.txt
contains "^tester\|supervisor\|$TOMB ground: 152-ФЗ, ст. 21, ч. 4\$" audit.txt
refuses 66 'no dossier' "$OPORA" --dir KLU show "$D"

# Smolensk takes the tombstone and erases too.
until_true 10 sh -c "[ \"\$(sqlite3 SMO/opora.db \"SELECT kind FROM forgotten WHERE dossier = '$D'\")\" = erased ]" ||
    fail "the erasure did not reach Smolensk"
[ "$(db SMO "SELECT id FROM changes WHERE dossier = '$D'")" = "$TOMB" ] ||
    fail "Smolensk keeps more than the tombstone"
[ "$(db KLU "SELECT id FROM changes WHERE dossier = '$D'")" = "$TOMB" ] ||
    fail "Kaluga keeps more than the tombstone"

# A change of the erased dossier arriving later is refused for good, and
# its bytes are not kept with the refusal.
"$OPORA" --dir KLU receive --from RU-SMO late.json >/dev/null 2>"$T/err"
contains 'was erased' "$T/err"
[ "$(db KLU "SELECT count(*) FROM changes WHERE dossier = '$D'")" = 1 ] ||
    fail "Kaluga took a change of the erased dossier"
[ "$(db KLU "SELECT count(*) FROM rejected WHERE dossier = '$D' AND bytes IS NOT NULL")" = 0 ] ||
    fail "Kaluga kept the bytes of a refused change of the erased dossier"

# The feed serves the tombstone only.
for r in SMO KLU; do
	for to in RU-SMO RU-KLU RU-SA; do
		[ "RU-$r" = "$to" ] && continue
		"$OPORA" --dir $r export --for $to > feed.json ||
		    fail "export $r for $to"
		grep -o '"bytes":"[^"]*"' feed.json | sed 's/"bytes":"//; s/"$//' |
		while read -r b; do
			echo "$b" | base64 -d
			echo
		done > feed.txt
		n=$(grep -c "$D" feed.txt)
		[ "$n" -le 1 ] || fail "$r serves $to $n changes of the erased dossier"
		[ "$n" = 0 ] || grep "$D" feed.txt | grep -q '"op":"person.erase"' ||
		    fail "$r serves $to a change of the erased dossier other than its tombstone"
	done
done

# Every node checks out, and no erased byte stays in a database or -wal.
for r in SMO KLU SA; do
	ok "$OPORA" --dir $r verify
	ok "$OPORA" --dir $r rebuild
	ok "$OPORA" --dir $r verify
done
sleep 1
for r in SMO KLU SA; do
	for f in $r/opora.db $r/opora.db-wal; do
		[ -f "$f" ] || continue
		for s in "$SURNAME" "$SNILS_DIGITS" "112-233-445 95" Тайнаяпервая \
		    Тайнаявторая Тайнаяпоздняя; do
			grep -aq -- "$s" "$f" && fail "$f still holds \"$s\""
		done
	done
done

# The servers stay sound, and stop cleanly.
for r in SMO KLU SA; do
	stop $r
	grep -q 'shutting down' $r.log || fail "$r did not shut down cleanly"
done
exit 0
