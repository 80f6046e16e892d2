# Issue 12: the integer-programming attacker (tests/stats/attack.py) is
# itself tested.  A small federation publishes 2025; the researcher asks
# every question the API allows; the attacker's program over every
# published number, status and related table must recover hidden small
# counts while the federal node answers with the old statuses (A: 1..t-1,
# D: 0 or at least t), which is what issue 12 found.  Once the answers no
# longer carry them (one status for every protected cell), the check that
# the attacker finds nothing is tests/stats/attack-check.sh.
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
fed_build 12 RU-SMO:45 RU-KLU:30 RU-SPE:20 RU-SA:12
t1=$(date +%s)
fed_fetch a.json
fed_truth a.truth
t2=$(date +%s)
# Enough to show its power: three hidden small counts, or two minutes.
"$PYTHON" "$STATS/attack.py" ip --state a.json --truth a.truth \
    --budget 120 --limit 10 --stop-after 3 > ip.json 2> ip.err || {
	cat ip.err >&2
	fail "attack.py ip"
}
echo "federation $((t1 - t0)) s, fetch $((t2 - t1)) s, attack" \
    "$(($(date +%s) - t2)) s"
cat ip.json
grep -q '"old_statuses": true' ip.json || {
	echo "the answers carry no A/D statuses: tests/stats/attack-check.sh" \
	    "is the test of this protection"
	exit 0
}
# Every published number and status is consistent with the truth: the
# program is feasible, the attacker's rules are sound.
grep -q '"infeasible": 0,' ip.json ||
    fail "the attacker's program is infeasible"
n=$(sed -n 's/^ "recovered_small": \([0-9]*\),$/\1/p' ip.json)
[ "${n:-0}" -ge 1 ] ||
    fail "the attacker recovered no hidden small count from A/D statuses"
contains '"status A: 1..t-1"' ip.json
contains '"crisis <= contact.3m"' ip.json
