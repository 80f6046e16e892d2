# Injected I/O faults on a pull and on verify (issue 11, "Tests").  Kaluga
# pulls 2,000 changes from Smolensk while strace makes its writes, syncs or
# reads fail (EIO, ENOSPC) from a random call on, or an LD_PRELOAD shim
# makes its writes short.  Each time it exits with a clear error (74 for
# an I/O error, 79 for a full disk; never "configuration" or "damaged"),
# its cursor has passed nothing it did not store, nothing is recorded
# refused or put off, the file is sound; with the fault gone the same pull
# converges and the node verifies.  The same with 'opora serve', whose
# puller logs the error and shows it in status.  verify, when reads fail,
# gives no verdict (74) instead of calling a sound database damaged.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-fault.sh"
command -v strace >/dev/null || fail "strace is missing (make deps)"
SHIM="$TOP/build/shortwrite.so"
[ -f "$SHIM" ] || fail "build/shortwrite.so is missing (make unit)"
strace -f -qq -o /dev/null -e trace=getpid -e inject=getpid:error=EIO \
    true 2>/dev/null || { echo "skipped: strace cannot trace here"; exit 0; }
oracle_init
p=$(port_base)
for r in SMO KLU; do
	p=$((p + 1))
	"$OPORA" --dir $r init --region RU-$r --url "https://127.0.0.1:$p" \
	    --listen "127.0.0.1:$p" 2>/dev/null || fail "init $r"
	"$OPORA" --dir $r id > $r.card
done
ok "$OPORA" --dir SMO peer add KLU.card
ok "$OPORA" --dir KLU peer add SMO.card
N=$(depth 100 50 25)	# dossiers (lib.sh, depth)
awk -v N=$N 'BEGIN { for (i = 1; i <= N; i++) {
	printf "{\"dossier\":\"K%d\",\"op\":\"person.create\",\"surname\":\"Фамилия%d\",\"name\":\"Имя\",\"birth_date\":\"2005-04-12\",\"sex\":\"F\"}\n", i, i
	printf "{\"dossier\":\"K%d\",\"op\":\"consent.add\",\"scope\":\"transfer\",\"date\":\"2024-01-01\",\"document\":\"Заявление\"}\n", i
	for (j = 1; j <= 17; j++)
		printf "{\"dossier\":\"K%d\",\"op\":\"event.add\",\"date\":\"2024-02-%02d\",\"type\":\"contact\",\"text\":\"Встреча %d\"}\n", i, j, j
	printf "{\"dossier\":\"K%d\",\"op\":\"transfer.offer\",\"to\":\"RU-KLU\",\"reason\":\"Переезд\"}\n", i
	printf "{\"dossier\":\"U%d\",\"op\":\"person.create\",\"surname\":\"Другая%d\",\"name\":\"Имя\",\"birth_date\":\"2005-04-12\",\"sex\":\"F\"}\n", i, i
} }' > reg.jsonl
ok "$OPORA" --dir SMO import reg.jsonl
oracle_want "$T/out"
accept_all SMO KLU	# the histories come with the accepts (lib.sh)
ALL=$((N * 21))
serve SMO
cp -a KLU KLU.0

# settled CASE: Kaluga after a run: nothing passed, refused or put off,
# nothing it may not hold, and a sound file.
settled() {
	n=$(passed_behind KLU SMO)
	[ "$n" = 0 ] || fail "$1: the cursor passed $n changes not stored"
	[ "$(db KLU 'SELECT count(*) FROM rejected')" = 0 ] ||
	    fail "$1: a change was recorded refused"
	[ "$(db KLU 'SELECT count(*) FROM later')" = 0 ] ||
	    fail "$1: a change was put off"
	[ "$(unentitled KLU)" = 0 ] || fail "$1: unentitled changes"
	[ "$(db KLU 'PRAGMA quick_check')" = ok ] ||
	    fail "$1: the database file is not sound"
}

