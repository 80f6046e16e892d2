# Memory running out is no verdict (issue 11, item 1).  Kaluga pulls
# thousands of changes with 'opora sync --once' under 'ulimit -v' low enough that some
# allocations fail, again and again until it has them: at the end every
# change is there and none is recorded refused, and after every run the
# cursor has passed no change Kaluga did not store.  'verify' and 'import'
# under memory pressure say "out of memory" (exit 71), never call good data
# bad, and change nothing.
. "$TOP/tests/cli/lib.sh"
# AddressSanitizer reserves terabytes of address space: 'ulimit -v' only
# stops it from starting.  The plain build runs this test.
if grep -qa __asan_init "$OPORA_BIN"; then
	echo "skipped: memory limits do not apply to a sanitized build"
	exit 0
fi
p=$(port_base)
for r in SMO KLU; do
	p=$((p + 1))
	"$OPORA" --dir "$r" init --region "RU-$r" --url "https://127.0.0.1:$p" \
	    --listen "127.0.0.1:$p" 2>/dev/null || fail "init $r"
	"$OPORA" --dir "$r" id > "$r.card"
done
ok "$OPORA" --dir SMO peer add KLU.card
ok "$OPORA" --dir KLU peer add SMO.card
# P dossiers of 20 changes, each offered to Kaluga (500; 200 in make
# check: lib.sh, depth).
P=$(depth 500 200)
awk -v P=$P 'BEGIN { for (i = 1; i <= P; i++) {
	printf "{\"dossier\":\"P%d\",\"op\":\"person.create\",\"surname\":\"Фамилия%d\",\"name\":\"Имя\",\"birth_date\":\"2005-04-12\",\"sex\":\"F\"}\n", i, i
	printf "{\"dossier\":\"P%d\",\"op\":\"consent.add\",\"scope\":\"transfer\",\"date\":\"2024-01-01\",\"document\":\"Заявление\"}\n", i
	for (j = 1; j <= 17; j++)
		printf "{\"dossier\":\"P%d\",\"op\":\"event.add\",\"date\":\"2024-02-%02d\",\"type\":\"contact\",\"text\":\"Встреча %d: подробная запись о ходе сопровождения\"}\n", i, j, j
	printf "{\"dossier\":\"P%d\",\"op\":\"transfer.offer\",\"to\":\"RU-KLU\",\"reason\":\"Переезд\"}\n", i
} }' > reg.jsonl
ok "$OPORA" --dir SMO import reg.jsonl
[ "$(db SMO 'SELECT count(*) FROM changes')" = $((P * 20)) ] || fail "import"
accept_all SMO KLU	# the histories come with the accepts (lib.sh)
serve SMO

# The cursor never passes a change Kaluga does not hold.  (A dossier's
# history comes with the accept, its last change here: the cursor passes
# the history when it passes the accept.)
passed() {
	sqlite3 KLU/opora.db "ATTACH 'SMO/opora.db' AS s;
	    SELECT count(*) FROM s.changes c WHERE (SELECT max(m.seq) FROM
	    s.changes m WHERE m.dossier = c.dossier) <= (SELECT cursor FROM
	    main.peers WHERE region = 'RU-SMO') AND id NOT IN
	    (SELECT id FROM main.changes)"
}
# Start low (60 MiB once took 200 dossiers in: how much malloc reserves
# varies); a run that takes nothing in raises the limit by 5 MiB.
limit=30000 oom=0 runs=0
while [ "$(db KLU 'SELECT count(*) FROM changes')" != $((P * 21)) ]; do
	runs=$((runs + 1))
	[ $runs -le 30 ] || fail "$((P * 20)) changes did not arrive in 30 runs"
	before=$(db KLU 'SELECT count(*) FROM changes')
		(ulimit -v $limit; exec "$OPORA" --dir KLU sync --once) \
	    >"$T/out" 2>"$T/err"
	rc=$?
	[ "$(passed)" = 0 ] || fail "the cursor passed changes not stored"
	[ "$(db KLU 'SELECT count(*) FROM rejected')" = 0 ] ||
	    { db KLU 'SELECT reason, id, dossier FROM rejected LIMIT 3'
	    db KLU "SELECT c.id, c.hlc, (SELECT count(*) FROM changes x WHERE x.dossier = c.dossier) FROM changes c WHERE c.dossier = (SELECT dossier FROM rejected LIMIT 1)"
	    db KLU "SELECT count(*) FROM offer_summaries WHERE dossier = (SELECT dossier FROM rejected LIMIT 1)"
	    fail "a change was recorded refused under memory pressure"; }
	[ "$(db KLU 'SELECT count(*) FROM later')" = 0 ] ||
	    fail "a change was put off under memory pressure"
	if [ $rc != 0 ]; then
		grep -q 'out of memory' "$T/out" "$T/err" && oom=$((oom + 1))
		# Shown as a problem, not "in step".
		"$OPORA" --dir KLU status >"$T/status" 2>&1
		grep -q 'RU-SMO.*in step' "$T/status" && ! grep -q \
		    'RU-SMO' "$T/out" && fail "status says in step"
	fi
	after=$(db KLU 'SELECT count(*) FROM changes')
	echo "ulimit -v $limit: $before -> $after changes (exit $rc)"
	[ "$after" != "$before" ] || limit=$((limit + 5000))
done
[ $oom -gt 0 ] || fail "no run ran out of memory: the limit proves nothing"
ok "$OPORA" --dir KLU verify
stop SMO

# verify: at every limit either "verified" or "out of memory" (71), never
# a good change called bad.
seen=0
for limit in 25000 35000 50000 90000 130000; do
	(ulimit -v $limit; exec "$OPORA" --dir KLU verify) >"$T/out" 2>"$T/err"
	rc=$?
	case $rc in
	0)	;;
	71)	seen=1; contains 'out of memory' "$T/err" ;;
	127)	# Too little even to load the program: not opora's answer.
		contains 'error while loading shared libraries' "$T/err" ;;
	*)	cat "$T/err" >&2; fail "verify under ulimit -v $limit: exit $rc" ;;
	esac
done
[ $seen = 1 ] || fail "verify never ran out of memory"

# import: at every limit either done or "out of memory" (71) with nothing
# written; never a good line called bad.
head -n 2000 reg.jsonl > small.jsonl
"$OPORA" --dir IMP init --region RU-TUL 2>/dev/null || fail "init IMP"
limit=24000 seen=0
while [ $limit -le 39000 ]; do
	(ulimit -v $limit; exec "$OPORA" --dir IMP import small.jsonl) \
	    >"$T/out" 2>"$T/err"
	rc=$?
	case $rc in
	0)	rm -rf IMP
		"$OPORA" --dir IMP init --region RU-TUL 2>/dev/null ||
		    fail "init IMP" ;;
	71)	seen=1
		contains 'out of memory' "$T/err"
		# What it says it kept is exactly what is there.
		kept=$(sed -n 's/.*earlier batches kept: \([0-9]*\).*/\1/p' \
		    "$T/err")
		[ "$(db IMP 'SELECT count(*) FROM changes')" = "${kept:-0}" ] ||
		    fail "import kept other than it said" ;;
	127)	# Too little even to load the program: not opora's answer.
		contains 'error while loading shared libraries' "$T/err" ;;
	*)	cat "$T/err" >&2; fail "import under ulimit -v $limit: exit $rc" ;;
	esac
	limit=$((limit + 3000))
done
[ $seen = 1 ] || fail "import never ran out of memory"
