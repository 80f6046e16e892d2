# tests/cli/lib-fault.sh: the fault-injection suite's harness (t0094-t0099,
# issue 11).  Source it after lib.sh.
#
# The oracle is a database of its own, $T/oracle.db, holding what the
# writing commands reported as committed: want(dossier) the dossiers a
# receiving region is entitled to.  The checks read the nodes' databases
# read-only with ATTACH, never through the code under test.

# The sanitizer build is several times slower: tests scale by $SLOW.
# (lib.sh's $SANITIZED: $OPORA is its wrapper by now, whose path says
# nothing of the build.)
SLOW=$SANITIZED

# kill9 PID: SIGKILL a process this test started and reap it.
kill9() {
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	PIDS=$(echo "$PIDS" | sed "s/ $1\\b//")
}

# serve_bg DIR: start 'opora serve' for DIR without waiting for it; its
# PID in $SPID (and in $PIDS), its log appended to $T/DIR.log.
serve_bg() {
	"$OPORA" --dir "$1" serve >>"$T/$(basename "$1").log" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
}

# rand_ms LO HI: a random number of milliseconds as seconds for sleep.
rand_sleep() {
	ms=$(shuf -i "$1-$2" -n 1)
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
}

# oracle_init: the oracle's tables.
oracle_init() {
	sqlite3 "$T/oracle.db" 'CREATE TABLE want (dossier TEXT PRIMARY KEY);
	    CREATE TABLE made (dossier TEXT PRIMARY KEY)' || fail "oracle"
}

# oracle_want FILE: the dossiers of an import's LABEL<tab>ID output were
# made; those whose label starts with K are entitled to the receiver.
oracle_want() {
	awk -F '\t' '{ print "INSERT INTO made VALUES (\x27" $2 "\x27);" }
	    $1 ~ /^K/ { print "INSERT INTO want VALUES (\x27" $2 "\x27);" }' \
	    "$1" | sqlite3 "$T/oracle.db" || fail "oracle want"
}

# q SQL: run SQL in the oracle with the nodes' databases attached as
# smo, klu and sa (those that exist).
q() {
	{
		for r in SMO KLU SA; do
			[ -f "$r/opora.db" ] &&
			    echo "ATTACH 'file:$r/opora.db?mode=ro' AS $r;"
		done
		echo "$1"
	} | sqlite3 -cmd '.timeout 5000' "file:$T/oracle.db?mode=ro" 2>&1
}

# passed_behind RCV SRC: changes SRC holds, of dossiers RCV is entitled to
# and has accepted (Smolensk holds its accept: before that it is sent the
# offer alone), whose every change SRC numbered at or below RCV's cursor
# for SRC (so the cursor has passed them whole), that RCV does not hold.
# Must be 0.
passed_behind() {
	q "SELECT count(*) FROM $2.changes c WHERE c.dossier IN (SELECT w.dossier
	    FROM want w JOIN $2.changes s ON s.dossier = w.dossier
	    WHERE w.dossier IN (SELECT dossier FROM smo.transfers
	    WHERE \"to\" = 'RU-$1' AND state = 'accepted')
	    GROUP BY w.dossier HAVING max(s.seq) <= (SELECT cursor
	    FROM $1.peers WHERE region = 'RU-$2')) AND c.id NOT IN
	    (SELECT id FROM $1.changes)"
}

# unentitled RCV: changes RCV holds of dossiers it is not entitled to.
# accept_pending R: R accepts every offer it holds as a summary (node/
# offer.h): since issue 13 a region is sent the offer alone, and the
# history comes with its accept, pulled like any change.
accept_pending() {
	_os=$(db "$1" "SELECT offer FROM offer_summaries WHERE
	    state = 'offered'")
	[ -z "$_os" ] ||
	    "$OPORA" --dir "$1" transfer accept $_os >/dev/null 2>&1 ||
	    fail "accept_pending: $_os"
}

unentitled() {
	q "SELECT count(*) FROM $1.changes WHERE dossier NOT IN
	    (SELECT dossier FROM want)"
}

# expected_sql: every change of an entitled dossier, held by any writer
# (Smolensk, and Sakha if the test has it).
expected_sql() {
	e="SELECT id FROM smo.changes WHERE dossier IN (SELECT dossier
	    FROM want)"
	[ -f SA/opora.db ] && e="$e UNION SELECT id FROM sa.changes WHERE
	    dossier IN (SELECT dossier FROM want)"
	echo "$e"
}

# differ RCV: changes expected but not held by RCV, plus changes held by
# RCV that no writer committed.  0 when RCV holds exactly what it should.
differ() {
	e=$(expected_sql)
	q "SELECT (SELECT count(*) FROM (SELECT id FROM ($e)
	    EXCEPT SELECT id FROM $1.changes)) + (SELECT count(*) FROM
	    (SELECT id FROM $1.changes EXCEPT SELECT id FROM ($e)))"
}

# in_step DIR PEER...: 'status --json' shows each peer pulled with no
# error, nothing behind and nothing waiting in later.
in_step() {
	"$OPORA" --dir "$1" status --json >"$T/status.json" 2>"$T/err"
	shift
	grep -q '"later":0,' "$T/status.json" || return 1
	for p in "$@"; do
		grep -q "{\"region\":\"$p\",\"ok\":true,[^}]*\"behind\":0," \
		    "$T/status.json" || return 1
	done
}

# FAULT_KEEP=1 keeps the test's directory (named on standard error) for a
# post-mortem.
if [ -n "${FAULT_KEEP:-}" ]; then
	cleanup() {
		for p in $PIDS; do kill "$p" 2>/dev/null; done
		echo "kept $T" >&2
	}
fi
