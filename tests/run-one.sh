#!/bin/sh
# tests/run-one.sh KIND BIN LOGDIR TEST: run one CLI test script for
# tests/run.sh (which runs several at a time): its output goes to
# LOGDIR/KIND-NAME.out and its exit status to LOGDIR/KIND-NAME.rc.
kind=$1
bin=$2
log=$3
t=$4
top=$(pwd)
name=$(basename "$t" .sh)
start=$(date +%s)
ASAN_OPTIONS=detect_leaks=0 OPORA="$bin" TOP="$top" \
    timeout 450 sh "$t" >"$log/$kind-$name.out" 2>&1
rc=$?
echo "$rc $(($(date +%s) - start))" >"$log/$kind-$name.rc"
