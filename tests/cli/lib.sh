# tests/cli/lib.sh: shared by the CLI tests.  Each test sources it, runs in
# its own temporary directory, and exits non-zero on the first failure.
set -u
: "${OPORA:?set OPORA to the opora binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/opora-cli.XXXXXX")
PIDS=""
cleanup() {
	_rc=$?
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	# A failed test shows what its servers said last: the run's one
	# chance to say why (CI keeps nothing else).
	if [ "$_rc" != 0 ]; then
		_shown=""
		for _l in "$T"/*.log; do
			[ -f "$_l" ] || continue
			echo "--- last lines of ${_l##*/}:" >&2
			tail -n 8 "$_l" | cut -c 1-300 >&2
			_shown=1
		done
		# Last again, where a summary's tail shows it.
		[ -z "${FAILED:-}" ] || [ -z "$_shown" ] ||
		    echo "FAIL: $FAILED" >&2
	fi
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
cd "$T" || exit 1
export OPORA_USER=tester
unset OPORA_DIR LANG LC_ALL LC_MESSAGES

# Every command acts as an account (issue 13, docs/admin.md "Accounts").
# The tests run "$OPORA" through this wrapper: when it initialises a node
# it also creates that node's first admin, "admin", and a supervisor,
# "tester" (centre "Центр"); then it runs the node's administration (peer,
# key, status, verify, backup, ...) as admin and the rest as tester, unless
# the test names another account (--user, or OPORA_USER other than tester).
# The program itself is "$OPORA_BIN", for the tests of accounts (t011x).
OPORA_BIN=$OPORA
export OPORA_BIN
OPORA=$T/.opora
cat > "$OPORA" <<'WRAP'
#!/bin/sh
prev= cmd= dir=${OPORA_DIR:-}
for a in "$@"; do
	case $prev in
	--dir) dir=$a; prev=; continue ;;
	--user|--reason) prev=; continue ;;
	esac
	case $a in
	--dir|--user|--reason) prev=$a ;;
	-*) ;;
	*) cmd=$a; break ;;
	esac
done
case " $* " in *" --help "*|*" -h "*) exec "$OPORA_BIN" "$@" ;; esac
if [ "$cmd" = init ]; then
	"$OPORA_BIN" "$@" || exit $?
	"$OPORA_BIN" --dir "$dir" user add admin --name Admin --role admin \
	    >/dev/null || exit 70
	"$OPORA_BIN" --dir "$dir" --user admin user add tester --name Tester \
	    --role supervisor --centre Центр >/dev/null || exit 70
	exit 0
fi
case $cmd in
audit) u=auditor ;;
backup|config|export|key|lost|peer|rebuild|receive|rejected|researcher|restore|stats|\
status|user|verify) u=admin ;;
*) u=tester ;;
esac
[ "${OPORA_USER:-tester}" = tester ] || exec "$OPORA_BIN" "$@"
OPORA_USER=$u exec "$OPORA_BIN" "$@"
WRAP
chmod +x "$OPORA"

