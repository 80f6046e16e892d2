#!/bin/sh
# tests/run.sh: run every test and end with one line "N passed, N failed".
#
# Unit tests (cmocka) run twice: as built, and built with AddressSanitizer
# and UndefinedBehaviorSanitizer; those of the code that runs threads a
# third time, built with ThreadSanitizer.  Each test case counts once per
# build.  CLI and multi-node tests are tests/cli/t*.sh; each script counts
# once per build it runs with (the sanitized one, and tests/cli/plain's
# and tests/cli/tsan's with those builds too).  Run from the top of the
# tree after 'make all unit unit-san unit-tsan'.

top=$(pwd)
# phase NAME: how far the run is, for a reader of its time (a line of its
# own, "-- NAME at N s").
begun=$(date +%s)
phase() {
	echo "-- $1 at $(($(date +%s) - begun)) s"
}
passed=0
failed=0
failures=""
log=$(mktemp -d "${TMPDIR:-/tmp}/opora-tests.XXXXXX")
webpid=
simpid=
running=
# At the end, or when stopped: the browser tests and the simulator, if
# still running (their PIDs in running until waited for), are stopped
# (timeout passes the signal on, and tests/web/run.sh stops the servers
# and the browser it started), then the logs go.
cleanup() {
	for p in $running; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	running=
	rm -rf "$log"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)".
run_unit() {
	bin=$1
	name=$2
	out="$log/$(echo "$name" | tr / _).out"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    OPORA_VECTORS="$top/tests/vectors/changes.json" \
	    "$bin" >"$out" 2>&1 &
	child=$!
	if wait "$child"; then
		ok=1
	else
		ok=0
	fi
	child=
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
	p=${p:-0}
	f=${f:-0}
	if [ "$ok" = 0 ] && [ "$f" = 0 ]; then
		f=1	# crashed, or a sanitizer stopped it
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" != 0 ]; then
		failures="$failures $name"
		echo "FAIL $name"
		sed 's/^/    /' "$out" | tail -40
	else
		echo "ok   $name ($p)"
	fi
}

# The browser tests (tests/web/run.sh, 'make web-deps') use about one
# core for a minute or more, most of it waiting on chromium: they run
# beside the unit tests, the fuzz corpora and the simulator, which leave
# part of the second core idle, and their results are read at the end.
ASAN_OPTIONS=detect_leaks=0 OPORA="$top/opora" TOP="$top" \
    timeout 900 sh tests/web/run.sh >"$log/web.out" 2>&1 &
webpid=$!
running="$running $webpid"

# The simulator (below) runs on the second core while the unit tests and
# the fuzz corpora run on the first, and on beside the CLI tests; its
# results are read after them.
seeds="2161 2625 6945 7099 7945 9237 9993"
if [ -x build/sim ]; then
	(
		# Each run in the background and waited for, so that a TERM
		# (cleanup, above) stops it at once.
		child=
		trap '[ -z "$child" ] || kill "$child" 2>/dev/null; exit 143' TERM
		SIM_SEEDS=${SIM_SEEDS:-600} build/sim >"$log/sim.out" 2>&1 &
		child=$!
		wait "$child"
		echo $? > "$log/sim.rc"
		for seed in $seeds; do
			SIM_SEED=$seed build/sim >"$log/sim-$seed.out" 2>&1 &
			child=$!
			wait "$child" || echo "$seed" >> "$log/sim-bad"
		done
	) &
	simpid=$!
	running="$running $simpid"
fi

# ThreadSanitizer (make unit-tsan): the unit tests of the code that runs
# threads, and the CLI tests of tests/cli/tsan.  It needs an address space
# laid out as it expects: where the kernel randomises mmap more than that
# (vm.mmap_rnd_bits above 28, with gcc 12's runtime) it stops at once,
# and its programs run with that randomisation off (setarch -R), through
# wrappers in the log directory.  Where neither starts, these tests are
# skipped, and the run says so.
tsan=
if [ -x build/tsan/opora ]; then
	if build/tsan/opora --version >/dev/null 2>&1; then
		tsan=on
	elif setarch "$(uname -m)" -R build/tsan/opora --version \
	    >/dev/null 2>&1; then
		tsan=norandom
	else
		echo "skip unit-tsan and cli-tsan: ThreadSanitizer cannot" \
		    "start here: $(build/tsan/opora --version 2>&1 | head -1)"
	fi
