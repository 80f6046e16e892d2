# rebuild recomputes the views from the log with an identical result,
# byte for byte, and digests do not change.
. "$TOP/tests/cli/lib.sh"
mknode smo
export OPORA_DIR=smo
for i in 1 2 3; do
	ok "$OPORA" person add --surname "Фамилия$i" --name Имя --birth-date 2004-0$i-15 --sex M
	D=$(cat "$T/out")
	ok "$OPORA" episode open "$D" --centre Центр --curator Куратор --date 2023-0$i-01
	EP=$(cat "$T/out")
	ok "$OPORA" event add "$D" --date 2024-01-0$i --type contact --text "Встреча $i"
	EV=$(cat "$T/out")
	ok "$OPORA" event amend "$D" "$EV" --type consultation
	ok "$OPORA" assessment add "$D" --date 2024-02-0$i --education vocational
	ok "$OPORA" consent add "$D" --scope statistics --date 2024-01-01 --document "Согласие $i"
	ok "$OPORA" person set "$D" --address "Адрес $i"
	ok "$OPORA" episode close "$D" "$EP" --date 2024-05-01
done
dump() {
	for t in persons episodes events assessments consents transfers; do
		db smo "SELECT * FROM $t ORDER BY 1"
	done
}
dump > before.txt
for d in $(db smo "SELECT dossier FROM persons"); do
	"$OPORA" digest "$d"
done > digests-before.txt
ok "$OPORA" rebuild
contains 'rebuilt 3 dossiers' "$T/out"
dump > after.txt
cmp before.txt after.txt || fail "rebuild changed the views"
for d in $(db smo "SELECT dossier FROM persons"); do
	"$OPORA" digest "$d"
done > digests-after.txt
cmp digests-before.txt digests-after.txt || fail "rebuild changed a digest"
[ "$(wc -l < before.txt)" -ge 15 ] || fail "views are too small"
ok "$OPORA" verify
