# Anti-entropy (issue 11): cursors are an optimisation, the comparison is
# the guarantee.  Two nodes in step; Kaluga's cursor is moved past changes
# it never took in (as a log that went back, or any bug, would leave it).
# Without anti-entropy the gap stays for good while 'status' says all is
# well; with it, the gap closes within one period, 'verify' passes, and
# 'status' shows the round.  Then a change lost from Kaluga's database
# behind its back comes back the same way.
. "$TOP/tests/cli/lib.sh"
p=$(port_base)
for r in SMO KLU; do
	p=$((p + 1))
	"$OPORA" --dir $r init --region RU-$r --url "https://127.0.0.1:$p" \
	    --listen "127.0.0.1:$p" 2>/dev/null || fail "init $r"
	"$OPORA" --dir $r id > $r.card
done
ok "$OPORA" --dir SMO peer add KLU.card
ok "$OPORA" --dir KLU peer add SMO.card
# setting DIR VALUE: anti_entropy_interval in DIR's opora.conf.
setting() {
	sed -i '/^anti_entropy_interval/d' "$1/opora.conf"
	echo "anti_entropy_interval = $2" >> "$1/opora.conf"
}
contains '^anti_entropy_interval = 3600$' SMO/opora.conf
setting KLU 0

# Three dossiers shared with Kaluga (handed over and back: lib.sh), one
# kept in Smolensk.
for i in 1 2 3 4; do
	D=$("$OPORA" --dir SMO person add --surname Петров$i --name Иван \
	    --birth-date 2004-0$i-02 --sex M) || fail "person add"
	eval "D$i=$D"
	ok "$OPORA" --dir SMO consent add "$D" --scope transfer \
	    --date 2024-01-01 --document "Заявление $i"
	[ $i = 4 ] || share SMO KLU "$D"
done
serve SMO
serve KLU
until_true 60 sh -c "[ \$(sqlite3 KLU/opora.db 'SELECT count(*) FROM persons') = 3 ]" ||
    fail "the dossiers did not reach Kaluga"
stop KLU

# Two notes Kaluga's feed will never bring: its cursor is moved past them.
ok "$OPORA" --dir SMO event add "$D1" --date 2024-02-01 --type contact \
    --text "Запись один"
ok "$OPORA" --dir SMO event add "$D2" --date 2024-02-01 --type contact \
    --text "Запись два"
head=$(db SMO "SELECT max(seq) FROM changes")
db KLU "UPDATE peers SET cursor = $head WHERE region = 'RU-SMO'"

# Without anti-entropy (0: off) the gap stays, and nothing says so: once
# Kaluga has pulled (status exits 0: nothing needs attention; a loaded
# machine may take a while), and a moment more.
serve KLU
until_true 60 "$OPORA" --dir KLU status ||
    fail "Kaluga's pull from Smolensk did not succeed"
sleep 2
stop KLU
ok "$OPORA" --dir KLU show "$D1"
grep -q 'Запись один' "$T/out" && fail "the gap closed without anti-entropy"
node_status KLU
contains 'anti-entropy: off' "$T/out"
contains 'nothing needs attention' "$T/out"

# With it, the gap closes within one period.
setting KLU 1
serve KLU
until_true 60 sh -c "'$OPORA' --dir KLU show '$D1' | grep -q 'Запись один'" ||
    fail "the gap did not close"
until_true 30 sh -c "'$OPORA' --dir KLU show '$D2' | grep -q 'Запись два'" ||
    fail "the gap did not close in the second dossier"
contains 'anti-entropy with RU-SMO: 2 of 3 shared dossiers differed; 2 changes applied to 2 of them; 0 still differ' KLU.log
ok "$OPORA" --dir KLU verify
# The next round finds both in step, in one request.
until_true 60 sh -c "'$OPORA' --dir KLU status | grep -q 'in step (3 shared dossiers)'" ||
    fail "status does not show the round in step"
node_status KLU --json
contains '"anti_entropy":' "$T/out"
contains '"shared":[[:space:]]*3' "$T/out"
contains '"ok":[[:space:]]*true' "$T/out"
# The dossier never offered to Kaluga never went there.
[ "$(db KLU "SELECT count(*) FROM changes WHERE dossier = '$D4'")" = 0 ] ||
    fail "a dossier Kaluga is not entitled to reached it"
stop KLU

# A change lost from Kaluga's database behind its back: the newest of D1
# (its heads and views put as they were before it).
lost=$(db KLU "SELECT id FROM changes WHERE dossier = '$D1' ORDER BY seq DESC LIMIT 1")
seq=$(db KLU "SELECT seq FROM changes WHERE id = '$lost'")
db KLU "DELETE FROM heads WHERE id = '$lost';
    INSERT INTO heads SELECT '$D1', parent FROM parents WHERE child = $seq;
    DELETE FROM parents WHERE child = $seq;
    DELETE FROM changes WHERE seq = $seq"
ok "$OPORA" --dir KLU rebuild
ok "$OPORA" --dir KLU show "$D1"
grep -q 'Запись один' "$T/out" && fail "the change was not lost"
serve KLU
until_true 60 sh -c "'$OPORA' --dir KLU show '$D1' | grep -q 'Запись один'" ||
    fail "the lost change did not come back"
[ "$(db KLU "SELECT count(*) FROM changes WHERE id = '$lost'")" = 1 ] ||
    fail "the lost change is not in the log"
contains 'anti-entropy with RU-SMO: 1 of 3 shared dossiers differed; 1 changes applied' KLU.log
ok "$OPORA" --dir KLU verify
ok "$OPORA" --dir SMO digest "$D1"; d1=$(cat "$T/out")
ok "$OPORA" --dir KLU digest "$D1"; d2=$(cat "$T/out")
[ "$d1" = "$d2" ] || fail "digests differ: $d1 $d2"
