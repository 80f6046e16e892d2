# Out of file descriptors, 'serve' stops accepting for a moment instead
# of spinning on accept(): it logs the pause once per minute, not once per
# try, and answers again when descriptors are free.  Before, one such
# minute logged "Too many open files" 55 million times.
. "$TOP/tests/cli/lib.sh"
p=$(port_base)
"$OPORA" --dir N init --region RU-SMO --url "https://127.0.0.1:$p" \
    --listen "127.0.0.1:$p" 2>/dev/null || fail "init"
# serve started as lib.sh's serve does; once idle, its descriptor limit
# is lowered to what it holds open plus two (counted, not assumed: the
# count differs between builds, sanitizers and the parent's descriptors).
"$OPORA" --dir N serve >"$T/N.log" 2>&1 &
PID_N=$!
PIDS="$PIDS $PID_N"
until_true 10 curl -sk --max-time 1 "https://127.0.0.1:$p/v1/health" ||
    { cat "$T/N.log"; fail "serve did not start"; }
sleep 1
held=$(ls /proc/$PID_N/fd | wc -l)
prlimit --pid "$PID_N" --nofile=$((held + 2)) ||
    fail "prlimit could not lower the descriptor limit"
# Hold 60 connections open for 3 s (plain TCP: each waits for its
# handshake), far more than serve has descriptors for.
bash -c '
	for i in $(seq 3 62); do
		eval "exec $i<>/dev/tcp/127.0.0.1/$1" 2>/dev/null || true
	done
	sleep 3' holder "$p" &
holder=$!
PIDS="$PIDS $holder"
sleep 2
kill -0 $PID_N 2>/dev/null || { cat "$T/N.log"; fail "serve died"; }
contains 'accept: Too many open files: not accepting connections for' \
    "$T/N.log"
n=$(grep -c 'accept:' "$T/N.log")
[ "$n" -le 2 ] || fail "accept errors logged $n times"
[ "$(wc -c < "$T/N.log")" -lt 20000 ] || fail "the log grew to $(wc -c < "$T/N.log") bytes"
wait $holder
# Descriptors free again: it answers.
until_true 10 curl -sk --max-time 1 "https://127.0.0.1:$p/v1/health" ||
    { cat "$T/N.log"; fail "serve does not answer after the pause"; }
stop N
