# Schema 12 makes the log's table again (node/store.c, migration 11 -> 12):
# with foreign keys off it copies every change into a new table, drops the
# old one, renames the new, carries the AUTOINCREMENT counter across and
# makes the indexes and triggers again, in one transaction.  The promise: a
# crash (SIGKILL) or a full disk at ANY moment of it loses nothing.  The
# database stays at schema 11 with every row and the counter as they were
# (or, once the commit is whole in the WAL, is at the new schema with the
# same rows and counter), the failed command says why (exit 79, "the disk
# is full", or "the temporary directory is full" when SQLite's statement
# journal found no room there and the node's disk had room; exit 74 for
# an I/O error), and the next command,
# with room again, migrates once to the same content and verifies.
#
# The attack: 'opora verify' (which opens the store and so migrates it)
# runs with an LD_PRELOAD shim (build/shortwrite.so) that logs every
# pwrite64; the test reads from that log how many writes a clean migration
# makes, which file each lands in, and which one is the commit (the last
# WAL write before the checkpoint writes the database).  Then, on a fresh
# copy each time, the shim kills the program before write N (KILL), or
# cuts write N short and fails every later one with ENOSPC (FULL), or so
# only the writes to SQLite's temporary directory while the node's file
# system has room (TMPFULL), for N over the whole range: every write of
# the schema-11 fixture (tests/fixtures/schema-11/SMO; make check: every
# write of the migration itself and every third of the rest), and chosen
# writes of a log of 20,000 changes (3,000 with the sanitized build),
# large enough that the DROP's statement journal goes to the temporary
# directory (about the size of the log's table: secure_delete zeroes each
# freed page) and, at 20,000, that the cache spills uncommitted pages into
# the WAL in the middle of the DROP.  strace fails the fixture's syncs
# (fdatasync) from each one on, with EIO and ENOSPC.  Each state is read
# with the sqlite3 program from a copy of the files the run left (so that
# opora, not sqlite3, is the first to recover them) and compared with what
# was there before: the log row by row (sha3 of every column), its
# AUTOINCREMENT counter (moved past the last seq first, as an erasure
# leaves it), the kept count, every other table, quick_check and
# foreign_key_check; the schema version must be the one the fault's place
# implies.  A write past the end must meet no fault (the count is exact),
# and every point before the commit must be met, so that a test that aims
# nowhere fails.
. "$TOP/tests/cli/lib.sh"
SHIM="$TOP/build/shortwrite.so"
[ -f "$SHIM" ] || fail "build/shortwrite.so is missing (make unit)"
cur=$(schema_version) || exit 1
[ "$cur" -ge 12 ] ||
    fail "no STORE_SCHEMA_VERSION of 12 or more in node/store.h"
# SQLite's temporary files (the statement journal) in a directory of the
# test's, which the write log names.
mkdir "$T/tmp"
SQLITE_TMPDIR=$T/tmp
export SQLITE_TMPDIR
TMPREAL=$(cd "$T/tmp" && pwd -P) || fail "cd $T/tmp"
# run-one.sh's ASAN_OPTIONS, and the shim loaded before the sanitizer.
AO="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
full='the disk is full'
tmpfull='the temporary directory is full'
io='I/O error on the node.s database'
started=$(date +%s)

