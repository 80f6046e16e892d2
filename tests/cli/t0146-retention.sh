# Retention (issue 13): with retention_years set, 'opora serve' erases,
# when it starts and then daily, the dossiers in this node's custody whose
# support ended more than that many years ago, with the ground
# "retention"; a dossier still supported, or whose support ended later,
# stays.  None by default.
. "$TOP/tests/cli/lib.sh"
p=$(port_base)
"$OPORA" --dir SMO init --region RU-SMO --url "https://127.0.0.1:$((p + 1))" \
    --listen "127.0.0.1:$((p + 1))" 2>/dev/null || fail "init"
ok "$OPORA" --dir SMO config get retention_years
[ "$(cat "$T/out")" = 0 ] || fail "retention is on by default"

add() {
	"$OPORA" --dir SMO person add --surname "$1" --name Анна \
	    --birth-date 1995-04-12 --sex F || fail "person add $1"
}
OLD=$(add Давнозакрытая)
ok "$OPORA" --dir SMO episode open "$OLD" --centre Центр --curator Петрова \
    --date 2014-01-10
E=$(cat "$T/out")
ok "$OPORA" --dir SMO episode close "$OLD" "$E" --date 2016-06-01
ok "$OPORA" --dir SMO event add "$OLD" --date 2015-02-10 --type contact \
    --text "Давняявстреча"
OPEN=$(add Сопровождаемая)
ok "$OPORA" --dir SMO episode open "$OPEN" --centre Центр --curator Петрова \
    --date 2014-01-10
RECENT=$(add Недавняя)
ok "$OPORA" --dir SMO episode open "$RECENT" --centre Центр \
    --curator Петрова --date 2020-01-10
E=$(cat "$T/out")
ok "$OPORA" --dir SMO episode close "$RECENT" "$E" --date 2024-06-01
NONE=$(add Безпериодов)

# Nothing happens by default.
serve SMO
sleep 1
[ "$(db SMO "SELECT count(*) FROM forgotten")" = 0 ] ||
    fail "serve erased without retention_years"
stop SMO

ok "$OPORA" --dir SMO config set retention_years 5
refuses 65 "retention_years" "$OPORA" --dir SMO config set retention_years 101
serve SMO
until_true 10 sh -c "[ \"\$(sqlite3 SMO/opora.db \"SELECT kind FROM forgotten WHERE dossier = '$OLD'\")\" = erased ]" ||
    fail "serve did not erase the dossier whose support ended in 2016"
for d in "$OPEN" "$RECENT" "$NONE"; do
	[ "$(db SMO "SELECT count(*) FROM persons WHERE dossier = '$d'")" = 1 ] ||
	    fail "serve erased dossier $d, which is not due"
done
[ "$(db SMO "SELECT count(*) FROM forgotten")" = 1 ] || fail "erased too much"
contains 'retention: 1 dossier whose support ended more than 5 years ago erased' SMO.log
db SMO "SELECT login, action, detail FROM audit WHERE dossiers = '$OLD'
    ORDER BY seq DESC LIMIT 1" > audit.txt
contains '^opora-retention\|person erase\|[0-9a-f]{64} ground: retention$' audit.txt
b=$(db SMO "SELECT CAST(bytes AS TEXT) FROM changes WHERE dossier = '$OLD'")
echo "$b" | grep -q '"ground":"retention"' || fail "tombstone: $b"
echo "$b" | grep -q '"user":"opora-retention"' || fail "tombstone: $b"
stop SMO
ok "$OPORA" --dir SMO verify
for f in SMO/opora.db SMO/opora.db-wal; do
	[ -f "$f" ] || continue
	for s in Давнозакрытая Давняявстреча; do
		grep -aq -- "$s" "$f" && fail "$f still holds \"$s\""
	done
done
exit 0
