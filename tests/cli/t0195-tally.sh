# The number of changes that 'opora status' and the metrics show is kept
# by the database (table tallies, schema 11) instead of counted on each
# call: it follows every write and every removal of the log (an import,
# an erasure, a history pulled with the offer held before its parents);
# 'opora verify' counts the log again and says when they differ, and
# 'opora rebuild' counts again.
. "$TOP/tests/cli/lib.sh"

# tally R: the kept number and the counted one, equal, or the test fails.
tally() {
	kept=$(db "$1" "SELECT n FROM tallies WHERE name = 'changes'")
	counted=$(db "$1" 'SELECT count(*) FROM changes')
	[ "$kept" = "$counted" ] ||
	    fail "$1 keeps $kept changes, its log holds $counted"
	node_status "$1" --json
	[ "$(jq .changes "$T/out")" = "$counted" ] ||
	    fail "$1: status shows $(jq .changes "$T/out") changes of $counted"
}

two_nodes
cat > reg.jsonl <<'JSONL'
{"dossier":"A","op":"person.create","surname":"Иванова","name":"Анна","birth_date":"2005-04-12","sex":"F"}
{"dossier":"A","op":"event.add","date":"2024-02-10","type":"contact","text":"Встреча"}
{"dossier":"B","op":"person.create","surname":"Петров","name":"Иван","birth_date":"2004-01-01","sex":"M"}
JSONL
ok "$OPORA" --dir SMO import reg.jsonl
A=$(awk '$1 == "A" { print $2 }' "$T/out")
B=$(awk '$1 == "B" { print $2 }' "$T/out")
tally SMO
[ "$kept" = 3 ] || fail "3 changes imported, $kept kept"

# A history pulled after an accept: the offer is stored before its
# parents and moved after them (deleted and written again).
ok "$OPORA" --dir SMO consent add "$A" --scope transfer --date 2024-03-01 \
    --document "Заявление"
ok "$OPORA" --dir SMO transfer offer "$A" --to RU-KLU --reason "Переезд"
OFFER=$(cat "$T/out")
serve SMO
serve KLU
until_true 20 sh -c "'$OPORA' --dir KLU transfer list --incoming | grep -q Иванова" ||
    fail "the offer did not reach Kaluga"
ok "$OPORA" --dir KLU transfer accept "$OFFER"
until_true 20 sh -c "'$OPORA' --dir KLU show '$A' | grep -q Встреча" ||
    fail "the history did not come with the accept"
stop SMO
stop KLU
tally SMO
tally KLU

# An erasure removes the dossier's changes but its tombstone.
ok "$OPORA" --dir SMO person erase "$B" --ground "152-ФЗ, ст. 21, ч. 4"
tally SMO

# A count that does not match the log: verify says so, rebuild counts.
ok "$OPORA" --dir SMO verify
db SMO "UPDATE tallies SET n = n + 5 WHERE name = 'changes'"
refuses 65 'keeps the number of changes as' "$OPORA" --dir SMO verify
ok "$OPORA" --dir SMO rebuild
tally SMO
ok "$OPORA" --dir SMO verify

# A count that cannot be read is not shown as a number: status says the
# database could not be read whole, and exits 1.
db SMO "DELETE FROM tallies"
"$OPORA" --dir SMO status >"$T/out" 2>"$T/err"
[ $? = 1 ] || fail "status with no count of the log did not exit 1"
contains 'could not be read whole' "$T/out"
