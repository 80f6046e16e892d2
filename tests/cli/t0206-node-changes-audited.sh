# Who changed the node's own settings is on record: 'config' needs an
# account of role admin, like 'peer' and 'key'; every 'config set', 'peer
# add', 'peer remove', 'peer revoke-key', 'key rotate', 'researcher add'
# and 'researcher remove' is written to the audit (the account, and what
# was set) before or with the change; and a change that cannot be
# recorded is not made (docs/privacy.md, "What is recorded").
. "$TOP/tests/cli/lib.sh"
p=$(port_base)
O=$OPORA_BIN
for r in SMO KLU FED; do
	p=$((p + 1))
	"$OPORA" --dir $r init --region RU-$r --url "https://127.0.0.1:$p" \
	    --listen "127.0.0.1:$p" >/dev/null 2>&1 || fail "init $r"
	"$O" --dir $r --user admin user add inspector --name Inspector \
	    --role auditor >/dev/null || fail "user add inspector to $r"
	"$O" --dir $r --user admin id > $r.card
done
"$O" --dir SMO --user admin user add petrova --name "Петрова Е. В." \
    --role curator --centre "Центр" >/dev/null || fail "user add petrova"

# audit_has DIR ACTION DETAIL: the last entry of ACTION in DIR's audit
# is by admin and says DETAIL.
audit_has() {
	ok "$O" --dir "$1" --user inspector audit list --json
	tr '{' '\n' < "$T/out" | grep "\"action\":\"$2\"" | tail -1 > "$T/entry"
	grep -q '"login":"admin","role":"admin"' "$T/entry" &&
	    grep -qF "\"detail\":\"$3\"" "$T/entry" ||
	    { cat "$T/out" >&2; fail "no '$2' entry by admin saying '$3'"; }
}
count() {
	db "$1" "SELECT count(*) FROM audit WHERE action = '$2'"
}

# No account, or one whose role may not: refused, the file as it was.
cp SMO/opora.conf "$T/conf"
refuses 78 'no account' "$O" --dir SMO --user nobody config get
refuses 78 'no account' "$O" --dir SMO --user nobody config set \
    anti_entropy_interval 60
refuses 78 'may not do this.*action node' "$O" --dir SMO --user petrova \
    config set anti_entropy_interval 60
cmp -s "$T/conf" SMO/opora.conf || fail "a refused config set changed the file"
[ "$(db SMO "SELECT count(*) FROM audit WHERE action = 'refused' AND
    login = 'petrova' AND detail = 'node'")" = 1 ] ||
    fail "the curator's refused config set is not in the audit"

# Each change, by admin, with what it set.
ok "$O" --dir SMO --user admin config get listen
ok "$O" --dir SMO --user admin config set anti_entropy_interval 60
audit_has SMO "config set" "anti_entropy_interval = 60"
# A refused value is no change: not recorded as one.
refuses 65 'anti_entropy_interval' "$O" --dir SMO --user admin config set \
    anti_entropy_interval soon
[ "$(count SMO 'config set')" = 1 ] || fail "a refused value was audited"
ok "$O" --dir SMO --user admin peer add KLU.card
audit_has SMO "peer add" "RU-KLU"
ok "$O" --dir SMO --user admin peer add FED.card
kid=$("$O" --dir KLU --user admin key list | awk '{ print $2; exit }')
ok "$O" --dir SMO --user admin peer revoke-key RU-KLU "$kid" \
    --since 2026-01-01T00:00:00Z
audit_has SMO "peer revoke-key" "RU-KLU $kid since 2026-01-01 00:00:00 UTC"
ok "$O" --dir SMO --user admin peer remove RU-KLU
audit_has SMO "peer remove" "RU-KLU"
ok "$O" --dir SMO --user admin key rotate
audit_has SMO "key rotate" "signing"
ok "$O" --dir SMO --user admin key rotate --tls
audit_has SMO "key rotate" "tls"
ok "$O" --dir FED --user admin researcher add alice --out .
audit_has FED "researcher add" "alice"
ok "$O" --dir FED --user admin researcher remove alice
audit_has FED "researcher remove" "alice"
# A change recorded but then not made says so after it.
refuses 66 'no researcher' "$O" --dir FED --user admin researcher remove nobody
audit_has FED "researcher remove failed" "nobody"
refuses 65 'already registered' "$O" --dir FED --user admin researcher add \
    alice --out "$(mkdir -p again && echo again)"
audit_has FED "researcher add failed" "alice"
ok "$O" --dir SMO --user inspector audit verify
ok "$O" --dir FED --user inspector audit verify

# An audit that cannot be written (as a full disk would): nothing changes.
for r in SMO FED; do
	db $r "CREATE TRIGGER audit_full BEFORE INSERT ON audit
	    BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END"
done
unrecorded() {
	"$@" >"$T/out" 2>"$T/err" && fail "made though not recorded: $*"
	grep -q 'cannot be recorded in the audit' "$T/err" ||
	    { cat "$T/err" >&2; fail "no word of the audit: $*"; }
}
cp SMO/opora.conf "$T/conf"
keys=$(db SMO "SELECT count(*) FROM keys")
unrecorded "$O" --dir SMO --user admin config set anti_entropy_interval 90
cmp -s "$T/conf" SMO/opora.conf ||
    fail "a config set that could not be recorded changed the file"
[ ! -e SMO/opora.conf.new ] || fail "an unrecorded config set left its file"
unrecorded "$O" --dir SMO --user admin peer add KLU.card
unrecorded "$O" --dir SMO --user admin peer remove RU-FED
[ "$(db SMO "SELECT group_concat(region) FROM peers")" = RU-FED ] ||
    fail "an unrecorded peer add or remove changed the peers"
unrecorded "$O" --dir SMO --user admin key rotate
[ "$(db SMO "SELECT count(*) FROM keys")" = "$keys" ] ||
    fail "an unrecorded key rotate made a key"
mkdir rout
unrecorded "$O" --dir FED --user admin researcher add bob --out rout
[ -z "$(ls rout)" ] || fail "an unrecorded researcher add wrote files"
[ "$(db FED "SELECT count(*) FROM researchers WHERE name = 'bob'")" = 0 ] ||
    fail "an unrecorded researcher add registered bob"
exit 0
