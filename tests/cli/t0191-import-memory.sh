# import's memory does not grow with the dossiers' histories (issue 15):
# the check of 60,000 lines in 600 dossiers of 100 changes, interleaved,
# and the import of 6,000 of them, run under 'ulimit -v 48000' (47 MiB of
# address space).  The import before issue 15 kept every dossier's state
# through its first pass and needed about 80 MiB for the check alone.
. "$TOP/tests/cli/lib.sh"
# AddressSanitizer reserves terabytes of address space: 'ulimit -v' only
# stops it from starting.  The plain build runs this test.
if grep -qa __asan_init "$OPORA_BIN"; then
	echo "skipped: memory limits do not apply to a sanitized build"
	exit 0
fi
mknode M
gen() {	# gen DOSSIERS EVENTS: the register, lines round the dossiers
	awk -v D="$1" -v E="$2" 'BEGIN {
	for (d = 0; d < D; d++)
		printf("{\"dossier\":\"P%d\",\"op\":\"person.create\",\"surname\":\"Петрова%d\",\"name\":\"Анна\",\"birth_date\":\"2004-%02d-%02d\",\"sex\":\"F\"}\n", d, d, d % 12 + 1, d % 28 + 1)
	for (e = 0; e < E; e++)
		printf("{\"dossier\":\"P%d\",\"op\":\"event.add\",\"date\":\"2024-%02d-%02d\",\"type\":\"contact\",\"text\":\"Встреча с куратором, обсуждение жилья и учёбы; запись номер %d\"}\n", e % D, e % 12 + 1, e % 28 + 1, e)
	}'
}
gen 600 59400 > big.jsonl
echo '{"dossier":"P1","op":"event.add","date":"2024-01-01"}' >> big.jsonl
gen 60 5940 > mid.jsonl
# The whole check, to the last line's refusal (nothing is written).
(ulimit -v 48000; exec "$OPORA" --dir M import big.jsonl) >out 2>err
rc=$?
[ $rc = 65 ] || { cat err >&2; fail "check of 60,001 lines under 47 MiB: exit $rc, not 65"; }
contains 'big.jsonl:60001: event.add needs "(type|text)"' err
[ "$(db M 'SELECT count(*) FROM changes')" = 0 ] || fail "a checked file wrote"
# An import, made (the signer may not get a thread: it signs in turn).
(ulimit -v 48000; exec "$OPORA" --dir M import --out ids.tsv mid.jsonl) >out 2>err
rc=$?
[ $rc = 0 ] || { cat err >&2; fail "import of 6,000 lines under 47 MiB: exit $rc"; }
[ "$(db M 'SELECT count(*) FROM changes')" = 6000 ] || fail "6,000 changes"
[ "$(wc -l < ids.tsv)" = 60 ] || fail "60 ids"
ok "$OPORA" --dir M verify
echo "60,001 lines checked and 6,000 imported under ulimit -v 48000"
