# An erased dossier leaves no record of the import that made it: the
# records of import_made (a hash of each line, which says something of the
# person) go with the dossier, found by their index, and the other
# dossiers' records stay, so that a run again skips them.
. "$TOP/tests/cli/lib.sh"
mknode smo
export OPORA_DIR=smo
cat > reg.jsonl <<'JSONL'
{"dossier":"A","op":"person.create","surname":"Стираемая","name":"Анна","birth_date":"2005-04-12","sex":"F"}
{"dossier":"A","op":"event.add","date":"2024-02-10","type":"contact","text":"Встреча"}
{"dossier":"B","op":"person.create","surname":"Остающийся","name":"Иван","birth_date":"2004-01-01","sex":"M"}
{"dossier":"B","op":"event.add","date":"2024-03-10","type":"housing","text":"Общежитие"}
JSONL
ok "$OPORA" import reg.jsonl
A=$(awk '$1 == "A" { print $2 }' "$T/out")
B=$(awk '$1 == "B" { print $2 }' "$T/out")
[ -n "$A" ] && [ -n "$B" ] || fail "no dossier ids printed"
[ "$(db smo "SELECT count(*) FROM import_made WHERE dossier = '$A'")" = 2 ] ||
    fail "the import's records of A are not there"
ok "$OPORA" person erase "$A" --ground "152-ФЗ, ст. 21, ч. 4"
[ "$(db smo "SELECT count(*) FROM import_made WHERE dossier = '$A'")" = 0 ] ||
    fail "the import's records of an erased dossier stayed"
[ "$(db smo "SELECT count(*) FROM import_made WHERE dossier = '$B'")" = 2 ] ||
    fail "the import's records of another dossier went"
# One row of import_dossiers a dossier, kept by the insert itself.
[ "$(db smo "SELECT count(*) FROM import_dossiers WHERE dossier = '$A'")" = 0 ] ||
    fail "the erased dossier's row of import_dossiers stayed"
[ "$(db smo "SELECT count(*) FROM import_dossiers WHERE dossier = '$B'")" = 1 ] ||
    fail "import_dossiers has not one row for B"
# The erase finds them through it, by import_made's key, not by reading
# the whole table.
plan=$(db smo "EXPLAIN QUERY PLAN DELETE FROM import_made WHERE dkey IN
    (SELECT dkey FROM import_dossiers WHERE dossier = 'x') AND dossier = 'x'")
echo "$plan" | grep -q 'SEARCH import_made USING PRIMARY KEY (dkey=?)' &&
    echo "$plan" | grep -q 'SEARCH import_dossiers USING PRIMARY KEY (dossier=?)' ||
    fail "the erase reads all of import_made: $plan"
# A record written by any statement is found: the trigger, not the
# program, keeps import_dossiers.
db smo "INSERT INTO import_made (dkey, key, change, dossier, at)
    VALUES (x'0102030405060708', x'00', 'c', '$B', 0)"
[ "$(db smo "SELECT count(*) FROM import_dossiers WHERE dossier = '$B'")" = 2 ] ||
    fail "an insert into import_made did not add its dkey"
ok "$OPORA" verify
