# import under faults: an I/O error at a commit exits 74 with nothing
# printed as imported and the run again imports every line once; a file
# that changes between the two passes stops the import (75) before a line
# that was not checked is made; two imports of one file at once make each
# line once; a pipe is refused.
. "$TOP/tests/cli/lib.sh"
mknode smo
export OPORA_DIR=smo
N=600		# persons, two lines each: 1,200 lines, two batches
awk -v N=$N 'BEGIN { for (i = 1; i <= N; i++) {
	printf "{\"dossier\":\"R%d\",\"op\":\"person.create\",\"surname\":" \
	    "\"Орлова\",\"name\":\"Ира\",\"birth_date\":\"2005-01-01\"," \
	    "\"sex\":\"F\",\"snils\":\"%09d00\"}\n", i, i
	printf "{\"dossier\":\"R%d\",\"op\":\"event.add\",\"date\":" \
	    "\"2024-02-01\",\"type\":\"housing\",\"text\":\"Квартира\"}\n", i
}}' > reg.jsonl
LINES=$((N * 2))
count() {
	db smo 'SELECT count(*) FROM changes'
}
# other L K: reg.jsonl with labels L1... and SNILS from K * 10000 on.
other() {
	awk -v L="$1" -v K="$2" '{ sub(/"R/, "\"" L) }
	NR % 2 == 1 { sub(/"snils":"[0-9]+"/,
	    sprintf("\"snils\":\"%09d00\"", K * 10000 + NR)) } { print }' reg.jsonl
}
# exactly_once: every line of reg.jsonl is stored once, and the node verifies.
exactly_once() {
	[ "$(count)" = "$1" ] || fail "$(count) changes for $1 lines"
	[ "$(db smo 'SELECT count(*) FROM import_made')" = "$1" ] ||
	    fail "import_made"
	[ "$(db smo 'SELECT count(DISTINCT snils) FROM persons')" = \
	    "$(db smo 'SELECT count(*) FROM persons')" ] ||
	    fail "a person was imported twice"
	ok "$OPORA" verify
}

refuses 66 'not a regular file' sh -c "cat reg.jsonl | \"$OPORA\" import /dev/stdin"

if command -v strace >/dev/null 2>&1; then
	# The database's syncs fail with EIO from the nth on: the commit of
	# the first or second batch fails.
	hit=0
	for w in 3 4; do
		strace -f -qq -o /dev/null -e trace=fdatasync,fsync \
		    -e inject=fdatasync,fsync:error=EIO:when=$w+ \
		    "$OPORA" import --out ids.tsv reg.jsonl >out 2>err
		rc=$?
		echo "EIO from sync $w on: exit $rc"
		if [ $rc = 74 ]; then
			hit=$((hit + 1))
			grep -q 'import stopped' err || fail "no advice: $(cat err)"
			[ -s out ] && fail "a failed import printed ids"
			[ -e ids.tsv ] && fail "a failed import wrote --out"
		else
			[ $rc = 0 ] || { cat err >&2; fail "exit $rc"; }
		fi
		ok "$OPORA" import reg.jsonl
		exactly_once $LINES
		rm -f ids.tsv ids.tsv.*
	done
	[ $hit -ge 1 ] || fail "no injected error reached a commit"

	# The file grows and changes once the scan has read it and before
	# a line is made (the first read of a line by its place is held 3 s).
	other S 1 > grow.jsonl
	size=$(stat -c %s grow.jsonl)
	strace -f -qq -o /dev/null -P "$T/grow.jsonl" -e trace=pread64 \
	    -e inject=pread64:delay_enter=3000000:when=1 \
	    "$OPORA" import grow.jsonl >out 2>err &
	sp=$!
	PIDS="$PIDS $sp"
	# Wait until the importer has read the whole file once.
	i=0
	while [ $i -lt 200 ]; do
		pid=$(ps -o pid= --ppid $sp | tr -d ' ')
		pos=""
		if [ -n "$pid" ]; then
			for fd in /proc/$pid/fd/*; do
				[ "$(readlink "$fd")" = "$T/grow.jsonl" ] &&
				    pos=$(sed -n 's/^pos:[[:space:]]*//p' \
				    "/proc/$pid/fdinfo/${fd##*/}")
			done
		fi
		[ "$pos" = "$size" ] && break
		sleep 0.05
		i=$((i + 1))
	done
	[ "$pos" = "$size" ] || fail "the importer did not read the file"
	echo '{"dossier":"S1","op":"event.add","date":"2024-03-01","type":"contact","text":"Дописано"}' >> grow.jsonl
	wait $sp
	rc=$?
	PIDS=$(echo "$PIDS" | sed "s/ $sp\\b//")
	[ $rc = 75 ] || { cat err >&2; fail "a grown file: exit $rc, not 75"; }
	contains "grow.jsonl:$((LINES + 1)): the file changed while it was being imported" err
	[ -s out ] && fail "a stopped import printed ids"
	[ "$(db smo "SELECT count(*) FROM events WHERE text = 'Дописано'")" = 0 ] ||
	    fail "a line that was not checked was imported"
	ok "$OPORA" import grow.jsonl
	exactly_once $((2 * LINES + 1))
else
	echo "strace is not installed: I/O errors and a changing file not tested"
fi

# Two imports of one file at once: each line made once.
other T 2 > twice.jsonl
before=$(count)
"$OPORA" import twice.jsonl >out.1 2>err.1 &
p1=$!
"$OPORA" import twice.jsonl >out.2 2>err.2 &
p2=$!
PIDS="$PIDS $p1 $p2"
wait $p1
r1=$?
wait $p2
r2=$?
PIDS=""
# The later one may stop on a dossier the other moved on; run it again.
ok "$OPORA" import twice.jsonl
echo "concurrent imports: exit $r1 and $r2"
[ $r1 = 0 ] || [ $r2 = 0 ] || fail "neither concurrent import finished"
exactly_once $((before + LINES))
