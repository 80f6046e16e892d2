#!/bin/sh
# tests/bench/bench_ui_flood.sh: 'make bench', the web pages' listener
# (listen_ui, one libmicrohttpd thread) under a flood of TLS handshakes:
# a curator's login (curl, POST /api/login, Argon2id included) timed
# alone, then beside tests/bench/handshakes.py from 8 threads on one
# address and from 32 threads on four (127.0.0.2-5), each for 25 s.  The
# flood and the node share the machine's cores, as an attacker on the
# same host would.  The node is stopped by its PID.  Figures go to
# docs/performance.md by hand.
set -u
top=$(pwd)
OPORA="$top/opora"
OPORA_BIN=$OPORA
T=$(mktemp -d "${TMPDIR:-/tmp}/opora-bench-flood.XXXXXX")
SPID=
FP=
cleanup() {
	for p in $FP $SPID; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
fail() { echo "bench_ui_flood: $*" >&2; exit 1; }
cd "$T" || exit 1
. "$top/tests/cli/lib-ui.sh"
p=$((20000 + $$ % 20000))
ui_node SMO RU-SMO $p
"$OPORA" --dir SMO serve > serve.log 2>&1 &
SPID=$!
i=0
until curl -s --cacert "$UI_CA" -o /dev/null "$UI/api/me"; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "the listener did not start"
	sleep 0.1
done
login_ms() {
	s=$(date +%s%N)
	c=$(curl -sS --max-time 60 --cacert "$UI_CA" -H "Origin: $UI" \
	    -H 'Content-Type: application/json' \
	    -d "{\"login\":\"petrova\",\"password\":\"$UI_PW\"}" \
	    -o /dev/null -w '%{http_code}' "$UI/api/login")
	e=$(date +%s%N)
	printf ' %s:%d' "$c" $(((e - s) / 1000000))
}
echo "== web listener under a handshake flood (status:ms of 5 logins)"
printf 'alone:'
for i in 1 2 3 4 5; do login_ms; sleep 1; done
echo
for spec in "8 127.0.0.1" "32 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5"; do
	set -- $spec
	python3 "$top/tests/bench/handshakes.py" $((p + 1)) "$1" 25 "$2" \
	    > flood.out 2>&1 &
	FP=$!
	sleep 3
	printf '%s threads from %s:' "$1" "$2"
	for i in 1 2 3 4 5; do login_ms; sleep 2; done
	wait "$FP"
	FP=
	printf '; %s\n' "$(cat flood.out)"
done