# sum DIR: what must survive the migration, read by sqlite3 from DIR's
# opora.db (with its -wal and -shm, if any), in one run of sqlite3: one
# line each for the log (every column of every change, in seq order), its
# counter (every row sqlite_sequence holds for it), the count the triggers
# keep, every other table's content (the tables of $SUMSQL), quick_check
# and foreign_key_check; then the schema version and a hash of the schema,
# the two lines allowed to change (split off by look).
sum() {
	sqlite3 -bail "$1/opora.db" "
	    SELECT 'changes ' || count(*) FROM changes;
	    SELECT 'log ' || lower(hex(sha3_query('SELECT seq, id, dossier,
	        hlc, key_id, region, bytes, sig, received FROM changes
	        ORDER BY seq')));
	    SELECT 'counter ' || ifnull(group_concat(seq), 'none')
	        FROM sqlite_sequence WHERE name = 'changes';
	    SELECT 'tally ' || ifnull(group_concat(n), 'none') FROM tallies
	        WHERE name = 'changes';
	    SELECT 'tables ' || group_concat(name, ' ') FROM (SELECT name
	        FROM sqlite_master WHERE type = 'table'
	        AND name <> 'import_dossiers' ORDER BY name);
	    $SUMSQL
	    SELECT 'quick_check ' || group_concat(quick_check)
	        FROM pragma_quick_check;
	    SELECT 'fk ' || count(*) FROM pragma_foreign_key_check;
	    SELECT 'version ' || user_version FROM pragma_user_version;
	    SELECT 'schema ' || lower(hex(sha3_query('SELECT type, name,
	        tbl_name, sql FROM sqlite_master ORDER BY type, name')));"
}

# sumsql DIR: the lines of sum for every table of DIR but the log.
sumsql() {
	sqlite3 -bail "$1/opora.db" "SELECT name FROM sqlite_master
	    WHERE type = 'table' AND name NOT IN ('changes', 'sqlite_sequence')
	    ORDER BY name" | while read -r t; do
		echo "SELECT '$t ' || lower(hex(sha3_query('SELECT * FROM \"$t\"')));"
	done
}

# look DIR: DIR's files as a run left them, copied to $T/look and read
# there (so that the next run of opora, not sqlite3, is the first to
# recover them): the schema version in $V, its schema's hash in $S, the
# rest of the sum in $T/look.sum.
look() {
	rm -rf "$T/look"
	mkdir "$T/look" || fail "mkdir look"
	cp "$1"/opora.db* "$T/look/" || fail "copy $1"
	sum "$T/look" > "$T/look.all" ||
	    fail "sqlite3 cannot read what the run left in $1"
	V=$(sed -n 's/^version //p' "$T/look.all")
	S=$(sed -n 's/^schema //p' "$T/look.all")
	grep -Ev '^(version|schema) ' "$T/look.all" > "$T/look.sum"
}

# same WHAT FILE REF: FILE holds what REF holds, or the test fails.
same() {
	cmp -s "$2" "$3" && return 0
	diff "$3" "$2" | cut -c1-200 >&2
	fail "$1"
}

# schema DIR: the definitions of DIR's tables, indexes and triggers.
schema() {
	sqlite3 -bail "$1/opora.db" "SELECT type, name, tbl_name, sql
	    FROM sqlite_master ORDER BY type, name"
}

# prepare NAME: $NAME.0 as it stands (schema 11) is the reference: its sum
# in $T/NAME.sum11.  A clean migration of a copy by 'opora verify' (checked:
# said once, the same sum, schema $cur with the new index) gives the hash
# of the schema it must have after, $S12.  That run, with the shim
# logging, gives the writes to aim at: $W of them, numbered from 0; $C the
# commit (the last write to the WAL before the first to the database);
# $T/NAME.files, the file of each write (db, wal, shm or tmp) and its size.
prepare() {
	SUMSQL=$(sumsql "$1.0") || fail "tables of $1.0"
	look "$1.0"
	[ "$V" = 11 ] || fail "$1.0 is at schema $V, not 11"
	mv "$T/look.sum" "$T/$1.sum11"
	rm -rf X
	cp -a "$1.0" X
	rm -f "$T/w.log"
	env LD_PRELOAD="$SHIM" SHORTWRITE_LOG="$T/w.log" ASAN_OPTIONS="$AO" \
	    "$OPORA" --dir X verify >"$T/out" 2>"$T/err" ||
	    { cat "$T/err" >&2; fail "$1: the migration without a fault"; }
	contains '^verified' "$T/out"
	[ "$(grep -c "making the log's table again" "$T/err")" = 1 ] ||
	    { cat "$T/err" >&2; fail "$1: the migration did not say it ran once"; }
	look X
	[ "$V" = "$cur" ] || fail "$1: migrated to schema $V, not $cur"
	same "$1: a clean migration changed the content" "$T/look.sum" \
	    "$T/$1.sum11"
	S12=$S
	[ "$(db X "SELECT count(*) FROM sqlite_master
	    WHERE name = 'changes_idk'")" = 1 ] ||
	    fail "$1: no index changes_idk after the migration"
	# The table schema 13 adds (left out of the sum): each dossier's
	# dkeys of import_made, no more, no fewer.
	[ "$(db X "SELECT count(*) FROM (SELECT DISTINCT dossier, dkey
	    FROM import_made)")" = "$(db X "SELECT count(*) FROM
	    import_dossiers")" ] && [ "$(db X "SELECT count(*) FROM
	    import_made m WHERE NOT EXISTS (SELECT 1 FROM import_dossiers d
	    WHERE d.dossier = m.dossier AND d.dkey = m.dkey)")" = 0 ] ||
	    fail "$1: import_dossiers is not the dkeys of import_made"
	# Each line: the call's number, the file (the path may hold
	# blanks: "(deleted)"), the offset, the bytes.
	awk '{ f = "tmp" }
	    / [^ ]*opora\.db [0-9]+ [0-9]+$/ { f = "db" }
	    / [^ ]*opora\.db-wal [0-9]+ [0-9]+$/ { f = "wal" }
	    / [^ ]*opora\.db-shm [0-9]+ [0-9]+$/ { f = "shm" }
	    { print f, $NF }' "$T/w.log" > "$T/$1.files"
	W=$(wc -l < "$T/$1.files")
	C=$(awk '$1 == "wal" { last = NR - 1 }
	    $1 == "db" && last != "" { print last; exit }
	    END { if (last != "") print last }' "$T/$1.files" | head -n 1)
	[ "$W" -ge 20 ] && [ -n "$C" ] ||
	    fail "$1: the migration made $W writes and no commit was found"
	[ "$(sed -n "$((C + 1))p" "$T/$1.files" | cut -d ' ' -f 1)" = wal ] ||
	    fail "$1: write $C is not to the WAL"
}

# attack NAME N MODE: a fresh copy of $NAME.0; 'opora verify' with the
# shim at write N (KILL: killed before it; FULL: it is cut short and every
# later write fails with ENOSPC; TMPFULL: so only the writes to SQLite's
# temporary files, the node's file system having room), or with strace
# failing its N-th fdatasync and every later one (EIO, ENOSPC; numbered
# from 1).  Then the state the run left, and the same command again
# without a fault.
attack() {
	rm -rf X
	cp -a "$1.0" X
	# The file the fault meets first: the shim passes writes of one byte
	# (SQLite's growing the -shm) through unless it kills; TMPFULL fails
	# only the writes to SQLite's temporary files ("" if none is left).
	case $3 in
	KILL)	f=$(sed -n "$(($2 + 1))p" "$T/$1.files" | cut -d ' ' -f 1) ;;
	FULL)	f=$(awk -v n="$2" 'NR > n && $2 >= 2 { print $1; exit }' \
		    "$T/$1.files") ;;
	TMPFULL) f=$(awk -v n="$2" 'NR > n && $1 == "tmp" && $2 >= 2 {
		    print $1; exit }' "$T/$1.files") ;;
	*)	f=sync ;;
	esac
	case $3 in
	KILL|FULL|TMPFULL)
		mode=$3 pre=
		[ "$3" = TMPFULL ] && mode=FULL pre=$TMPREAL/
		env LD_PRELOAD="$SHIM" SHORTWRITE_AFTER="$2" "SHORTWRITE_$mode=1" \
		    SHORTWRITE_PREFIX="$pre" ASAN_OPTIONS="$AO" \
		    "$OPORA" --dir X verify >"$T/out" 2>"$T/err"
		rc=$?
		c="$1, $3 at write $2 of $W" ;;
	*)
		strace -f -qq -o /dev/null -e trace=fdatasync \
		    -e inject=fdatasync:error=$3:when=$2+ "$OPORA" --dir X verify \
		    >"$T/out" 2>"$T/err"
		rc=$?
		c="$1, $3 from fdatasync $2 of $Y" ;;
	esac
	case $3 in
	EIO)	want=74 pat=$io ;;
	*)	want=79 pat=$full ;;
	esac
	# The temporary directory full alone (TMPFULL) must be named so.
	# With every file system full (FULL), the node's disk may be named
	# instead: frames of the failed transaction that SQLite had spilled
	# into the WAL, still gathered (node/iowatch.h), meet it too.
	[ "$f" = tmp ] && pat=$tmpfull
	[ "$f" = tmp ] && [ "$3" = FULL ] && pat="$tmpfull|$full"
	# Whether any fault is left to meet (past the last write, or the last
	# temporary one), and the schema the run must leave: 11 if the fault
	# came before the commit was whole in the WAL; for a failed sync, the
	# run tells.
	none=0 vwant=
	case $3 in
	KILL|FULL)
		[ "$2" -lt "$W" ] || none=1
		if [ $none = 0 ] && [ "$2" -le "$C" ]; then
			vwant=11
		else
			vwant=$cur
		fi ;;
	TMPFULL)
		vwant=11
		[ -n "$f" ] || none=1 vwant=$cur ;;
	esac
	if [ $none = 1 ]; then
		[ $rc = 0 ] || { cat "$T/err" >&2
			fail "$c: no fault left to meet, exit $rc"; }
		f=none
	elif [ "$3" = KILL ]; then
		[ $rc = 137 ] || { cat "$T/err" >&2
			fail "$c: exit $rc, not killed (137)"; }
		hit_KILL=$((hit_KILL + 1))
	elif [ $rc = 0 ]; then
		# A full disk after the commit meets only the checkpoint at
		# close, and the WAL keeps what it could not copy; a failed
		# sync of the checkpoint is not the command's failure either.
		[ "$vwant" != 11 ] || { cat "$T/err" >&2
			fail "$c: exit 0, a fault before the commit unseen"; }
		contains '^verified' "$T/out"
		# ... but not in silence: the admin hears of the disk.
		contains 'WAL could not be copied into the database file: the disk is full or failed' "$T/err"
		hit_after=$((hit_after + 1))
	else
		[ $rc = $want ] || { cat "$T/err" >&2
			fail "$c: exit $rc, not $want"; }
		# The last word: what happened (SQLite's own words and the
		# log's come before it).
		tail -n 1 "$T/err" > "$T/last"
		contains "$pat" "$T/last"
		grep -Eq 'damaged|malformed|configuration|FAILED' "$T/err" &&
		    { cat "$T/err" >&2; fail "$c: blames the data or setup"; }
		eval "hit_$3=\$((hit_$3 + 1))"
	fi
	look X
	if [ -z "$vwant" ]; then
		# A sync that failed after the commit frame was written may
		# leave either; a run that succeeded, the new one.
		[ "$V" = 11 ] || [ "$V" = "$cur" ] || fail "$c: schema $V"
		[ $rc != 0 ] || [ "$V" = "$cur" ] ||
		    fail "$c: exit 0 and the schema still 11"
	else
		[ "$V" = "$vwant" ] || fail "$c: left schema $V, not $vwant"
	fi
	[ "$V" = 11 ] || [ "$S" = "$S12" ] ||
	    fail "$c: not the schema a clean migration makes"
	same "$c: the state it left differs" "$T/look.sum" "$T/$1.sum11"
	v=$V
	# Room again: the next command migrates (if the first did not), once,
	# to the same content, and verifies ($AGAIN: verify, or status).
	"$OPORA" --dir X $AGAIN >"$T/out" 2>"$T/err" ||
	    { cat "$T/err" >&2; fail "$c: then $AGAIN failed (exit $?)"; }
	contains '^(verified|nothing needs attention)' "$T/out"
	said=$(grep -c "making the log's table again" "$T/err")
	if [ "$v" = 11 ]; then
		[ "$said" = 1 ] || fail "$c: the next run did not migrate once"
	else
		[ "$said" = 0 ] || fail "$c: migrated again after the commit"
	fi
	look X
	[ "$V" = "$cur" ] || fail "$c: then at schema $V"
	[ "$S" = "$S12" ] || fail "$c: then not the schema a clean migration makes"
	same "$c: then the content differs" "$T/look.sum" "$T/$1.sum11"
	echo "$c ($f): exit $rc, schema $v after it; then migrated, same content"
}

