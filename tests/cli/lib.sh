# tests/cli/lib.sh: shared by the CLI tests.  Each test sources it, runs in
# its own temporary directory, and exits non-zero on the first failure.
set -u
: "${OPORA:?set OPORA to the opora binary}"
T=$(mktemp -d "${TMPDIR:-/tmp}/opora-cli.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
cd "$T" || exit 1
export OPORA_USER=tester
unset OPORA_DIR LANG LC_ALL LC_MESSAGES

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# ok CMD...: CMD must succeed.
ok() {
	"$@" >"$T/out" 2>"$T/err" || {
		cat "$T/err" >&2
		fail "expected success: $*"
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

# A node with one person, for tests that need one.
mknode() {
	"$OPORA" --dir "$1" init --region "${2:-RU-SMO}" 2>/dev/null ||
	    fail "init $1"
}
