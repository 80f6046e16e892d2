# tests/stats/attack-check.sh: the statistics must withstand the attacker
# (issue 12).  Run as a CLI test:
#
#     OPORA=$PWD/opora TOP=$PWD sh tests/stats/attack-check.sh
#
# A federation of five regions and about 250 graduates publishes 2025 and
# the federal node cuts release 1; a researcher asks everything the API
# allows of it (tests/stats/attack.py fetch) and keeps every answer.  It
# must hold that:
#  1. the integer-programming attacker over everything published, with
#     the perturbation table of conflict/cellkey.c, recovers no hidden
#     cell, no small count (1..t-1), no single-person flow, and decides
#     every cell within its time (an undecided cell is not safe);
#  2. after one graduate is added (Sakha, F, 2004) and a release is cut,
#     at most one of her 120 indicator x period values is determined by
#     differencing the two releases;
#  3. after one graduate withdraws her statistics consent and a release is
#     cut, at most one of her 48 values of the year and its fourth quarter
#     is.
# tests/cli/t0106-stats-attack-small.sh runs it on a smaller federation
# in make check.  Settings:
#   ATTACK_FED      the regions and their sizes (REGION:COUNT ...)
#   ATTACK_SEED     gen.py's seed (21)
#   ATTACK_BUDGET   seconds of solving for each attack (900)
#   ATTACK_LIMIT    seconds for one program (20)
#   ATTACK_NOISE    what a published count says of the truth: "ptable"
#                   (the default) or N, within N (0: exact, for a node
#                   run with OPORA_TEST_NO_NOISE=1)
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/stats/federation.sh"
budget=${ATTACK_BUDGET:-900}
limit=${ATTACK_LIMIT:-20}
noise=${ATTACK_NOISE:-ptable}
fed=${ATTACK_FED:-RU-SMO:80 RU-KLU:60 RU-TVE:45 RU-SPE:40 RU-SA:20}
# Every attack runs; what they found is told at the end.
findings=""
found() {
	echo "FOUND: $*" >&2
	findings="$findings
  $*"
}
t0=$(date +%s)
fed_build "${ATTACK_SEED:-21}" $fed
fed_fetch a.json
fed_truth a.truth

# 1. The integer program.
"$PYTHON" "$STATS/attack.py" ip --state a.json --truth a.truth \
    --noise "$noise" --budget "$budget" --limit "$limit" > ip.json 2> ip.err ||
    { cat ip.err >&2; fail "attack.py ip"; }
head -16 ip.json
grep -q '"infeasible": 0,' ip.json || found "the attacker's program is" \
    "infeasible: a published number breaks a rule it knows"
grep -q '"recovered": 0,' ip.json || {
	sed -n '/"examples"/,$p' ip.json
	found "the attacker recovered hidden or small counts (ip.json above)"
}
grep -q '"single_person_flows": 0,' ip.json ||
    found "the attacker recovered a flow of one person"
grep -q '"unknown": 0,' ip.json ||
    found "the attacker could not decide every cell within $budget s"

# 2. One graduate added between two states.
cat > new.jsonl <<'JSONL'
{"dossier":"X1","op":"person.create","surname":"Новая","name":"Вера","birth_date":"2004-05-05","sex":"F"}
{"dossier":"X1","op":"consent.add","scope":"statistics","date":"2025-02-01","document":"Согласие"}
{"dossier":"X1","op":"episode.open","centre":"Центр","curator":"Куратор","date":"2025-02-01"}
{"dossier":"X1","op":"assessment.add","date":"2025-04-01","housing":"none","employment":"unemployed_seeking","family":"parent","education":"none"}
{"dossier":"X1","op":"event.add","date":"2025-11-03","type":"crisis","text":"Кризис"}
JSONL
ok "$OPORA" --dir SA import new.jsonl
fed_republish RU-SA
fed_release
fed_fetch b.json
fed_truth b.truth
"$PYTHON" "$STATS/attack.py" diff --before a.json --after b.json \
    --truth-before a.truth --truth-after b.truth --person RU-SA,F,2004 \
    --change add --noise "$noise" --budget "$budget" --limit "$limit" \
    > add.json 2> add.err || { cat add.err >&2; fail "attack.py diff"; }
cat add.json
n=$(sed -n 's/^ "determined": \([0-9]*\),$/\1/p' add.json)
[ "${n:-99}" -le 1 ] ||
    found "differencing determined $n of an added person's values"
grep -q '"unknown": 0,' add.json ||
    found "the differencing attack could not finish within $budget s"

# 3. A graduate of Sakha withdraws her statistics consent on 2025-12-01.
label=$("$PYTHON" - gen/RU-SA.jsonl <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
for d in dict.fromkeys(l["dossier"] for l in lines):
    mine = [l for l in lines if l["dossier"] == d]
    ops = [l["op"] for l in mine]
    if "consent.withdraw" not in ops and any(
            l["op"] == "consent.add" and l["scope"] == "statistics"
            for l in mine) and "transfer.offer" not in ops:
        p = mine[0]
        print(d, p["sex"], p["birth_date"][:4])
        with open("withdraw.jsonl", "w", encoding="utf-8") as f:
            for l in mine + [{"dossier": d, "op": "consent.withdraw",
                              "consent": "cs", "date": "2025-12-01"}]:
                f.write(json.dumps(l, ensure_ascii=False) + "\n")
        break
PY
)
[ -n "$label" ] || fail "no graduate of Sakha to withdraw"
set -- $label
ok "$OPORA" --dir SA import withdraw.jsonl
fed_republish RU-SA
fed_release
fed_fetch c.json
fed_truth c.truth
"$PYTHON" "$STATS/attack.py" diff --before b.json --after c.json \
    --truth-before b.truth --truth-after c.truth --person "RU-SA,$2,$3" \
    --change withdraw --periods 2025,2025-Q4 --noise "$noise" \
    --budget "$budget" --limit "$limit" > withdraw.json 2> withdraw.err ||
    { cat withdraw.err >&2; fail "attack.py diff"; }
cat withdraw.json
n=$(sed -n 's/^ "determined": \([0-9]*\),$/\1/p' withdraw.json)
[ "${n:-99}" -le 1 ] ||
    found "differencing determined $n of a withdrawn person's values"
grep -q '"unknown": 0,' withdraw.json ||
    found "the differencing attack could not finish within $budget s"
[ -z "$findings" ] || fail "after $(($(date +%s) - t0)) s:$findings"
echo "attack-check: nothing found in $(($(date +%s) - t0)) s"
