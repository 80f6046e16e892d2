# Issue 12: the federal node's 'serve' releases statistics on its own:
# with stats_release_months = 0 never, else as soon as the first snapshot
# arrives, and then once per block of months (not again on a restart).
. "$TOP/tests/cli/lib.sh"
p=$(port_base)
for r in SMO FED; do
	p=$((p + 1))
	"$OPORA" --dir $r init --region RU-$r --url "https://127.0.0.1:$p" \
	    --listen "127.0.0.1:$p" >/dev/null 2>&1 || fail "init $r"
	"$OPORA" --dir $r id > $r.card
done
ok "$OPORA" --dir SMO peer add FED.card
ok "$OPORA" --dir FED peer add SMO.card
grep -q '^stats_release_months = 3$' FED/opora.conf ||
    fail "the default is not quarterly"
d=$("$OPORA" --dir SMO person add --surname Иванова --name Анна \
    --birth-date 2005-04-12 --sex F --force) || fail "person add"
ok "$OPORA" --dir SMO consent add "$d" --scope statistics --date 2025-01-10 \
    --document "Согласие"
ok "$OPORA" --dir SMO stats publish --year 2025
serve SMO
# Switched off: the snapshot arrives, no release is made.
sed -i 's/^stats_release_months = 3$/stats_release_months = 0/' FED/opora.conf
serve FED
until_true 15 sh -c "[ \$(sqlite3 FED/opora.db 'SELECT count(*) FROM stats_current') = 1 ]" ||
    fail "the snapshot did not reach the federal node"
sleep 2
[ "$(db FED 'SELECT count(*) FROM stats_releases')" = 0 ] ||
    fail "a release was made with stats_release_months = 0"
stop FED
# Quarterly: released at once (nothing released yet), and not again.
sed -i 's/^stats_release_months = 0$/stats_release_months = 3/' FED/opora.conf
serve FED
until_true 15 sh -c "[ \$(sqlite3 FED/opora.db 'SELECT count(*) FROM stats_releases') = 1 ]" ||
    fail "serve made no release"
contains 'statistics release 1 made' "$T/FED.log"
stop FED
serve FED
sleep 2
[ "$(db FED 'SELECT count(*) FROM stats_releases')" = 1 ] ||
    fail "a restart made another release in the same quarter"
ok "$OPORA" --dir FED stats query --indicator counted --period 2025
contains '^counted,2025,RU,,C$' "$T/out"
stop FED
stop SMO
