# import, killed with kill -9 at random points and run again each time:
# every line of the file is imported exactly once (no duplicate pairs, as
# many dossiers as the file has), nothing is printed as imported by a run
# that did not finish, and the node verifies.
. "$TOP/tests/cli/lib.sh"
mknode smo
export OPORA_DIR=smo
# Persons, four lines each: 20,000 lines (make check: 8,000, and 6,000
# with the sanitizer build, several times slower; lib.sh, depth).  Six
# batches at least: a round may see two commit before its kill, and two
# rounds must still be killed half way.
N=$(depth 5000 2000 1500)
LINES=$((N * 4))
# Distinct SNILS (numbers below 001-001-998 carry no check number) and
# distinct birth dates, so that 'duplicates' finds a pair made twice.
awk -v N=$N 'BEGIN { for (i = 1; i <= N; i++) {
	j = i - 1; y = 1990 + int(j / 336); m = 1 + int((j % 336) / 28)
	d = 1 + j % 28
	printf "{\"dossier\":\"R%d\",\"op\":\"person.create\",\"surname\":" \
	    "\"Иванова\",\"name\":\"Анна\",\"birth_date\":\"%04d-%02d-%02d\"," \
	    "\"sex\":\"F\",\"snils\":\"%09d00\"}\n", i, y, m, d, i
	printf "{\"dossier\":\"R%d\",\"op\":\"episode.open\",\"id\":\"ep\"," \
	    "\"centre\":\"Центр\",\"curator\":\"Сидорова\"," \
	    "\"date\":\"2023-09-01\"}\n", i
	printf "{\"dossier\":\"R%d\",\"op\":\"event.add\",\"id\":\"e\"," \
	    "\"date\":\"2024-02-01\",\"type\":\"housing\"," \
	    "\"text\":\"Квартира\"}\n", i
	printf "{\"dossier\":\"R%d\",\"op\":\"event.amend\",\"event\":\"e\"," \
	    "\"text\":\"Квартира получена\"}\n", i
}}' > reg.jsonl
[ "$(wc -l < reg.jsonl)" = $LINES ] || fail "the register was not made"

count() {
	db smo 'SELECT count(*) FROM changes'
}

# kill9 PID: kill the import with SIGKILL and wait for it; its status in rc.
kill9() {
	kill -9 "$1" 2>/dev/null
	wait "$1"
	rc=$?
	PIDS=$(echo "$PIDS" | sed "s/ $1\\b//")
}

# How long a whole import takes here, on a copy of the empty node: the
# kills below land at random moments within it, whatever this machine's
# speed (a check of the count in a loop could not: a batch commits every
# few tens of milliseconds).
cp -a smo scratch
t0=$(date +%s%N)
"$OPORA" --dir scratch import reg.jsonl >/dev/null 2>&1 ||
    fail "the import does not run to its end"
D=$(( ($(date +%s%N) - t0) / 1000000 ))
# And a run again, which checks the file and makes nothing.
t0=$(date +%s%N)
"$OPORA" --dir scratch import reg.jsonl >/dev/null 2>&1 ||
    fail "the import run again fails"
C=$(( ($(date +%s%N) - t0) / 1000000 ))
rm -rf scratch
echo "a whole import takes $D ms, a run that makes nothing $C ms"

# An import commits every eighth of the file, at least 1,000 changes
# (docs/import.md): NB batches of BATCH changes, each made in about TB ms.
BATCH=$((LINES / 8))
[ $BATCH -ge 1000 ] || BATCH=1000
NB=$(((LINES + BATCH - 1) / BATCH))
TB=$(((D - C) / NB))

# nap LO HI: sleep AT milliseconds and a random LO..HI hundredths of TB
# milliseconds more.
nap() {
	sleep "$(awk -v at="$AT" -v tb="$TB" \
	    -v p="$(shuf -i "$1"-"$2" -n 1)" \
	    'BEGIN { printf("%.3f", (at + tb * p / 100) / 1000) }')"
}

