#!/bin/sh
# tests/run-one.sh LOGDIR KIND TEST: run one CLI test script for
# tests/run.sh (which runs several at a time) with the program of KIND:
# cli, as shipped (./opora); cli-san, built with the sanitizers
# (build/san/opora); or cli-tsan, built with ThreadSanitizer
# (build/tsan/opora; a race reported by any of the test's processes,
# servers included, fails the test).  Its output goes to
# LOGDIR/KIND-NAME.out and its exit status, seconds and CPU seconds to
# LOGDIR/KIND-NAME.rc.
log=$1
kind=$2
t=$3
top=$(pwd)
case $kind in
cli-san) bin="$top/build/san/opora" ;;
cli-tsan) bin="${OPORA_TSAN_BIN:-$top/build/tsan/opora}" ;;
*) bin="$top/opora" ;;
esac
name=$(basename "$t" .sh)
start=$(date +%s)
# Each process's reports in a file of its own (LOGDIR/KIND-NAME.tsan.PID):
# a server's race is no less a failure than a command's.
rm -f "$log/$kind-$name".tsan.*
export TSAN_OPTIONS="log_path=$log/$kind-$name.tsan second_deadlock_stack=1"
# A quarantine of 32 MiB instead of 256: what a command frees is still
# kept from reuse long after (most commands free less in their life), and
# a long one (serve, a pull, an import) touches fewer new pages, each a
# page fault, the largest cost of a sanitized test on a virtual machine.
ASAN_OPTIONS=detect_leaks=0:quarantine_size_mb=32 OPORA="$bin" TOP="$top" \
    timeout 450 sh "$t" >"$log/$kind-$name.out" 2>&1
rc=$?
if [ "$kind" = cli-tsan ] && ls "$log/$kind-$name".tsan.* >/dev/null 2>&1; then
	cat "$log/$kind-$name".tsan.* >>"$log/$kind-$name.out"
	[ "$rc" = 0 ] && rc=66
fi
# The CPU seconds of the test and what it waited for (the shell's
# "times": its children's user and system time), to tell what costs the
# run its time on a saturated machine from what only waits.
# (A builtin: in a pipeline it would speak for a subshell.)
times >"$log/$kind-$name.times"
cpu=$(sed -n '2{s/m/ /g;s/s//g;p;}' "$log/$kind-$name.times" |
    awk '{printf "%d", $1 * 60 + $2 + $3 * 60 + $4 + 0.5}')
rm -f "$log/$kind-$name.times"
echo "$rc $(($(date +%s) - start)) ${cpu:-0}" >"$log/$kind-$name.rc"
