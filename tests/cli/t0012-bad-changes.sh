# A tampered change, a change signed by an unknown key, and a change that
# breaks an authority rule are each refused on receipt and recorded; the
# rest of the batch is applied.  A pull killed with SIGKILL resumes with
# nothing lost and nothing doubled.
. "$TOP/tests/cli/lib.sh"
three_nodes
for n in SMO KLU; do "$OPORA" --dir $n peer remove RU-SA >/dev/null; done

mk() {	# mk: a dossier at SMO with a transfer consent; prints its id
	"$OPORA" --dir SMO person add --surname "$1" --name Анна \
	    --birth-date 2005-04-12 --sex F || fail "person add"
}
D1=$(mk Первая)
D2=$(mk Вторая)
# Kaluga follows Smolensk's writes to both (a former custodian: lib.sh),
# and D1 is offered to it again.
for d in $D1 $D2; do
	ok "$OPORA" --dir SMO event add "$d" --date 2024-01-10 --type contact --text "Встреча"
	share SMO KLU "$d"
done
ok "$OPORA" --dir SMO transfer offer "$D1" --to RU-KLU --reason "Переезд"
ok "$OPORA" --dir SMO event add "$D1" --date 2024-02-10 --type contact --text "Испорченная"
# 1. A byte of that last change is flipped in Smolensk's database, and
# stored under the hash of the new bytes, as a malicious node would (an
# honest node refuses to serve bytes that do not match their id: t0085).
db SMO "UPDATE changes SET bytes = CAST(replace(CAST(bytes AS TEXT), 'Испорченная', 'Испорченнаа') AS BLOB) WHERE instr(CAST(bytes AS TEXT), 'Испорченная') > 0"
cid=$(db SMO "SELECT id FROM changes WHERE instr(CAST(bytes AS TEXT), 'Испорченнаа') > 0")
db SMO "SELECT writefile('tampered.bin', bytes) FROM changes WHERE id = '$cid'" >/dev/null
nid=$(sha256sum < tampered.bin | cut -d' ' -f1)
db SMO "UPDATE changes SET id = '$nid' WHERE id = '$cid';
    UPDATE heads SET id = '$nid' WHERE id = '$cid'"
# 2. A change signed by a node Kaluga does not know, served by Smolensk.
"$OPORA" --dir TUL init --region RU-TUL >/dev/null 2>&1
X=$("$OPORA" --dir TUL person add --surname Чужая --name Ольга --birth-date 2005-01-01 --sex F)
sqlite3 SMO/opora.db "ATTACH 'TUL/opora.db' AS t;
    INSERT INTO changes (id, dossier, hlc, key_id, region, bytes, sig, received)
      SELECT id, dossier, hlc, key_id, region, bytes, sig, received FROM t.changes;
    INSERT INTO persons SELECT * FROM t.persons;
    UPDATE persons SET custodian = 'RU-KLU' WHERE dossier = '$X';" ||
    fail "cannot plant the foreign change"

serve SMO
ok "$OPORA" --dir KLU sync --once
contains 'RU-SMO: .* applied, .* refused' "$T/out"
ok "$OPORA" --dir KLU rejected list
contains 'RU-SMO .*signature does not verify|RU-SMO .*hash' "$T/out"
contains 'RU-SMO .*which this node does not know' "$T/out"
# In Russian, the reasons too (the JSON keeps the node's English).
LANG=ru_RU.UTF-8 ok "$OPORA" --dir KLU rejected list
contains 'RU-SMO .*(подпись не сходится|хеш)' "$T/out"
contains 'RU-SMO .*которого этот узел не знает' "$T/out"
ok "$OPORA" --dir KLU rejected list --json
contains '"reason":"[^"]*which this node does not know' "$T/out"
# Everything else arrived.
ok "$OPORA" --dir KLU transfer list --incoming
[ "$(grep -c 'RU-SMO → RU-KLU  offered' "$T/out")" = 1 ] || fail "the offer is missing"
[ "$(db KLU "SELECT count(*) FROM changes WHERE dossier = '$X'")" = 0 ] ||
    fail "the unknown key's change was stored"
[ "$(db KLU "SELECT count(*) FROM changes WHERE instr(CAST(bytes AS TEXT), 'Испорченна') > 0")" = 0 ] ||
    fail "the tampered change was stored"
ok "$OPORA" --dir KLU verify

