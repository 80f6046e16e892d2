# The audit covers a whole day of work (issue 13): every read of personal
# data and every write -- show, list, find, import, export, receive,
# backup, restore, transfer list, conflicts list, duplicates -- is in
# 'audit list --json' with the account, its role, the OS user, the
# dossiers and the reason; and a read that cannot be audited is refused
# without showing anything.
. "$TOP/tests/cli/lib.sh"
O=$OPORA
ME=$(id -un)
for r in SMO KLU; do
	ok "$O" --dir $r init --region RU-$r
	"$O" --dir $r id > $r.card || fail "id $r"
	ok "$O" --dir $r --user admin user add inspector --name Ревизор \
	    --role auditor
done
ok "$O" --dir SMO peer add KLU.card
ok "$O" --dir KLU peer add SMO.card
ok "$O" --dir SMO --user admin user add petrova --name "Петрова" \
    --role curator --centre "Смоленский центр"
ok "$O" --dir SMO --user admin user add sidorov --name "Сидоров" \
    --role curator --centre "Вяземский центр"

# The day.
D=$("$O" --dir SMO --user petrova person add --surname Иванова --name Анна \
    --birth-date 2005-04-12 --sex F) || fail "person add"
ok "$O" --dir SMO --user petrova show "$D"
ok "$O" --dir SMO --user petrova list
contains Иванова "$T/out"
ok "$O" --dir SMO --user petrova find --surname иванова
contains Иванова "$T/out"
ok "$O" --dir SMO --user sidorov --reason "Замещаю Петрову" show "$D"
cat > reg.jsonl <<'REG'
{"dossier":"P1","op":"person.create","surname":"Иванова","name":"Анна","birth_date":"2005-04-12","sex":"F"}
{"dossier":"P1","op":"event.add","date":"2024-01-10","type":"contact","text":"Встреча"}
REG
ok "$O" --dir SMO import reg.jsonl
ok "$O" --dir SMO consent add "$D" --scope transfer --date 2024-01-01 \
    --document "Заявление"
ok "$O" --dir SMO transfer offer "$D" --to RU-KLU --reason Переезд
ok "$O" --dir SMO transfer list
ok "$O" --dir SMO conflicts list
ok "$O" --dir SMO duplicates
contains Иванова "$T/out"
"$O" --dir SMO export --for RU-KLU > feed.json || fail "export"
ok "$O" --dir KLU receive --from RU-SMO feed.json
ok "$O" --dir SMO backup bak
ok "$O" restore bak R

# What the audit says.  audit_has DIR ACTION PATTERN...: an entry of
# ACTION whose JSON also matches every PATTERN.
audit_has() {
	dir=$1 act=$2
	shift 2
	ok "$O" --dir "$dir" --user inspector audit list --json
	tr '{' '\n' < "$T/out" | grep -F "\"action\":\"$act\"" > "$T/entries" ||
	    { cat "$T/out" >&2; fail "no '$act' entry in $dir's audit"; }
	for pat in "$@"; do
		grep -E -- "$pat" "$T/entries" > "$T/e2" ||
		    { cat "$T/entries" >&2
		    fail "no '$act' entry of $dir matches /$pat/"; }
		mv "$T/e2" "$T/entries"
	done
}
audit_has SMO read '"login":"petrova","role":"curator"' \
    "\"os_user\":\"$ME\"" "\"dossiers\":\"$D\""
audit_has SMO read '"login":"sidorov"' '"reason":"Замещаю Петрову"' "$D"
audit_has SMO list '"login":"petrova"' "$D"
audit_has SMO find '"login":"petrova"' "$D" '"detail":"by surname"'
# The audit holds ids, never names (docs/privacy.md).
ok "$O" --dir SMO --user inspector audit export --format csv
if grep -qi 'иванова' "$T/out"; then fail "a name in the audit"; fi
audit_has SMO "person add" '"login":"petrova"' "$D"
audit_has SMO import '"login":"tester","role":"supervisor"' \
    "\"os_user\":\"$ME\"" '"dossiers":"[0-9a-f-]{36}"' 'reg.jsonl'
audit_has SMO "transfer offer" '"login":"tester"' "$D"
audit_has SMO "transfer list" '"login":"tester"' "$D"
audit_has SMO "conflicts list" '"login":"tester"'
audit_has SMO duplicates '"login":"tester"' "$D"
audit_has SMO export '"login":"admin","role":"admin"' "$D" 'for RU-KLU'
audit_has KLU receive '"login":"admin"' "$D" 'from RU-SMO'
audit_has SMO backup '"login":"admin"' "$D" 'bak'
audit_has R restore '"login":"admin"' "$D" 'bak'
ok "$O" --dir SMO --user inspector audit verify
ok "$O" --dir KLU --user inspector audit verify
ok "$O" --dir R --user inspector audit verify

# An audit that cannot be written (as a full disk would): every read and
# every write is refused, nothing is shown, nothing is kept.
db SMO "CREATE TRIGGER audit_full BEFORE INSERT ON audit
    BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END"
before=$(db SMO "SELECT count(*) FROM changes")
refused() {
	if "$@" >"$T/out" 2>"$T/err"; then fail "not refused: $*"; fi
	grep -q 'cannot be recorded in the audit' "$T/err" ||
	    { cat "$T/err" >&2; fail "no word of the audit: $*"; }
	if grep -q Иванова "$T/out"; then fail "refused but shown: $*"; fi
}
refused "$O" --dir SMO --user petrova show "$D"
refused "$O" --dir SMO --user petrova list
refused "$O" --dir SMO --user petrova find --surname иванова
refused "$O" --dir SMO transfer list
refused "$O" --dir SMO conflicts list
refused "$O" --dir SMO duplicates
refused "$O" --dir SMO export --for RU-KLU
refused "$O" --dir SMO backup bak2
[ ! -e bak2/opora.db ] || fail "an unaudited backup was kept"
sed 's/P1/P2/' reg.jsonl > reg2.jsonl
refused "$O" --dir SMO import reg2.jsonl
refused "$O" --dir SMO --user petrova event add "$D" --date 2024-02-01 \
    --type contact --text "Без аудита"
[ "$(db SMO "SELECT count(*) FROM changes")" = "$before" ] ||
    fail "an unaudited write was kept"
db SMO "DROP TRIGGER audit_full"
ok "$O" --dir SMO --user petrova show "$D"
contains Иванова "$T/out"
