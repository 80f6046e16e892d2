# Text that came from outside (a peer's error, a refusal's reason, a
# dossier id in an old record) reaches 'opora status' and 'opora rejected
# list' escaped: no raw control byte ever reaches the admin's terminal.
. "$TOP/tests/cli/lib.sh"
p=$(port_base)
for r in SMO KLU; do
	p=$((p + 1))
	"$OPORA" --dir $r init --region RU-$r --url "https://127.0.0.1:$p" \
	    --listen "127.0.0.1:$p" 2>/dev/null || fail "init $r"
	"$OPORA" --dir $r id > $r.card
done
ok "$OPORA" --dir KLU peer add SMO.card
esc=$(printf '\033')
db KLU "UPDATE peers SET last_error = 'boom ' || char(27) || '[2J' || char(10) || 'forged', last_error_at = 9999999999999,
    backoff_until = 9999999999999, backoff_reason = 'slow ' || char(27) || '[31m'"
db KLU "INSERT INTO rejected (id, dossier, peer, reason, at, last_at, count)
    VALUES ('ab' || char(27) || '[2J', 'd' || char(7), 'RU-SMO', 'evil ' || char(27) || ']0;title' || char(7), 1, 1, 1)"
for cmd in "status" "status --json" "rejected list" "rejected list --json"; do
	case $cmd in
	status*)	node_status KLU ${cmd#status} ;;
	*)		ok "$OPORA" --dir KLU $cmd ;;
	esac
	grep -q "$esc" "$T/out" && fail "a raw escape byte in '$cmd'"
	tr -d '\n' < "$T/out" | grep -q "$(printf '\007')" && fail "a raw BEL in '$cmd'"
done
ok "$OPORA" --dir KLU rejected list
contains 'evil \\x1b\]0;title\\x07' "$T/out"
node_status KLU
contains 'boom \\x1b\[2J\\x0aforged' "$T/out"
contains 'slow \\x1b\[31m' "$T/out"
# A node's own record of a refusal escapes what it logs too.
sed 's/^x//' > ctl.json <<'X'
x{"changes":[{"bytes":"QUJD","seq":1,"sig":"eA=="}],"more":false,"next":1}
X
"$OPORA" --dir KLU receive --from RU-SMO ctl.json >/dev/null 2>"$T/err"
grep -q "$esc" "$T/err" && fail "a raw escape byte in the log"
contains 'refused change' "$T/err"