# 3. Kaluga's view is forged to make it custodian of D2; the change it then
# signs (a card field, which a former custodian may not write) is refused
# by Smolensk, judged on its causal past.
db KLU "UPDATE persons SET custodian = 'RU-KLU' WHERE dossier = '$D2'"
ok "$OPORA" --dir KLU person set "$D2" --address "Самовольная запись"
ok "$OPORA" --dir KLU rebuild
ok "$OPORA" --dir KLU transfer accept "$(db KLU "SELECT id FROM transfers WHERE dossier = '$D1' AND state = 'offered'")"
serve KLU
ok "$OPORA" --dir SMO sync --once
ok "$OPORA" --dir SMO rejected list
contains 'RU-KLU .*custody of RU-SMO' "$T/out"
ok "$OPORA" --dir SMO show "$D1"
contains 'custodian RU-KLU' "$T/out"
ok "$OPORA" --dir SMO show "$D2"
grep -q 'Самовольная' "$T/out" && fail "the unauthorised change was applied"
stop KLU

# 4. A large pull killed with SIGKILL resumes: nothing lost, nothing doubled.
i=0
while [ $i -lt 60 ]; do
	printf '{"dossier":"B%d","op":"person.create","surname":"Массовая%d","name":"Вера","birth_date":"2004-02-02","sex":"F"}\n' $i $i
	printf '{"dossier":"B%d","op":"consent.add","scope":"transfer","date":"2024-01-01","document":"№"}\n' $i
	j=0
	while [ $j -lt 80 ]; do
		printf '{"dossier":"B%d","op":"event.add","date":"2024-01-02","type":"contact","text":"Запись %d"}\n' $i $j
		j=$((j + 1))
	done
	i=$((i + 1))
done > big.jsonl
"$OPORA" --dir SMO import big.jsonl > ids.tsv 2>/dev/null || fail "import"
for d in $(cut -f2 ids.tsv); do
	"$OPORA" --dir SMO transfer offer "$d" --to RU-KLU --reason "Переезд" >/dev/null ||
	    fail "offer"
done
# Kaluga takes the 60 offers and accepts them; Smolensk takes the accepts;
# the histories come with them (issue 13).
ok "$OPORA" --dir KLU sync --once
ok "$OPORA" --dir KLU transfer accept $(db KLU "SELECT offer FROM
    offer_summaries WHERE state = 'offered'")
[ "$(wc -l < "$T/out")" = 60 ] || fail "60 accepts, each printed"
serve KLU
ok "$OPORA" --dir SMO sync --once
stop KLU
"$OPORA" --dir KLU sync --once >/dev/null 2>&1 & p=$!
sleep 0.4
kill -9 $p 2>/dev/null
wait $p 2>/dev/null
mid=$(db KLU "SELECT count(*) FROM changes")
ok "$OPORA" --dir KLU sync --once
mass="SELECT count(*) FROM changes WHERE dossier IN (SELECT dossier FROM persons WHERE surname LIKE 'Массовая%')"
want=$(db SMO "$mass")
got=$(db KLU "$mass")
[ "$want" = $((60 * 84)) ] || fail "Smolensk holds $want changes of the 60 dossiers"
[ "$got" = "$want" ] || fail "after the restart Kaluga holds $got changes of $want (had $mid when killed)"
[ "$(db KLU "SELECT count(*) FROM (SELECT id FROM changes GROUP BY id HAVING count(*) > 1)")" = 0 ] ||
    fail "a change is stored twice"
ok "$OPORA" --dir KLU verify
echo "killed with $mid changes, finished with $got" >&2

# 5. A parent lost on this side (say, a restore from an older backup) is
# fetched whole from the peer (GET /v1/dossiers/ID/changes).
B=$(head -1 ids.tsv | cut -f2)
C=$(db KLU "SELECT id FROM changes WHERE dossier = '$B' ORDER BY seq DESC LIMIT 1")
P=$(db KLU "SELECT parent FROM parents WHERE child = (SELECT seq FROM changes WHERE id = '$C')")
db KLU "DELETE FROM parents WHERE child = (SELECT seq FROM changes WHERE id = '$C');
    DELETE FROM heads WHERE id = '$C'; INSERT INTO heads VALUES ('$B', '$P');
    DELETE FROM changes WHERE id = '$C'"
ok "$OPORA" --dir KLU rebuild
ok "$OPORA" --dir SMO event add "$B" --date 2024-03-03 --type contact --text "После восстановления"
ok "$OPORA" --dir KLU sync --once
[ "$(db KLU "SELECT count(*) FROM changes WHERE id = '$C'")" = 1 ] ||
    fail "the lost parent was not fetched"
ok "$OPORA" --dir KLU show "$B"
contains 'После восстановления' "$T/out"
[ "$("$OPORA" --dir KLU digest "$B")" = "$("$OPORA" --dir SMO digest "$B")" ] ||
    fail "digests differ after the repair"
stop SMO
