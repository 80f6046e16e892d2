#!/bin/sh
# tests/run-one.sh LOGDIR KIND TEST: run one CLI test script for
# tests/run.sh (which runs several at a time) with the program of KIND:
# cli, as shipped (./opora), or cli-san, built with the sanitizers
# (build/san/opora).  Its output goes to LOGDIR/KIND-NAME.out and its exit
# status and seconds to LOGDIR/KIND-NAME.rc.
log=$1
kind=$2
t=$3
top=$(pwd)
case $kind in
cli-san) bin="$top/build/san/opora" ;;
*) bin="$top/opora" ;;
esac
name=$(basename "$t" .sh)
start=$(date +%s)
# A quarantine of 32 MiB instead of 256: what a command frees is still
# kept from reuse long after (most commands free less in their life), and
# a long one (serve, a pull, an import) touches fewer new pages, each a
# page fault, the largest cost of a sanitized test on a virtual machine.
ASAN_OPTIONS=detect_leaks=0:quarantine_size_mb=32 OPORA="$bin" TOP="$top" \
    timeout 450 sh "$t" >"$log/$kind-$name.out" 2>&1
rc=$?
echo "$rc $(($(date +%s) - start))" >"$log/$kind-$name.rc"