fi
# tsan_bin BIN: BIN, or a wrapper that runs it without randomisation.
tsan_bin() {
	[ "$tsan" = norandom ] || { echo "$1"; return; }
	mkdir -p "$log/tsan-bin"
	w="$log/tsan-bin/$(basename "$1")"
	printf '#!/bin/sh\nexec setarch "%s" -R "%s" "$@"\n' "$(uname -m)" \
	    "$top/$1" > "$w"
	chmod +x "$w"
	echo "$w"
}
if [ -n "$tsan" ]; then
	OPORA_TSAN_BIN=$(tsan_bin build/tsan/opora)
	case $OPORA_TSAN_BIN in /*) ;; *) OPORA_TSAN_BIN=$top/$OPORA_TSAN_BIN ;; esac
	export OPORA_TSAN_BIN
fi

# The unit tests (cmocka), then every fuzz target replaying the inputs kept
# in tests/fuzz/corpus/NAME/: one after another, beside the CLI tests
# (below), whose processes leave a core idle while they wait on loopback
# servers; run before them, they held the CLI tests back 130-160 s with
# the machine a third idle.  Their lines and counts are read after the
# CLI tests.
(
	child=
	trap '[ -z "$child" ] || kill "$child" 2>/dev/null; exit 143' TERM
	passed=0 failed=0 failures=""
	for t in build/tests/test_*; do
		[ -x "$t" ] || continue
		run_unit "$t" "unit/$(basename "$t")"
	done
	for t in build/san/tests/test_*; do
		[ -x "$t" ] || continue
		run_unit "$t" "unit-asan/$(basename "$t")"
	done
	if [ -n "$tsan" ]; then
		for t in build/tsan/tests/test_*; do
			[ -x "$t" ] || continue
			run_unit "$(tsan_bin "$t")" "unit-tsan/$(basename "$t")"
		done
	fi
	phase "unit tests done"
	for t in build/san/fuzz/fuzz_*; do
		[ -x "$t" ] || continue
		name=${t##*/fuzz_}
		out="$log/fuzz-$name.out"
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 \
		    "$t" tests/fuzz/corpus/"$name"/* >"$out" 2>&1 &
		child=$!
		if wait "$child"; then
			echo "ok   fuzz/$name-corpus"
			passed=$((passed + 1))
		else
			echo "FAIL fuzz/$name-corpus"
			tail -30 "$out" | sed 's/^/    /'
			failed=$((failed + 1))
			failures="$failures fuzz/$name-corpus"
		fi
		child=
	done
	phase "fuzz corpora done"
	echo "$passed $failed $failures" > "$log/unit.counts"
) > "$log/unit.out" 2>&1 &
unitpid=$!
running="$running $unitpid"

# Include arrows: protocol/ and conflict/ never include node/; conflict/
# includes nothing of ours but conflict/.
if grep -n '#include "node/' protocol/*.[ch] conflict/*.[ch] >"$log/arrows" ||
    grep -n '#include "protocol/' conflict/*.[ch] >>"$log/arrows"; then
	echo "FAIL include-arrows"
	cat "$log/arrows"
	failed=$((failed + 1))
	failures="$failures include-arrows"
else
	echo "ok   include-arrows"
	passed=$((passed + 1))
fi

# Banned functions (STYLE.md rule 9).
if grep -nE '\b(sprintf|strcpy|strcat|strncpy|strtok|sscanf|atoi)\(' \
    node/*.c protocol/*.c conflict/*.c | grep -v snprintf >"$log/banned"; then
	echo "FAIL banned-functions"
	cat "$log/banned"
	failed=$((failed + 1))
	failures="$failures banned-functions"
else
	echo "ok   banned-functions"
	passed=$((passed + 1))
fi

# The CLI and multi-node tests: every one built with AddressSanitizer and
# UndefinedBehaviorSanitizer (servers, pullers and every command
# included), and those of tests/cli/plain with the program as shipped too
# (OPORA_TEST_DEPTH=full, 'make check-full': every one with both).  Most
# of their time is spent waiting on loopback servers and starting
# processes, so TEST_JOBS of them (3 by default) run at a time, both
# kinds in one pool; each uses its own directory and random ports.  The
# longest start first (tests/cli/longest: a test that starts last must
# not keep the others waiting).  Results are printed in order once all
# are done.
jobs=${TEST_JOBS:-3}
names() {	# the test scripts named in FILE, as paths; a line whose
	# reason starts "full:" only at OPORA_TEST_DEPTH=full
	if [ "${OPORA_TEST_DEPTH:-check}" = full ]; then
		cat "$1"
	else
		grep -v '^t[0-9][^ #	]*[ 	][ 	]*full:' "$1"
	fi | sed -n 's|^\(t[0-9][^ #	]*\).*|tests/cli/\1.sh|p' |
	    while read -r t; do
		[ -f "$t" ] && echo "$t"
	done
}
kinds="cli-san cli"
[ -x build/san/opora ] || kinds=cli
[ -n "$tsan" ] && kinds="$kinds cli-tsan"
for kind in $kinds; do
	if [ $kind = cli-tsan ]; then
		names tests/cli/tsan
	elif [ $kind = cli ] && [ "${OPORA_TEST_DEPTH:-check}" != full ]; then
		names tests/cli/plain
	else
		ls tests/cli/t[0-9]*.sh 2>/dev/null
	fi > "$log/$kind.list"
done
# "KIND TEST" lines: for each of the longest, its sanitized run then its
# plain one; then the rest in order.
{
	for t in $(names tests/cli/longest) $(cat "$log/cli-san.list" \
	    "$log/cli.list" 2>/dev/null); do
		for kind in $kinds; do
			grep -qxF "$t" "$log/$kind.list" && echo "$kind $t"
		done
	done
} | awk '!seen[$0]++' |
    xargs -r -n 2 -P "$jobs" sh tests/run-one.sh "$log"
phase "CLI tests done"
wait "$unitpid"
running=$(echo "$running" | sed "s/ $unitpid\b//")
cat "$log/unit.out"
if [ -f "$log/unit.counts" ]; then
	read -r up uf uff < "$log/unit.counts"
	passed=$((passed + up))
	failed=$((failed + uf))
	failures="$failures $uff"
else
	echo "FAIL unit: the unit tests did not finish"
	failed=$((failed + 1))
	failures="$failures unit"
fi
for kind in $kinds; do
	while read -r t; do
		name=$(basename "$t" .sh)
		set -- $(cat "$log/$kind-$name.rc" 2>/dev/null || echo "1 0 0")
		if [ "$1" = 0 ]; then
			echo "ok   $kind/$name ($2 s, ${3:-0} s CPU)"
			passed=$((passed + 1))
		else
			echo "FAIL $kind/$name ($2 s)"
			sed 's/^/    /' "$log/$kind-$name.out" | tail -40
			failed=$((failed + 1))
			failures="$failures $kind/$name"
			{ echo "== $kind/$name (exit $1, $2 s)"
			  tail -12 "$log/$kind-$name.out"; } >> "$log/last"
		fi
	done < "$log/$kind.list"
done

# The simulator: 600 seeds (make check-full: 5,000; 'make soak' more) of
# three regions exchanging changes under random partitions, late and
# repeated delivery, crashes, restores and transient failures
# (tests/sim/sim.c).  The seeds are the same in every run, so the first
# 600 of the 1,000 that make check ran until 2026-12-04 (each 0.17 s of
# CPU the machine's two cores did not have to spare: docs/performance.md,
# "make check under 15 minutes again").  It ran beside the unit tests and
# on into the CLI tests, whose processes spend much of their time
# waiting on loopback servers; its results are read now.
if [ -n "$simpid" ]; then
	wait "$simpid"
	running=$(echo "$running" | sed "s/ $simpid\b//")
	out="$log/sim.out"
	if [ "$(cat "$log/sim.rc" 2>/dev/null)" = 0 ]; then
		echo "ok   sim/convergence ($(sed -n 's/.*PASSED  \] \([0-9]*\).*/\1/p' "$out") seeds)"
		passed=$((passed + 1))
	else
		echo "FAIL sim/convergence"
		tail -20 "$out" | sed 's/^/    /'
		failed=$((failed + 1))
		failures="$failures sim/convergence"
	fi
