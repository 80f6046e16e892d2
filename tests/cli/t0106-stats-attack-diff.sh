# Issue 12: the differencing attacker (tests/stats/attack.py diff) is
# itself tested.  A researcher keeps every answer; one graduate (Sakha,
# F, born 2004: all the researcher knows of her) is added and Sakha
# publishes again; the researcher asks everything again.  With the old
# statuses and live re-publishing, the two states joined in one program
# (only her cells may differ) determine her values: no housing, a parent,
# a crisis.  Once the answers carry one status for every protected cell,
# the check that at most one value is determined is
# tests/stats/attack-check.sh.
. "$TOP/tests/cli/lib.sh"
# The federal node protects every table of the year after each pull;
# built with the sanitizers that takes minutes on a loaded machine, and
# what is tested here is the attacker (Python), not the node: the node's
# statistics run under the sanitizers in t0015 and test_disclose.
case $OPORA in
*/san/*)
	echo "skipped with the sanitizer build"
	exit 0
	;;
esac
. "$TOP/tests/stats/federation.sh"
t0=$(date +%s)
fed_build 13 RU-SMO:40 RU-KLU:30 RU-SA:12
fed_fetch a.json
fed_truth a.truth
cat > new.jsonl <<'JSONL'
{"dossier":"X1","op":"person.create","surname":"Новая","name":"Вера","birth_date":"2004-05-05","sex":"F"}
{"dossier":"X1","op":"consent.add","scope":"statistics","date":"2025-02-01","document":"Согласие"}
{"dossier":"X1","op":"episode.open","centre":"Центр","curator":"Куратор","date":"2025-02-01"}
{"dossier":"X1","op":"assessment.add","date":"2025-04-01","housing":"none","employment":"unemployed_seeking","family":"parent","education":"none"}
{"dossier":"X1","op":"event.add","date":"2025-11-03","type":"crisis","text":"Кризис"}
JSONL
ok "$OPORA" --dir SA import new.jsonl
fed_republish RU-SA
fed_fetch b.json
fed_truth b.truth
t1=$(date +%s)
"$PYTHON" "$STATS/attack.py" diff --before a.json --after b.json \
    --truth-before a.truth --truth-after b.truth --person RU-SA,F,2004 \
    --change add --budget 90 --limit 10 --stop-after 3 > diff.json \
    2> diff.err || { cat diff.err >&2; fail "attack.py diff"; }
echo "federation and two states $((t1 - t0)) s, attack" \
    "$(($(date +%s) - t1)) s"
cat diff.json
grep -q '"A"\|"D"' a.json || {
	echo "the answers carry no A/D statuses: tests/stats/attack-check.sh" \
	    "is the test of this protection"
	exit 0
}
grep -q '"infeasible": 0,' diff.json ||
    fail "the attacker's program is infeasible"
n=$(sed -n 's/^ "determined_nonzero": \([0-9]*\),$/\1/p' diff.json)
[ "${n:-0}" -ge 3 ] ||
    fail "differencing determined fewer than 3 of her non-zero values"