# How far the long tests go (the fault suite, docs/admin.md "Faults the
# node is tested against").  make check runs them at a depth that keeps it
# within 15 minutes on two cores, each run drawing new random moments;
# OPORA_TEST_DEPTH=full ('make check-full') runs them at the size they
# were written for.  depth FULL CHECK [SANITIZED]: the value for this run.
# The sanitized builds (AddressSanitizer's, ThreadSanitizer's, or
# tests/run.sh's wrapper of the latter) run several times slower.
case "$OPORA_BIN" in
*/san/*|*/tsan/*|*/tsan-bin/*) SANITIZED=1 ;;
*) SANITIZED=0 ;;
esac
depth() {
	if [ "${OPORA_TEST_DEPTH:-check}" = full ]; then
		echo "$1"
	elif [ $SANITIZED = 1 ] && [ -n "${3:-}" ]; then
		echo "$3"
	else
		echo "$2"
	fi
}

fail() {
	FAILED="$*"
	echo "FAIL: $*" >&2
	exit 1
}

# ok CMD...: CMD must succeed.
ok() {
	"$@" >"$T/out" 2>"$T/err" || {
		rc=$?
		tail -20 "$T/out" >&2
		cat "$T/err" >&2
		fail "expected success (exit $rc): $*"
	}
}

# refuses CODE PATTERN CMD...: CMD must exit with CODE and print PATTERN
# (a grep -E expression) on standard error.
refuses() {
	code=$1
	pat=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = "$code" ] || { cat "$T/err" >&2
		fail "expected exit $code, got $rc: $*"; }
	grep -Eq -- "$pat" "$T/err" || { cat "$T/err" >&2
		fail "expected /$pat/ on stderr: $*"; }
}

# contains PATTERN FILE
contains() {
	grep -Eq -- "$1" "$2" || { cat "$2" >&2; fail "expected /$1/ in $2"; }
}

# db DIR SQL: run SQL on a node's database.
db() {
	sqlite3 "$1/opora.db" "$2"
}

# schema_version: the schema version this program makes and migrates to
# (STORE_SCHEMA_VERSION in node/store.h); the test fails if none is there.
schema_version() {
	_v=$(sed -n 's/^#define STORE_SCHEMA_VERSION[^0-9]*\([0-9]*\).*/\1/p' \
	    "$TOP/node/store.h")
	[ -n "$_v" ] || fail "no STORE_SCHEMA_VERSION in node/store.h"
	echo "$_v"
}

# A node with one person, for tests that need one.
mknode() {
	"$OPORA" --dir "$1" init --region "${2:-RU-SMO}" 2>/dev/null ||
	    fail "init $1"
}

# A free loopback port range for this test: 10 consecutive ports, below
# the kernel's ephemeral range (32768 and up, where outgoing connections
# take their local ports), none of them listened on when chosen.  Tests
# run several at a time (tests/run.sh), so the base is random, on a
# boundary of 10 so that two tests' ranges never overlap in part.
port_base() {
	for _try in 1 2 3 4 5 6 7 8 9 10; do
		_b=$(($(shuf -i 1000-3199 -n 1) * 10))
		if ! ss -Hltn 2>/dev/null | awk '{ print $4 }' |
		    grep -qE ":$(($_b / 10))[0-9]\$"; then
			echo "$_b"
			return
		fi
	done
	echo "$_b"
}

# serve DIR: start 'opora serve' for DIR in the background, remember its
# PID, and wait (at most 10 s times UNTIL_SCALE) until it answers
# /v1/health.
serve() {
	"$OPORA" --dir "$1" serve >"$T/$(basename "$1").log" 2>&1 &
	pid=$!
	PIDS="$PIDS $pid"
	eval "PID_$(basename "$1")=$pid"
	url=$(sed -n 's/^url = //p' "$1/opora.conf")
	i=0
	while [ $i -lt $((100 * ${UNTIL_SCALE:-3})) ]; do
		curl -sk --max-time 1 "$url/v1/health" >/dev/null 2>&1 && return 0
		kill -0 $pid 2>/dev/null || { cat "$T/$(basename "$1").log"
			fail "serve $1 died"; }
		sleep 0.1
		i=$((i + 1))
	done
	fail "serve $1 did not start"
}

# stop DIR: stop its server by PID with SIGTERM, and wait for it.
stop() {
	eval "pid=\$PID_$(basename "$1")"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	PIDS=$(echo "$PIDS" | sed "s/ $pid\\b//")
}