fi

# Seeds beyond make check's range that once failed (the soak found them;
# docs/performance.md, "The simulator"): each must pass again.
if [ -n "$simpid" ]; then
	bad=$(cat "$log/sim-bad" 2>/dev/null | tr '\n' ' ' | sed 's/^/ /; s/ $//')
	if [ -z "$bad" ]; then
		echo "ok   sim/regressions (seeds $seeds)"
		passed=$((passed + 1))
	else
		echo "FAIL sim/regressions (seeds$bad)"
		for seed in $bad; do
			tail -5 "$log/sim-$seed.out" | sed 's/^/    /'
		done
		failed=$((failed + 1))
		failures="$failures sim/regressions"
	fi
fi

# The browser tests, started before the unit tests: each case counts
# once.
wait "$webpid"
phase "simulator and browser tests done"
running=$(echo "$running" | sed "s/ $webpid\b//")
out="$log/web.out"
wp=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$out" | tail -1)
wf=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$out" | tail -1)
if [ -z "$wp" ]; then
	echo "FAIL web (did not run: make web-deps)"
	tail -20 "$out" | sed 's/^/    /'
	failed=$((failed + 1))
	failures="$failures web"
else
	grep -E '^(ok|FAIL) ' "$out"
	grep -A6 '^FAIL ' "$out" | grep -v '^\(ok\|FAIL\) ' | sed 's/^/    /'
	passed=$((passed + wp))
	failed=$((failed + wf))
	[ "$wf" = 0 ] || failures="$failures web"
fi

# The failed CLI tests' last words once more at the end, where a reader
# of a long log (or of only its end) finds them.
[ -s "$log/last" ] && sed 's/^/  /' "$log/last"
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