# Round 0: killed early (checking the file, or its first batch).
"$OPORA" import --out ids.tsv reg.jsonl >out.0 2>err.0 &
p=$!
PIDS="$PIDS $p"
AT=0 nap 5 $((C * 100 / TB))
kill9 $p
[ "$rc" = 137 ] || { cat err.0 >&2; fail "round 0 ended by itself ($rc)"; }
[ -s out.0 ] && fail "a killed import printed dossier ids"
[ -e ids.tsv ] && fail "a killed import wrote --out"

# Rounds 1-8: killed at a random moment after a batch of what is left to
# make was committed (a run again checks the whole file, then makes what
# was not made); the ids go to standard output in odd rounds, to --out in
# even ones.
mid=0
for r in 1 2 3 4 5 6 7 8; do
	before=$(count)
	# Killed after one batch and before the last: a round needs two
	# left to stop one half way.
	left=$(((LINES - before + BATCH - 1) / BATCH))
	[ $left -ge 2 ] || break
	if [ $((r % 2)) = 1 ]; then
		"$OPORA" import reg.jsonl >out.$r 2>err.$r &
	else
		"$OPORA" import --out ids.tsv reg.jsonl >out.$r 2>err.$r &
	fi
	p=$!
	PIDS="$PIDS $p"
	# Once it has committed a batch (the count moves; a time measured
	# beforehand is no guide on a loaded machine), within half a batch.
	i=0
	while n=$(count 2>/dev/null); [ "${n:-$before}" -le "$before" ] &&
	    kill -0 $p 2>/dev/null && [ $i -lt 1200 ]; do
		sleep 0.02
		i=$((i + 1))
	done
	AT=0 nap 0 50
	kill9 $p
	after=$(count)
	echo "round $r: $before -> $after changes"
	# Killed before its last commit: nothing printed, no --out.  (Killed
	# after it, the import was complete.)
	if [ "$rc" = 137 ] && [ "$after" -lt $LINES ]; then
		[ -s out.$r ] && fail "a killed import printed dossier ids"
		[ -e ids.tsv ] && fail "a killed import wrote --out"
		[ "$after" -gt "$before" ] && mid=$((mid + 1))
	elif [ "$rc" != 137 ]; then
		[ "$rc" = 0 ] || { cat err.$r >&2; fail "round $r: exit $rc"; }
	fi
	[ "$after" -le $LINES ] || fail "round $r: $after changes"
done
[ $mid -ge 2 ] || fail "only $mid rounds were killed half way through"
rm -f ids.tsv.*

ok "$OPORA" import --out ids.tsv reg.jsonl
contains "^(imported [0-9]+ of $LINES lines \\([0-9]+ imported before\\)|nothing to import)" "$T/err"
[ -s "$T/out" ] && fail "with --out, standard output should stay empty"
[ "$(count)" = $LINES ] || fail "$(count) changes for $LINES lines"
[ "$(db smo 'SELECT count(*) FROM persons')" = $N ] ||
    fail "$(db smo 'SELECT count(*) FROM persons') dossiers for $N"
[ "$(db smo 'SELECT count(*) FROM import_made')" = $LINES ] ||
    fail "import_made does not hold every line once"
[ "$(db smo 'SELECT count(*) FROM episodes')" = $N ] || fail "episodes"
[ "$(db smo "SELECT count(*) FROM events WHERE text = 'Квартира получена'
    AND amended IS NOT NULL")" = $N ] || fail "amended events"
ok "$OPORA" duplicates
contains '^no possible duplicates$' "$T/out"
# The ids: every dossier of the file, once, each a stored one.
[ "$(wc -l < ids.tsv)" = $N ] || fail "ids.tsv has $(wc -l < ids.tsv) lines"
[ "$(cut -f1 ids.tsv | sort -u | wc -l)" = $N ] || fail "labels repeat"
cut -f2 ids.tsv | sort > got
db smo 'SELECT dossier FROM persons ORDER BY 1' > want
cmp -s got want || fail "ids.tsv does not name the stored dossiers"
ok "$OPORA" verify

# Once more: nothing is added, and the same ids are printed.
ok "$OPORA" import reg.jsonl
contains "^nothing to import: all $LINES lines of the file were imported before" "$T/err"
cmp -s "$T/out" ids.tsv || fail "a re-run prints other ids"
[ "$(count)" = $LINES ] || fail "a re-run added changes"
