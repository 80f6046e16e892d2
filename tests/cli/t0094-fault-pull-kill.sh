# kill -9 at random points of a pull (issue 11, "Tests").  Kaluga's
# 'opora serve' is killed with SIGKILL, 20 times (8 in make check, 4
# sanitized: lib.sh, depth), at a random moment while its puller takes in a large feed from Smolensk (thousands of changes,
# written while it pulls) and the relayed history of a third region
# (Sakha's dossiers that Smolensk accepted and offered on).  After every
# kill its cursors have passed no change it does not hold and it holds no
# dossier it is not entitled to; after healing it holds exactly the
# changes the writers reported committed of the dossiers offered to it,
# every node verifies, and status shows every peer in step.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-fault.sh"
three_nodes
oracle_init
ROUNDS=${ROUNDS:-$(depth 20 8 4)}	# lib.sh, depth
CHUNK=30	# dossiers offered per round, 15 changes each
BACKLOG=120	# dossiers waiting for Kaluga before the first round
GAP=0.5		# seconds between a round's three imports
KILL=900	# the latest kill of odd rounds, in ms after serve starts:
		# before the third import commits (two gaps later)
[ $SLOW = 1 ] && CHUNK=15 BACKLOG=60 GAP=1.2 KILL=2200

# reg PREFIX FROM N TO: N dossiers labelled PREFIX<i>, i from FROM, of 15
# changes, offered to region TO ("" for none: 14 changes).
reg() {
	awk -v P="$1" -v F="$2" -v N="$3" -v TO="$4" 'BEGIN {
	for (i = F; i < F + N; i++) {
		printf "{\"dossier\":\"%s%d\",\"op\":\"person.create\",\"surname\":\"Фамилия%d\",\"name\":\"Имя\",\"birth_date\":\"2005-04-12\",\"sex\":\"F\"}\n", P, i, i
		printf "{\"dossier\":\"%s%d\",\"op\":\"consent.add\",\"scope\":\"transfer\",\"date\":\"2024-01-01\",\"document\":\"Заявление\"}\n", P, i
		for (j = 1; j <= 12; j++)
			printf "{\"dossier\":\"%s%d\",\"op\":\"event.add\",\"date\":\"2024-02-%02d\",\"type\":\"contact\",\"text\":\"Встреча %d\"}\n", P, i, j, j
		if (TO != "")
			printf "{\"dossier\":\"%s%d\",\"op\":\"transfer.offer\",\"to\":\"%s\",\"reason\":\"Переезд\"}\n", P, i, TO
	} }'
}

serve SMO
serve SA
# Sakha's three dossiers of 200 changes go to Smolensk, which accepts them
# and offers them on to Kaluga; two more stay in Sakha.
awk 'BEGIN { for (i = 1; i <= 3; i++) {
	printf "{\"dossier\":\"KR%d\",\"op\":\"person.create\",\"surname\":\"Якутова%d\",\"name\":\"Айына\",\"birth_date\":\"2004-03-03\",\"sex\":\"F\"}\n", i, i
	printf "{\"dossier\":\"KR%d\",\"op\":\"consent.add\",\"scope\":\"transfer\",\"date\":\"2024-01-01\",\"document\":\"Заявление\"}\n", i
	for (j = 1; j <= 197; j++)
		printf "{\"dossier\":\"KR%d\",\"op\":\"event.add\",\"date\":\"2024-03-01\",\"type\":\"contact\",\"text\":\"Якутск %d\"}\n", i, j
	printf "{\"dossier\":\"KR%d\",\"op\":\"transfer.offer\",\"to\":\"RU-SMO\",\"reason\":\"Переезд\"}\n", i
} }' > sa.jsonl
reg USA 1 2 "" >> sa.jsonl
ok "$OPORA" --dir SA import sa.jsonl
oracle_want "$T/out"
until_true 30 sh -c "[ \$('$OPORA' --dir SMO transfer list --incoming |
    grep -c Якутова) = 3 ]" || fail "Sakha's offers did not reach Smolensk"
"$OPORA" --dir SMO transfer list --incoming --json |
    grep -o '"id":"[0-9a-f]*/[0-9]*"' | cut -d '"' -f 4 > offers
[ "$(wc -l < offers)" = 3 ] || fail "three offers expected"
for t in $(cat offers); do
	ok "$OPORA" --dir SMO transfer accept "$t"
done
# Their histories come with the accepts (docs/protocol.md, "Offers
# before they are accepted").
for d in $(q 'SELECT dossier FROM want'); do
	until_true 30 sh -c "[ \$(sqlite3 -cmd '.timeout 2000' SMO/opora.db \
	    \"SELECT count(*) FROM persons WHERE dossier = '$d'\") = 1 ]" ||
	    fail "Sakha's history of $d did not reach Smolensk"
	ok "$OPORA" --dir SMO transfer offer "$d" --to RU-KLU --reason "Дальше"
