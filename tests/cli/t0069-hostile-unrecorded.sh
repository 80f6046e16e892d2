# Issue 10, class 7, the record: docs/protocol.md section 7, step 7 says a
# change of a dossier the receiver may not hold "is recorded with its
# reason, the dossier is fetched whole once more ... and the change is
# taken if it comes again".  A hostile peer pushes Q, a dossier it created
# and never offered, and answers 404 when the victim asks for Q whole: Q
# must still be recorded as refused, and logged as such.
#
# Fails on main as of this test: the puller counts Q's change refused
# ("1 changes refused") but records nothing and logs no "refused change"
# line for it (node/sync.c repair() gives up on the failed request; the
# changes left for it are neither taken nor recorded).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-hostile.sh"
hostile_setup
Q=$("$OPORA" --dir KLU person add --surname Тайнова --name Ольга \
    --birth-date 2003-05-06 --sex F) || fail "person add at Kaluga"
ok "$OPORA" --dir KLU event add "$Q" --date 2024-03-01 --type contact \
    --text "Не для Смоленска"
db KLU "SELECT bytes FROM changes WHERE dossier = '$Q' ORDER BY seq" |
    "$FORGE" KLU/signing.key > "$T/script/feed-0.json" || fail "forge"
hostile_start
serve SMO
until_true 10 sh -c "[ \$(sqlite3 SMO/opora.db \"SELECT cursor FROM peers WHERE region = 'RU-KLU'\") = 2 ]" ||
    fail "the cursor did not move past the page"
until_true 5 sh -c "grep -q 'repair dossier $Q from RU-KLU: the peer answered HTTP 404' $T/SMO.log" ||
    fail "the victim did not ask for Q whole"
stop SMO
hostile_stop
[ "$(db SMO "SELECT count(*) FROM changes WHERE dossier = '$Q'")" = 0 ] ||
    fail "Smolensk stored a dossier it was never offered"
ok "$OPORA" --dir SMO rejected list
[ "$(grep -c "RU-KLU .*$Q: RU-SMO is not entitled to dossier $Q" "$T/out")" = 2 ] ||
    fail "Q's two changes were not recorded as not entitled after the peer refused to send Q whole"
[ "$(grep -c "refused change .* from RU-KLU: RU-SMO is not entitled to dossier $Q" "$T/SMO.log")" -ge 2 ] ||
    fail "Q's refusals were not logged"
