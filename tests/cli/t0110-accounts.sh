# Accounts, need-to-know access and the audit (issue 13): a curator sees
# their centre's dossiers, opens another centre's only with a reason that
# the audit keeps; an admin sees no dossier; the audit log finds every
# edit, deletion and reordering.
. "$TOP/tests/cli/lib.sh"
O=$OPORA_BIN
# denied PATTERN CMD...: CMD must fail (any code) saying PATTERN.
denied() {
	pat=$1
	shift
	if "$@" >"$T/out" 2>"$T/err"; then fail "expected a refusal: $*"; fi
	grep -Eq -- "$pat" "$T/err" || { cat "$T/err" >&2
		fail "expected /$pat/ on stderr: $*"; }
	if grep -q Иванова "$T/out"; then fail "refused but shown: $*"; fi
}
ok "$O" --dir n init --region RU-SMO
# No account yet: only the first admin may be made, without --user.
refuses 78 'no account yet' "$O" --dir n --user anyone list
refuses 64 'first account must be an admin' "$O" --dir n user add cur \
    --name X --role curator --centre A
echo "password1234" | refuses 65 'common' "$O" --dir n user add boss \
    --name Boss --role admin --password-stdin
echo "stolz-kalinka-97" > pw
ok sh -c "'$O' --dir n user add boss --name Boss --role admin --password-stdin < pw"
contains 'otpauth://totp/opora:boss' "$T/out"
refuses 78 'no account' "$O" --dir n --user nobody list
ok "$O" --dir n --user boss user add petrova --name "Петрова Е. В." \
    --role curator --centre "Смоленский центр"
contains 'one-time password' "$T/out"
ok "$O" --dir n --user boss user add sidorov --name "Сидоров" \
    --role curator --centre "Вяземский центр"
ok "$O" --dir n --user boss user add chief --name "Руководитель" \
    --role supervisor
ok "$O" --dir n --user boss user add inspector --name "Ревизор" \
    --role auditor
ok "$O" --dir n --user boss user list --json
contains '"login":"petrova","name":"Петрова Е. В.","role":"curator"' "$T/out"

# A curator's dossier is their centre's.
ok "$O" --dir n --user petrova person add --surname Иванова --name Анна \
    --birth-date 2005-04-12 --sex F
D=$(cat "$T/out")
ok "$O" --dir n --user petrova show "$D"
contains 'Иванова' "$T/out"
ok "$O" --dir n --user petrova event add "$D" --date 2024-01-10 \
    --type contact --text "Встреча"
# Another centre's curator: refused, then allowed with a reason.
denied 'another centre' "$O" --dir n --user sidorov show "$D"
denied 'another centre' "$O" --dir n --user sidorov event add "$D" \
    --date 2024-01-11 --type contact --text x
ok "$O" --dir n --user sidorov list
if grep -q Иванова "$T/out"; then fail "list shows another centre's dossier"; fi
ok "$O" --dir n --user sidorov --reason "Замещаю Петрову" show "$D"
contains 'Иванова' "$T/out"
# Signed changes carry the account.
ok "$O" --dir n --user chief log "$D"
contains 'petrova' "$T/out"
# An admin and an auditor see no dossier; a curator decides nothing.
denied 'role may not' "$O" --dir n --user boss show "$D"
denied 'role may not' "$O" --dir n --user inspector show "$D"
denied 'role may not' "$O" --dir n --user petrova peer list
denied 'role may not' "$O" --dir n --user petrova audit list
ok "$O" --dir n --user chief assign "$D" --centre "Вяземский центр"
ok "$O" --dir n --user sidorov show "$D"
denied 'another centre' "$O" --dir n --user petrova show "$D"
# Disabled accounts act no more.
ok "$O" --dir n --user boss user disable petrova
refuses 78 'disabled' "$O" --dir n --user petrova list
refuses 65 'last enabled admin' "$O" --dir n --user boss user disable boss

# The audit names who read what and why.
ok "$O" --dir n --user inspector audit list --dossier "$D" --json
contains '"login":"sidorov","role":"curator"' "$T/out"
contains '"reason":"Замещаю Петрову"' "$T/out"
contains '"action":"refused"' "$T/out"
contains '"action":"event add"' "$T/out"
ok "$O" --dir n --user inspector audit export --format csv
contains '^seq,at,login,role,os_user,addr,action,dossiers,reason,detail' \
    "$T/out"
ok "$O" --dir n --user inspector audit verify
contains 'holds' "$T/out"
# The log refuses edits; tampering past the triggers is found.
if db n "UPDATE audit SET reason = 'x' WHERE seq = 2" 2>/dev/null; then
	fail "the audit log took an UPDATE"
fi
db n "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp n/opora.db clean.db
for col in at login role os_user addr action dossiers reason detail; do
	cp clean.db n/opora.db
	rm -f n/opora.db-wal n/opora.db-shm
	db n "DROP TRIGGER audit_no_update;
	    UPDATE audit SET $col = $col || '1' WHERE seq = 5" ||
	    fail "tamper $col"
	refuses 65 "tampered" "$O" --dir n --user inspector audit verify ||
	    fail "tampering with $col went unseen"
done
cp clean.db n/opora.db
rm -f n/opora.db-wal n/opora.db-shm
db n "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 4"
refuses 65 'missing|follow' "$O" --dir n --user inspector audit verify
cp clean.db n/opora.db
rm -f n/opora.db-wal n/opora.db-shm
db n "DROP TRIGGER audit_no_update;
    UPDATE audit SET seq = 1000 WHERE seq = 3;
    UPDATE audit SET seq = 3 WHERE seq = 4;
    UPDATE audit SET seq = 4 WHERE seq = 1000"
refuses 65 'tampered' "$O" --dir n --user inspector audit verify
cp clean.db n/opora.db
rm -f n/opora.db-wal n/opora.db-shm
db n "DROP TRIGGER audit_cp_no_delete; DELETE FROM audit_checkpoints"
refuses 65 'checkpoint' "$O" --dir n --user inspector audit verify