done
# A backlog of dossiers for Kaluga, and 5 it must never receive.
reg K 1 $BACKLOG RU-KLU > smo.jsonl
reg U 1 5 "" >> smo.jsonl
ok "$OPORA" --dir SMO import smo.jsonl
oracle_want "$T/out"
lines=$(wc -l < smo.jsonl)

# The rounds: Kaluga serves (pulling from both), Smolensk imports another
# chunk at the same time, Kaluga is killed at a random moment.
r=1 next=$((BACKLOG + 1)) mid=0
while [ $r -le $ROUNDS ]; do
	# Kaluga accepts what it holds as offers so far: their histories
	# come in this round's pulls, with the accepts Smolensk pulls back.
	accept_pending KLU
	serve_bg KLU
	klu=$SPID
	# Three imports one after the other: Smolensk commits while Kaluga
	# pulls.
	: > chunk.jsonl
	: > ids.$r
	(for k in 1 2 3; do
		reg K $((next + (k - 1) * CHUNK / 3)) $((CHUNK / 3)) RU-KLU \
		    > chunk.$k
		# And one dossier Kaluga must never receive.
		[ $k = 1 ] && reg U $((5 + r)) 1 "" >> chunk.$k
		"$OPORA" --dir SMO import chunk.$k >>ids.$r 2>>err.$r ||
		    exit 1
		[ $k = 3 ] || sleep $GAP
	done) &
	imp=$!
	before=$(db KLU 'SELECT count(*) FROM changes')
	# Odd rounds: at any moment before the third import commits, often
	# before a first commit (so Kaluga is always behind).  Even
	# rounds: just after a commit, in the next response's fetch, check or
	# transaction (so that every other round makes progress, however
	# loaded the machine).
	if [ $((r % 2)) = 1 ]; then
		rand_sleep 100 $KILL
	else
		until_true 30 sh -c "[ \$(sqlite3 -cmd '.timeout 2000' \
		    KLU/opora.db 'SELECT count(*) FROM changes') -gt $before ]"
		rand_sleep 0 600
	fi
	kill9 $klu
	wait $imp || { cat err.$r >&2; fail "round $r: an import failed"; }
	cat chunk.1 chunk.2 chunk.3 > chunk.jsonl
	next=$((next + CHUNK))
	oracle_want ids.$r
	lines=$((lines + $(wc -l < chunk.jsonl)))
	after=$(db KLU 'SELECT count(*) FROM changes')
	total=$(q "SELECT count(*) FROM ($(expected_sql))")
	echo "round $r: Kaluga $before -> $after of $total changes"
	# Killed before it had taken in everything written so far.
	[ "$after" -lt "$total" ] && mid=$((mid + 1))
	for src in SMO SA; do
		n=$(passed_behind KLU $src)
		[ "$n" = 0 ] || fail "round $r: Kaluga's cursor for RU-$src" \
		    "passed $n changes it does not hold"
	done
	n=$(unentitled KLU)
	[ "$n" = 0 ] || fail "round $r: Kaluga holds $n changes of dossiers" \
	    "never offered to it"
	r=$((r + 1))
done
[ $mid -ge $((ROUNDS / 4)) ] ||
    fail "only $mid of $ROUNDS rounds were killed before Kaluga caught up"

# The writers' reports are the source's log: every line imported is a
# change in Smolensk.
n=$(q "SELECT count(*) FROM smo.changes WHERE dossier IN (SELECT dossier
    FROM made) AND dossier NOT IN (SELECT dossier FROM sa.changes)
    AND region = 'RU-SMO'")
[ "$n" = "$lines" ] || fail "Smolensk holds $n changes of its imports'" \
    "$lines lines"

# Healing: Kaluga accepts the last offers and serves until it holds
# exactly what it should (the accepts go to Smolensk, the histories come
# back).
accept_pending KLU
serve KLU
accepts_taken() {
	accept_pending KLU	# offers that came since
	[ "$(db SMO "SELECT count(*) FROM transfers WHERE \"to\" = 'RU-KLU'
	    AND state = 'offered'")" = 0 ]
}
caught_up() {
	[ "$(differ KLU)" = 0 ]
}
until_true 90 accepts_taken || fail "Smolensk did not take the accepts"
until_true 90 caught_up ||
    fail "Kaluga did not catch up: it differs by $(differ KLU) changes"
until_true 20 in_step KLU RU-SMO RU-SA || { cat "$T/status.json"
	fail "Kaluga's status does not show its peers in step"; }
stop KLU
stop SMO
stop SA
n=$(differ KLU)
[ "$n" = 0 ] || fail "Kaluga differs from the writers' log by $n changes"
[ "$(unentitled KLU)" = 0 ] || fail "Kaluga holds unentitled changes"
[ "$(db KLU 'SELECT count(*) FROM rejected')" = 0 ] ||
    { db KLU 'SELECT reason FROM rejected LIMIT 3'
    fail "Kaluga recorded good changes as refused"; }
for r in SMO KLU SA; do
	ok "$OPORA" --dir $r verify
done
