# import run again: a fully imported file adds nothing and says so; after
# the file was edited, unchanged lines (whatever their layout) are skipped
# and changed or new ones imported; identical lines are two lines; the ids
# are printed for every dossier of the file; --out is replaced only by a
# run that finished.
. "$TOP/tests/cli/lib.sh"
mknode smo
export OPORA_DIR=smo
cat > reg.jsonl <<'JSONL'
{"dossier":"A","op":"person.create","surname":"Иванова","name":"Анна","birth_date":"2005-04-12","sex":"F","snils":"11223344595"}
{"dossier":"A","op":"event.add","id":"e1","date":"2024-02-01","type":"housing","text":"Квартира"}
{"dossier":"A","op":"event.add","date":"2024-03-01","type":"contact","text":"Звонок"}
{"dossier":"A","op":"event.add","date":"2024-03-01","type":"contact","text":"Звонок"}
{"dossier":"B","op":"person.create","surname":"Петров","name":"Иван","birth_date":"2004-01-01","sex":"M","snils":"00000000700"}
JSONL
events() {
	db smo "SELECT count(*) FROM events e JOIN persons p USING (dossier)
	    WHERE p.surname = '$1'"
}
ok "$OPORA" import --out ids.tsv reg.jsonl
contains '^imported 5 of 5 lines \(0 imported before\), 0 bad lines skipped$' "$T/err"
[ "$(wc -l < ids.tsv)" = 2 ] || fail "two dossiers expected in ids.tsv"
[ "$(events Иванова)" = 3 ] || fail "two identical lines are two events"
A=$(awk '$1 == "A" { print $2 }' ids.tsv)
B=$(awk '$1 == "B" { print $2 }' ids.tsv)

# The same file again: nothing added, the same ids printed.
ok "$OPORA" import reg.jsonl
contains '^nothing to import: all 5 lines of the file were imported before$' "$T/err"
cmp -s "$T/out" ids.tsv || fail "a re-run printed other ids"
[ "$(db smo 'SELECT count(*) FROM changes')" = 5 ] || fail "a re-run wrote"

# Edited: line 2 laid out anew (members reordered, blanks, escapes), line 3
# changed, B's SNILS in its printed form, a line and a dossier added.
cat > reg.jsonl <<'JSONL'
{"dossier":"A","op":"person.create","surname":"Иванова","name":"Анна","birth_date":"2005-04-12","sex":"F","snils":"11223344595"}
{ "text" : "\u041a\u0432\u0430\u0440\u0442\u0438\u0440\u0430", "type":"housing", "date":"2024-02-01", "id":"e1", "op":"event.add", "dossier":"A" }
{"dossier":"A","op":"event.add","date":"2024-03-01","type":"contact","text":"Звонок матери"}
{"dossier":"A","op":"event.add","date":"2024-03-01","type":"contact","text":"Звонок"}

{"dossier":"B","op":"person.create","surname":"Петров","name":"Иван","birth_date":"2004-01-01","sex":"M","snils":"000-000-007 00"}
{"dossier":"B","op":"event.add","date":"2024-05-01","type":"contact","text":"Новая строка"}
{"dossier":"A","op":"event.amend","event":"e1","text":"Квартира получена"}
{"dossier":"C","op":"person.create","surname":"Орлова","name":"Ира","birth_date":"2005-01-01","sex":"F"}
JSONL
ok "$OPORA" import reg.jsonl
contains '^imported 4 of 8 lines \(4 imported before\), 0 bad lines skipped$' "$T/err"
[ "$(wc -l < "$T/out")" = 3 ] || fail "three dossiers expected"
contains "^A	$A\$" "$T/out"
contains "^B	$B\$" "$T/out"
contains '^C	[0-9a-f-]{36}$' "$T/out"
# The changed line is a new event; the first "Звонок" stays (nothing is
# deleted), the second identical line was made before.
[ "$(events Иванова)" = 4 ] || fail "A should hold 4 events, not $(events Иванова)"
[ "$(db smo "SELECT count(*) FROM events WHERE text = 'Звонок матери'")" = 1 ] ||
    fail "the changed line was not imported"
# The amend names an entry made by the earlier run.
ok "$OPORA" show "$A"
contains 'Квартира получена \(amended\)' "$T/out"
[ "$(events Петров)" = 1 ] || fail "B's new line"
[ "$(db smo 'SELECT count(*) FROM persons')" = 3 ] || fail "3 dossiers"
ok "$OPORA" import reg.jsonl
contains '^nothing to import: all 8 lines' "$T/err"
ok "$OPORA" duplicates
contains '^no possible duplicates$' "$T/out"
ok "$OPORA" verify

# --out is replaced only by a run that finished: a bad line (nothing
# written) leaves it as it was, with no temporary file beside it.
cp ids.tsv ids.before
echo '{"dossier":"D","op":"person.create","surname":"Кузнецова"}' >> reg.jsonl
refuses 65 'reg.jsonl:10: ' "$OPORA" import --out ids.tsv reg.jsonl
[ -s "$T/out" ] && fail "a refused import printed ids"
cmp -s ids.tsv ids.before || fail "a refused import replaced --out"
[ "$(ls | grep -c '^ids\.tsv\.')" = 0 ] || fail "a temporary file was left"
# With --keep-going the good lines are done; --out gets every dossier.
refuses 65 '^imported 0 of 9 lines \(8 imported before\), 1 bad lines skipped$' \
    "$OPORA" import --keep-going --out ids.tsv reg.jsonl
[ "$(wc -l < ids.tsv)" = 3 ] || fail "--keep-going: ids.tsv"
[ "$(stat -c %a ids.tsv)" = 600 ] || fail "ids.tsv is not 0600"
refuses 73 'ids.tsv' "$OPORA" import --out nodir/ids.tsv reg.jsonl
refuses 64 'usage' "$OPORA" import --out '' reg.jsonl