# fault CASE RC PATTERN CMD...: run a pull of a fresh Kaluga under a fault;
# it exits RC saying PATTERN, or (the fault never met) 0 with everything.
# Then the fault is gone: a pull converges and Kaluga verifies.
hit=0
fault() {
	c=$1 want=$2 pat=$3
	shift 3
	rm -rf KLU
	cp -a KLU.0 KLU
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc = 0 ]; then
		[ "$(db KLU 'SELECT count(*) FROM changes')" = $ALL ] ||
		    fail "$c: exit 0 with $(db KLU 'SELECT count(*) FROM changes') of $ALL changes"
	else
		[ $rc = "$want" ] || { cat "$T/err" >&2
			fail "$c: exit $rc, not $want"; }
		# The last word: what happened (SQLite's own words for the
		# failed statement may come before it, in the log).
		tail -n 1 "$T/err" > "$T/last"
		contains "$pat" "$T/last"
		grep -Eq 'configuration|damaged|malformed' "$T/last" &&
		    { cat "$T/err" >&2; fail "$c: blames the data or setup"; }
		hit=$((hit + 1))
	fi
	settled "$c"
	echo "$c: exit $rc, $(db KLU 'SELECT count(*) FROM changes') changes kept"
	ok "$OPORA" --dir KLU sync --once
	[ "$(differ KLU)" = 0 ] || fail "$c: no convergence after the fault"
	ok "$OPORA" --dir KLU verify
}
inj() {	# inj SYSCALL ERRNO WHEN: strace's injection of the pull (writes:
	# of the WAL)
	pw=
	[ $1 = pwrite64 ] && pw="-P $WAL"
	echo strace -f -qq -o /dev/null $pw -e trace=$1 \
	    -e inject=$1:error=$2:when=$3+ "$OPORA" --dir KLU sync --once
}
io='I/O error on the node.s database'
full='the disk is full'
# How many writes of the WAL and reads of the database the pull makes,
# counted on a copy (they change with the page size and the cache, not
# with the test), so that each fault lands inside it: half of the writes
# come before its last commit.  strace's when= counts each thread's calls
# apart, so the count is that of the thread that makes the most.  Writes
# are aimed at the WAL (-P), where the pulling thread commits: a failed
# write of the database file is a checkpoint's, after the commits, which
# the node retries (t0093); and the WAL's frames go a run at a time
# (node/iowatch.h), so the checkpointing thread's writes would outnumber
# the pulling one's.
count() {	# count SYSCALL [strace options]: calls the pull made
	sc=$1
	shift
	rm -rf KLU
	cp -a KLU.0 KLU
	strace -f -qq -o "$T/count" "$@" -e trace=$sc "$OPORA" --dir KLU \
	    sync --once >/dev/null 2>&1 || fail "the pull without a fault"
	awk -v sc=$sc 'index($2, sc "(") == 1 { n[$1]++ }
	    END { for (t in n) if (n[t] > m) m = n[t]; print m + 0 }' \
	    "$T/count"
}
WAL=$T/KLU/opora.db-wal
W=$(( $(count pwrite64 -P "$WAL") / 2 ))
R=$(count pread64 -P "$T/KLU/opora.db" -P "$T/KLU/opora.db-wal")
[ "$W" -ge 4 ] && [ "${R:-0}" -ge 2 ] ||
    fail "the pull made $W writes and ${R:-no} reads: too few to aim at"
fault "EIO on the first write" 74 "$io" $(inj pwrite64 EIO 1)
fault "EIO on a write" 74 "$io" $(inj pwrite64 EIO $(shuf -i 2-$((W / 2)) -n 1))
fault "EIO on a later write" 74 "$io" \
    $(inj pwrite64 EIO $(shuf -i $((W / 2 + 1))-$W -n 1))
fault "EIO on a sync" 74 "$io" $(inj fdatasync EIO $(shuf -i 1-3 -n 1))
fault "ENOSPC on a write" 79 "$full" \
    $(inj pwrite64 ENOSPC $(shuf -i 1-$W -n 1))
# Reads of the database only (-P): the dynamic loader reads libraries with
# pread64 too, and a fault there is no fault of the node's.
fault "EIO on a read" 74 "$io" strace -f -qq -o /dev/null \
    -P "$T/KLU/opora.db" -P "$T/KLU/opora.db-wal" -e trace=pread64 \
    -e inject=pread64:error=EIO:when=$(shuf -i 1-$R -n 1)+ \
    "$OPORA_BIN" --dir KLU sync --once