# points N...: the numbers, once each, in order.
points() {
	for _p in "$@"; do
		echo "$_p"
	done | sort -n -u
}

# sweep NAME POINTS...: every mode at every point, and the faults met
# counted: every kill before the end, every ENOSPC up to the commit.
sweep() {
	name=$1
	shift
	hit_KILL=0 hit_FULL=0 want_KILL=0 want_FULL=0
	for n in "$@"; do
		[ "$n" -lt "$W" ] && want_KILL=$((want_KILL + 1))
		[ "$n" -le "$C" ] && want_FULL=$((want_FULL + 1))
		attack "$name" "$n" KILL
		attack "$name" "$n" FULL
	done
	[ $hit_KILL -ge $want_KILL ] && [ $hit_FULL -ge $want_FULL ] &&
	    [ $want_KILL -ge 5 ] && [ $want_FULL -ge 5 ] ||
	    fail "$name: $hit_KILL of $want_KILL kills and $hit_FULL of $want_FULL full disks met"
	echo "$name: $# points of $W writes (commit at $C): $hit_KILL kills, $hit_FULL full disks met ($(($(date +%s) - started)) s in)"
}

# Faults after the commit that the command met and outlived (exit 0): each
# must be told (the assertion in attack), and some must be met.
hit_after=0