# until_true SECONDS CMD...: retry CMD every 0.1 s until it succeeds, for
# at most SECONDS times UNTIL_SCALE (3): the seconds a test names are
# what a quiet machine needs, and CI's two cores run three tests at once.
until_true() {
	n=$(($1 * 10 * ${UNTIL_SCALE:-3}))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# Three peered nodes: SMO, KLU, SA on loopback, each knowing the others.
three_nodes() {
	p=$(port_base)
	for r in SMO KLU SA; do
		p=$((p + 1))
		"$OPORA" --dir "$r" init --region "RU-$r" \
		    --url "https://127.0.0.1:$p" --listen "127.0.0.1:$p" \
		    2>/dev/null || fail "init $r"
		"$OPORA" --dir "$r" id > "$r.card"
	done
	for a in SMO KLU SA; do
		for b in SMO KLU SA; do
			[ $a = $b ] || "$OPORA" --dir $a peer add $b.card \
			    >/dev/null 2>&1 || fail "peer add $b.card"
		done
	done
}

# Two peered nodes: SMO and KLU on loopback, each knowing the other.
two_nodes() {
	p=$(port_base)
	for r in SMO KLU; do
		p=$((p + 1))
		"$OPORA" --dir "$r" init --region "RU-$r" \
		    --url "https://127.0.0.1:$p" --listen "127.0.0.1:$p" \
		    2>/dev/null || fail "init $r"
		"$OPORA" --dir "$r" id > "$r.card"
	done
	"$OPORA" --dir SMO peer add KLU.card >/dev/null 2>&1 ||
	    fail "peer add KLU.card"
	"$OPORA" --dir KLU peer add SMO.card >/dev/null 2>&1 ||
	    fail "peer add SMO.card"
}

# node_status DIR [--json]: 'opora status' of DIR, output in $T/out; it
# must exit 0 when it lists no problem and 1 when it lists one (monitoring
# reads the exit code).
node_status() {
	"$OPORA" --dir "$1" status ${2:-} >"$T/out" 2>"$T/err"
	rc=$?
	if grep -Eq 'nothing needs attention|"problems":\[\]' "$T/out"; then
		want=0
	else
		want=1
	fi
	[ "$rc" = "$want" ] || { cat "$T/err" "$T/out" >&2
		fail "status of $1 exited $rc, not $want"; }
}

# region DIR: the node's region code.
region() {
	sed -n 's/^region = //p' "$1/opora.conf"
}

# xfer A B: what A's feed serves B's region, taken in by B (a file, as
# 'export' and 'receive' carry it; refusals are the caller's to check).
xfer() {
	"$OPORA" --dir "$1" export --for "$(region "$2")" > "$T/xfer.json" ||
	    fail "export from $1"
	"$OPORA" --dir "$2" receive --from "$(region "$1")" "$T/xfer.json" \
	    >/dev/null 2>&1
	return 0
}

# share A B D: make B a former custodian of A's dossier D, so that B holds
# D's history and follows A's writes to it.  Since issue 13 the region a
# dossier is offered to holds the offer alone until it accepts, and the
# history comes with the accept: A offers D to B, B accepts, B offers it
# back, A accepts.  Through files (both peers of each other); the servers
# may run or not.  Adds a consent, two offers and two accepts to D.
share() {
	_sd=$3
	"$OPORA" --dir "$1" consent add "$_sd" --scope transfer \
	    --date 2024-01-01 --document "share" >/dev/null || fail "share: consent"
	_so=$("$OPORA" --dir "$1" transfer offer "$_sd" --to "$(region "$2")" \
	    --reason share) || fail "share: offer"
	xfer "$1" "$2"
	"$OPORA" --dir "$2" transfer accept "$_so" >/dev/null ||
	    fail "share: accept at $2"
	xfer "$2" "$1"
	xfer "$1" "$2"
	_so=$("$OPORA" --dir "$2" transfer offer "$_sd" --to "$(region "$1")" \
	    --reason back) || fail "share: offer back"
	xfer "$2" "$1"
	"$OPORA" --dir "$1" transfer accept "$_so" >/dev/null ||
	    fail "share: accept back at $1"
	xfer "$1" "$2"
	[ "$(db "$2" "SELECT custodian FROM persons WHERE dossier = '$_sd'")" = \
	    "$(region "$1")" ] || fail "share: $2 does not hold $_sd from $1"
}

# accept_all A B: B accepts every offer from A that it holds as a summary
# (taken from A's feed by a file), and A takes the accepts by a file too.
# Since issue 13 a destination is sent the offer alone and the history
# with its accept: tests that pull whole histories offered to B make B
# accept them first (each dossier gains an accept); B's cursor on A stays
# where it was, so its pulls then bring the histories.
accept_all() {
	xfer "$1" "$2"
	_os=$(db "$2" "SELECT offer FROM offer_summaries WHERE
	    state = 'offered' AND \"from\" = '$(region "$1")'")
	[ -z "$_os" ] || "$OPORA" --dir "$2" transfer accept $_os >/dev/null ||
	    fail "accept_all: $_os"
	xfer "$2" "$1"
}
