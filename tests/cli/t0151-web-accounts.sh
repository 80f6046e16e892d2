# An admin manages accounts over the browsers' API (the accounts page):
# create with a one-time password (and a second factor for an admin),
# disable (its sessions end), enable, unlock, reset the password; the last
# enabled admin is never disabled; other roles may do none of it; every
# change is audited as the CLI's 'user ...'.  And the node's health page
# (GET /api/status) for admins only.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-ui.sh"
p=$(port_base)
ui_node n RU-SMO "$p"
serve n
until_true 10 curl -s --cacert "$UI_CA" "$UI/api/me" || fail "no listener"
login petrova
login chief
login boss "$UI_PW" "$(oathtool --totp -b "$(cat "$T/n.totp")")"

# Only an admin.
api petrova POST /api/accounts '{"login":"ivanov","name":"Иванов","role":"curator","centre":"Смоленский центр"}'
status 403
api chief POST /api/accounts/petrova/disable '{}'
status 403
# The last enabled admin stays.
api boss POST /api/accounts/boss/disable '{}'
status 409
contains '"code":"refused"' "$T/out"

# Bad requests: the CLI's checks.
api boss POST /api/accounts '{"login":"Иванов","name":"Иванов","role":"curator","centre":"Ц"}'
status 400
api boss POST /api/accounts '{"login":"ivanov","name":"Иванов","role":"king"}'
status 400
api boss POST /api/accounts '{"login":"ivanov","name":"Иванов","role":"curator"}'
status 400
contains 'a curator needs --centre' "$T/out"
api boss POST /api/accounts '{"login":"ivanov","role":"curator","centre":"Ц"}'
status 400
api boss POST /api/accounts '{"login":"petrova","name":"Петрова","role":"curator","centre":"Ц"}'
status 409
contains '"code":"duplicate"' "$T/out"

# A curator, with a one-time password.
api boss POST /api/accounts '{"login":"ivanov","name":"Иван Иванов","role":"curator","centre":"Смоленский центр"}'
status 201
pw=$(json_get password)
[ ${#pw} -ge 12 ] || fail "no one-time password"
grep -q '"totp"' "$T/out" && fail "a curator got a second factor"
login ivanov "$pw"
contains '"must_change_password":true' "$T/out"
# An admin, with a second factor.
api boss POST /api/accounts '{"login":"second","name":"Второй","role":"admin"}'
status 201
contains '"totp":"otpauth://totp/' "$T/out"

# Disable: its sessions end, it cannot log in; enable: it can.
api boss POST /api/accounts/ivanov/disable '{}'
status 201
api ivanov GET /api/me
status 401
api ivanov POST /api/login "{\"login\":\"ivanov\",\"password\":\"$pw\"}"
status 401
api boss GET /api/accounts
contains '"login":"ivanov","name":"Иван Иванов","role":"curator","centre":"Смоленский центр","must_change_password":true,"totp":false,"enabled":false' \
    "$T/out"
api boss POST /api/accounts/ivanov/enable '{}'
status 201
login ivanov "$pw"
# Reset: a new one-time password, the old one no longer opens.
api boss POST /api/accounts/ivanov/reset-password '{}'
status 201
pw2=$(json_get password)
[ -n "$pw2" ] && [ "$pw2" != "$pw" ] || fail "no new password"
api ivanov GET /api/me
status 401
api ivanov POST /api/login "{\"login\":\"ivanov\",\"password\":\"$pw\"}"
status 401
login ivanov "$pw2"
api boss POST /api/accounts/ivanov/unlock '{}'
status 201
# Now boss is not the last admin.
api boss POST /api/accounts/second/disable '{}'
status 201
api boss POST /api/accounts/nobody/disable '{}'
status 404
api boss POST /api/accounts/ivanov/fly '{}'
status 404

# The node's health page: numbers and peers, no dossier.
"$OPORA_BIN" --dir n id > self.card
mkdir other
"$OPORA_BIN" --dir other init --region RU-KLU --url https://127.0.0.1:9 \
    >/dev/null 2>&1 || fail "init other"
"$OPORA_BIN" --dir other id > other.card
ok "$OPORA_BIN" --dir n --user boss peer add other.card
api boss GET /api/status
status 200
contains '^\{"region":"RU-SMO","peers":\[\{"region":"RU-KLU","url":"https://127.0.0.1:9","ok":false,"last_ok_ms":0,' \
    "$T/out"
contains '"dossiers":0,"custody":0,"conflicts_open":0,"refused":0,' "$T/out"
# The anti-entropy and statistics parts of 'opora status --json'.
contains '"anti_entropy_interval":[0-9]*,"stats":\{"federal":false,"federal_peer":false,"published_ms":[0-9]*,"interval_hours":[0-9]*,"late":false\},"attention":\{"lost_dossiers":0,"lost_changes":0,"accepted_without_history":0,"waiting":0,"refused_last_day":0,"corrupt":false,"read_ok":true\}\}$' "$T/out"
api petrova GET /api/status
status 403
login inspector
api inspector GET /api/status
status 403

ok "$OPORA_BIN" --dir n --user inspector audit list --json
contains '"login":"boss","role":"admin","os_user":"","addr":"127.0.0.1","action":"status"' \
    "$T/out"
for a in 'user add' 'user disable' 'user enable' 'user reset-password' \
    'user unlock'; do
	contains "\"login\":\"boss\",\"role\":\"admin\",\"os_user\":\"\",\"addr\":\"127.0.0.1\",\"action\":\"$a\",\"dossiers\":\"\",\"reason\":\"\",\"detail\":\"ivanov\"" \
	    "$T/out"
done
# The passwords are in no audit entry.
grep -q -- "$pw2" "$T/out" && fail "a password in the audit"
ok "$OPORA_BIN" --dir n --user inspector audit verify
stop n