# A write cut short, then no room: the disk filled in the middle of it.
fault "a short write, then ENOSPC" 79 "$full" env LD_PRELOAD="$SHIM" \
    SHORTWRITE_AFTER=$(shuf -i 0-$W -n 1) SHORTWRITE_FULL=1 \
    ASAN_OPTIONS=verify_asan_link_order=0 "$OPORA" --dir KLU sync --once
[ $hit -ge 5 ] || fail "only $hit faults were met"
# Every write short: SQLite writes the rest, nothing is lost.
rm -rf KLU
cp -a KLU.0 KLU
LD_PRELOAD="$SHIM" SHORTWRITE_AFTER=0 ASAN_OPTIONS=verify_asan_link_order=0 \
    "$OPORA" --dir KLU sync --once >"$T/out" 2>"$T/err" ||
    { cat "$T/err" >&2; fail "short writes: exit $?"; }
settled "short writes"
[ "$(differ KLU)" = 0 ] || fail "short writes lost changes"
ok "$OPORA" --dir KLU verify

# serve: its puller meets EIO on every write from a random one on; it
# logs the error, keeps retrying, takes nothing in, and status shows the
# peer failing, not in step.  Without the fault it converges.
rm -rf KLU
cp -a KLU.0 KLU
strace -f -qq -o /dev/null -e trace=pwrite64 \
    -e inject=pwrite64:error=EIO:when=$(shuf -i 1-$W -n 1)+ \
    "$OPORA" --dir KLU serve >"$T/klu.log" 2>&1 &
SPID=$!
PIDS="$PIDS $SPID"
# The serve is strace's child: on failure too, it is killed first (the
# test's cleanup kills strace, which would leave it running, detached).
until_true 20 grep -q 'disk I/O error' "$T/klu.log" ||
    { cat "$T/klu.log"; pkill -KILL -P $SPID 2>/dev/null
	fail "serve did not meet the fault"; }
sleep 1
# The serve is strace's child: killed first (strace killed alone would
# leave it running, detached, after the test).
pkill -KILL -P $SPID 2>/dev/null
kill9 $SPID
settled "serve under EIO"
"$OPORA" --dir KLU status >"$T/out" 2>&1
# "In step" is a lie only if changes are missing: a fault that strikes
# late (the pull done, a later write failing) leaves the peer in step.
if grep -q 'RU-SMO.*in step' "$T/out" && [ "$(differ KLU)" != 0 ]; then
	cat "$T/out"
	fail "status shows the peer in step after failed pulls, $(differ KLU) changes apart"
fi
serve KLU
until_true 30 sh -c "[ \$(sqlite3 -cmd '.timeout 2000' KLU/opora.db \
    'SELECT count(*) FROM changes') = $ALL ]" ||
    fail "serve did not converge once the fault was gone"
until_true 10 in_step KLU RU-SMO || fail "status does not show RU-SMO in step"
stop KLU
[ "$(differ KLU)" = 0 ] || fail "serve: no convergence after the fault"

# verify when reads fail: no verdict, never "damaged".
for w in 1 $(shuf -i 2-100 -n 1) $(shuf -i 100-600 -n 1); do
	strace -f -qq -o /dev/null -e trace=pread64 \
	    -e inject=pread64:error=EIO:when=$w+ "$OPORA" --dir KLU verify \
	    >"$T/out" 2>"$T/err"
	rc=$?
	case $rc in
	0)	contains '^verified' "$T/out" ;;
	74)	contains "$io" "$T/err" ;;
	127)	# Too early even to load the program: not opora's answer.
		contains 'error while loading shared libraries' "$T/err" ;;
	*)	cat "$T/err" >&2; fail "verify with reads failing from #$w: exit $rc" ;;
	esac
	grep -Eq 'damaged|FAILED|malformed|restore' "$T/err" &&
	    { cat "$T/err" >&2; fail "verify called a sound database bad"; }
done
ok "$OPORA" --dir KLU verify
stop SMO
