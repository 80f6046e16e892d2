# import: a good register is imported; one bad line stops everything and is
# named with its number; --keep-going imports the good lines.
. "$TOP/tests/cli/lib.sh"
mknode smo
export OPORA_DIR=smo
cat > good.jsonl <<'JSONL'
{"dossier":"A17","op":"person.create","surname":"Иванова","name":"Анна","patronymic":"Сергеевна","birth_date":"2005-04-12","sex":"F","snils":"11223344595","institution":"Смоленский детский дом №1","graduated":"2023-06-30"}
{"dossier":"A17","op":"event.add","date":"2024-02-01","type":"housing","text":"Получила квартиру"}
{"dossier":"B2","op":"person.create","surname":"Петров","name":"Иван","birth_date":"2004-01-01","sex":"M","snils":"112-233-445 95"}

{"dossier":"A17","op":"event.add","id":"e1","date":"2024-03-01","type":"crisis","text":"Кризис"}
{"dossier":"A17","op":"event.amend","event":"e1","text":"Кризис преодолён"}
{"dossier":"B2","op":"episode.open","id":"ep","centre":"Центр","curator":"Сидорова","date":"2023-09-01"}
{"dossier":"B2","op":"episode.close","episode":"ep","date":"2024-09-01"}
{"dossier":"B2","op":"consent.add","id":"c","scope":"statistics","date":"2023-09-01","document":"Согласие"}
{"dossier":"B2","op":"consent.withdraw","consent":"c","date":"2024-01-01"}
{"dossier":"B2","op":"assessment.add","date":"2024-06-01","housing":"dormitory"}
JSONL
ok "$OPORA" import good.jsonl
[ "$(wc -l < "$T/out")" = 2 ] || fail "import should print two dossiers"
contains '^A17	[0-9a-f-]{36}$' "$T/out"
A=$(awk '$1 == "A17" { print $2 }' "$T/out")
ok "$OPORA" show "$A"
contains 'Кризис преодолён \(amended\)' "$T/out"
[ "$(db smo 'SELECT count(*) FROM changes')" = 10 ] || fail "10 changes expected"
ok "$OPORA" verify

cat > bad.jsonl <<'JSONL'
{"dossier":"C1","op":"person.create","surname":"Смирнова","name":"Ольга","birth_date":"2005-01-01","sex":"F"}
{"dossier":"C1","op":"event.add","date":"2024-02-30","type":"housing","text":"x"}
{"dossier":"C1","op":"event.add","date":"2024-02-01","type":"housing","text":"хорошая строка"}
not json
{"dossier":"C9","op":"event.add","date":"2024-02-01","type":"housing","text":"x"}
{"dossier":"D1","op":"person.create","surname":"Кузнецова","name":"Вера","birth_date":"2005-01-01","sex":"F","snils":"11223344596"}
{"dossier":"D1","op":"event.add","date":"2024-02-01","type":"housing","text":"x"}
{"dossier":"C1","op":"event.amend","event":"nope","text":"x"}
JSONL
before=$(db smo 'SELECT count(*) FROM changes')
refuses 65 'bad.jsonl:2: date: "2024-02-30" is not a real date' "$OPORA" import bad.jsonl
contains 'bad.jsonl:4: not a JSON object' "$T/err"
contains 'bad.jsonl:5: dossier "C9" has no person.create' "$T/err"
contains 'bad.jsonl:6: snils: not a valid SNILS' "$T/err"
contains 'bad.jsonl:7: dossier "D1" was refused on line 6' "$T/err"
contains 'bad.jsonl:8: no earlier entry of this dossier labelled "nope"' "$T/err"
contains 'nothing was imported' "$T/err"
[ "$(db smo 'SELECT count(*) FROM changes')" = "$before" ] ||
    fail "a refused import wrote something"

refuses 65 'bad lines skipped' "$OPORA" import --keep-going bad.jsonl
[ "$(db smo 'SELECT count(*) FROM changes')" = $((before + 2)) ] ||
    fail "--keep-going should import the two good lines"
contains '^C1	' "$T/out"
ok "$OPORA" find --surname смирнова
contains 'Смирнова' "$T/out"
ok "$OPORA" verify

refuses 66 'cannot open' "$OPORA" import missing.jsonl

# History rules are checked before anything is written, as the node will
# apply them: an offer without a consent, an episode closed before it
# opened.
cat > rules.jsonl <<'JSONL'
{"dossier":"R1","op":"person.create","surname":"Орлова","name":"Ира","birth_date":"2005-01-01","sex":"F"}
{"dossier":"R1","op":"transfer.offer","to":"RU-KLU","reason":"Переезд"}
{"dossier":"R1","op":"episode.open","id":"e","centre":"Центр","curator":"К","date":"2024-05-01"}
{"dossier":"R1","op":"episode.close","episode":"e","date":"2024-04-01"}
{"dossier":"R1","op":"consent.add","scope":"transfer","date":"2024-01-01","document":"З"}
{"dossier":"R1","op":"transfer.offer","to":"RU-KLU","reason":"Переезд"}
{"dossier":"R1","op":"transfer.offer","to":"RU-SA","reason":"Ещё раз"}
JSONL
before=$(db smo 'SELECT count(*) FROM changes')
refuses 65 'rules.jsonl:2: there is no recorded, unwithdrawn consent' "$OPORA" import rules.jsonl
contains 'rules.jsonl:4: the episode cannot close \(2024-04-01\) before it opened' "$T/err"
contains 'rules.jsonl:7: the case is already offered to RU-KLU' "$T/err"
[ "$(db smo 'SELECT count(*) FROM changes')" = "$before" ] ||
    fail "a refused import wrote something"