# 1. The fixture as an earlier release left it (t0127), its counter moved
# on past its last seq as an erasure of the last changes leaves it: a
# counter made again from max(seq) would give a seq twice.
fx="$TOP/tests/fixtures/schema-11"
cp -R "$fx/SMO" F.0 || fail "copy the fixture"
gunzip F.0/opora.db.gz || fail "gunzip the fixture"
chmod 700 F.0
chmod 600 F.0/*
db F.0 "UPDATE sqlite_sequence SET seq = seq + 1000 WHERE name = 'changes'"
[ "$(db F.0 "SELECT seq FROM sqlite_sequence WHERE name = 'changes'")" -gt \
    "$(db F.0 'SELECT max(seq) FROM changes')" ] ||
    fail "the fixture's counter is not past its last seq"
prepare F
# Every write, and one past the last.  make check: every write from the
# one before the first to the WAL to the one after the commit (the
# migration's own), every third one of the rest (sanitized: every fifth
# one, and each one around the commit).
S0=$(awk '$1 == "wal" { print NR - 1; exit }' "$T/F.files")
if [ "${OPORA_TEST_DEPTH:-check}" = full ]; then
	pts=$(seq 0 "$W")
elif [ $SANITIZED = 1 ]; then
	pts="$(seq 0 5 "$W") $(seq $((C - 2)) $((C + 2))) $((S0 - 1)) $S0"
else
	pts="$(seq 0 3 "$W") $(seq $((S0 - 1)) $((C + 1)))"
fi
AGAIN=verify
sweep F $(points $pts $((W - 1)) "$W")

# The same migration with its syncs failing (strace): the N-th fdatasync
# and every later one fail with EIO (exit 74) or ENOSPC (exit 79).  The
# first ones sync the WAL's header and the directory, a later one the
# commit: at least two must be met.
if strace -f -qq -o /dev/null -e trace=getpid -e inject=getpid:error=EIO \
    true 2>/dev/null; then
	rm -rf X
	cp -a F.0 X
	strace -f -qq -c -o "$T/count" -e trace=fdatasync "$OPORA" --dir X \
	    verify >/dev/null 2>&1 || fail "the migration under strace"
	Y=$(awk '$NF == "fdatasync" { print $4 }' "$T/count")
	[ "${Y:-0}" -ge 2 ] || fail "the migration made ${Y:-no} fdatasync calls"
	hit_EIO=0 hit_ENOSPC=0
	for n in $(seq 1 "$Y"); do
		attack F "$n" EIO
		attack F "$n" ENOSPC
	done
	[ $hit_EIO -ge 2 ] && [ $hit_ENOSPC -ge 2 ] ||
	    fail "F: of $Y syncs, $hit_EIO met with EIO and $hit_ENOSPC with ENOSPC"
	echo "F: $Y syncs: $hit_EIO failed the run with EIO, $hit_ENOSPC with ENOSPC ($(($(date +%s) - started)) s in)"
else
	echo "skipped the syncs: strace cannot trace here"
fi

# 2. A log of 20,000 changes at schema 11 (sanitized, 3,000).  Made by this
# program (at schema $cur), then its table made again as schema 11 had it:
# the table, index and triggers the fixture defines, and import_made's
# index of schema 11 in place of schema 13's table, checked against the
# fixture's whole schema; its counter moved on as above.
D=$(depth 1000 1000 150)	# dossiers of 20 changes (lib.sh, depth)
"$OPORA" --dir G.0 init --region RU-SMO 2>/dev/null || fail "init"
awk -v N="$D" 'BEGIN { for (i = 1; i <= N; i++) {
	printf "{\"dossier\":\"G%d\",\"op\":\"person.create\",\"surname\":\"Фамилия%d\",\"name\":\"Имя\",\"birth_date\":\"2005-04-12\",\"sex\":\"F\"}\n", i, i
	for (j = 1; j <= 19; j++)
		printf "{\"dossier\":\"G%d\",\"op\":\"event.add\",\"date\":\"2024-02-%02d\",\"type\":\"contact\",\"text\":\"Встреча %d в центре\"}\n", i, j, j
} }' > reg.jsonl
ok "$OPORA" --dir G.0 import reg.jsonl
def() {	# def TYPE: the fixture's definitions of that kind for changes
	db F.0 "SELECT sql || ';' FROM sqlite_master WHERE tbl_name = 'changes'
	    AND type = '$1' AND sql IS NOT NULL ORDER BY name"
}
db G.0 "PRAGMA foreign_keys = OFF; BEGIN;
    CREATE TEMP TABLE c AS SELECT * FROM changes;
    UPDATE sqlite_sequence SET seq = seq + 1000 WHERE name = 'changes';
    CREATE TEMP TABLE s AS SELECT seq FROM sqlite_sequence
        WHERE name = 'changes';
    DROP TABLE changes;
    $(def table)
    INSERT INTO changes SELECT * FROM temp.c ORDER BY seq;
    UPDATE sqlite_sequence SET seq = (SELECT seq FROM temp.s)
        WHERE name = 'changes';
    $(def index)
    $(def trigger)
    DROP TRIGGER import_made_dossier;
    DROP TABLE import_dossiers;
    $(db F.0 "SELECT sql || ';' FROM sqlite_master
        WHERE name = 'import_made_dossier'")
    PRAGMA user_version = 11;
    COMMIT;" || fail "making a log of schema 11"
schema F.0 > "$T/F.schema11"
schema G.0 > "$T/G.schema11"
same "the log made at schema 11 is not as the fixture" "$T/G.schema11" \
    "$T/F.schema11"
[ "$(db G.0 'SELECT count(*) FROM changes')" = $((D * 20)) ] ||
    fail "the log of schema 11 holds $(db G.0 'SELECT count(*) FROM changes') changes"
prepare G
# The DROP's statement journal went to the temporary directory (secure_
# delete zeroes every page of the old table, and the statement keeps each
# as it was until it ends).
grep -q '^tmp ' "$T/G.files" ||
    fail "the migration of $((D * 20)) changes wrote no temporary file"
# Points: the first write to the temporary file and one half-way through
# it, the first to the WAL (with 1,000 dossiers, the cache spilling
# uncommitted pages in the middle of the DROP) and one half-way to the
# commit, the commit and one either side of it, the last write.
# OPORA_TEST_DEPTH=full: also the first, nine spread evenly, one past the
# last.  The state each leaves is compared whole, sum and schema, with what
# a clean migration made and verified (prepare); so at make check's depth
# the second run is 'status', which migrates as any command does, and
# 'verify' (1.6 s a run at 20,000 changes) checks the last one, at the end.
T0=$(awk '$1 == "tmp" { print NR - 1; exit }' "$T/G.files")
TN=$(grep -c '^tmp ' "$T/G.files")
S0=$(awk '$1 == "wal" { print NR - 1; exit }' "$T/G.files")
pts="$T0 $((T0 + TN / 2)) $S0 $(((S0 + C) / 2)) $((C - 1)) $C $((C + 1)) $((W - 1))"
# Sanitized, at make check's depth: the temporary file's first write, the
# WAL's first and one half-way to the commit, the commit and the one
# before it, and the last write.
[ $SANITIZED = 1 ] && [ "${OPORA_TEST_DEPTH:-check}" != full ] &&
    pts="$T0 $S0 $(((S0 + C) / 2)) $((C - 1)) $C $((W - 1))"
if [ "${OPORA_TEST_DEPTH:-check}" = full ]; then
	AGAIN=verify
	pts="$pts 0 $(seq $((W / 10)) $((W / 10)) $((W * 9 / 10))) $W"
else
	AGAIN=status
fi
sweep G $(points $pts)
# SQLite's temporary directory full and the node's file system not: from
# the first write (nothing of the statement journal written), from its
# first write and one half-way through it, and from the last temporary
# write (an index's sorter, or the journal's last).
TL=$(awk '$1 == "tmp" { last = NR - 1 } END { print last }' "$T/G.files")
hit_TMPFULL=0
for n in $(points 0 "$T0" $((T0 + TN / 2)) "$TL"); do
	attack G "$n" TMPFULL
done
[ $hit_TMPFULL -ge 3 ] ||
    fail "G: a full temporary directory met $hit_TMPFULL times, not 3"
echo "G: $TN temporary writes from $T0 to $TL: a full temporary directory met $hit_TMPFULL times ($(($(date +%s) - started)) s in)"
ok "$OPORA" --dir X verify
contains '^verified' "$T/out"
[ $hit_after -ge 1 ] ||
    fail "no fault after the commit was met and outlived: the warning went untested"
