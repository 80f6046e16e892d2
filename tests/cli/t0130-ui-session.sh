# The browsers' listener (listen_ui) and its sessions: HTTPS only, the
# security headers on every answer, login with one answer for every
# wrong login, throttling, TOTP for admins, the __Host- cookie, CSRF and
# Origin checks on every state-changing request, logout and a password
# change ending sessions on the server, bodies bounded, everything
# audited with the client's address.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-ui.sh"
p=$(port_base)
ui_node n RU-SMO "$p"
# A bad listen_ui is refused like any setting; empty turns it off.
refuses 65 'listen_ui' "$OPORA_BIN" --dir n --user boss config set listen_ui nowhere
ok "$OPORA_BIN" --dir n --user boss config set listen_metrics "127.0.0.1:$((p + 2))"
serve n
until_true 10 curl -s --cacert "$UI_CA" "$UI/api/me" ||
    { cat "$T/n.log"; fail "no browsers' listener on $UI"; }
contains 'serving the web pages on https://127.0.0.1' "$T/n.log"
# No plain HTTP.
curl -s --max-time 5 "http://127.0.0.1:$((p + 1))/api/me" >/dev/null 2>&1 &&
    fail "plain HTTP answered"

headers() {
	for h in "Content-Security-Policy: default-src 'self'" \
	    "frame-ancestors 'none'" "Strict-Transport-Security: max-age=" \
	    "X-Content-Type-Options: nosniff" "X-Frame-Options: DENY" \
	    "Referrer-Policy: no-referrer" "Cache-Control: no-store" \
	    "Content-Type: application/json"; do
		grep -qi "^$h\|; $h" "$T/hdr" || grep -qi "$h" "$T/hdr" ||
		    { cat "$T/hdr" >&2; fail "no '$h' on $1"; }
	done
}
api petrova GET /api/me
status 401
headers "401"
# Without a session, no endpoint says whether it exists.
api petrova GET /api/nowhere
status 401

# Wrong password and unknown login: the same answer.
api petrova POST /api/login '{"login":"petrova","password":"wrong-password-1"}'
status 401
headers "a failed login"
cp "$T/out" wrong1
api petrova POST /api/login '{"login":"nobody","password":"wrong-password-1"}'
status 401
cmp -s "$T/out" wrong1 || fail "an unknown login is answered differently"
contains '"message":"wrong login or password"' "$T/out"

# A login, the cookie as ASVS V3 wants it.
login petrova
headers "a login"
grep -i '^Set-Cookie: __Host-opora=[0-9a-f]\{64\}; Path=/; Secure; HttpOnly; SameSite=Strict' \
    "$T/hdr" >/dev/null || { cat "$T/hdr"; fail "cookie attributes"; }
contains '"login":"petrova","name":"petrova","role":"curator","centre":"Смоленский центр"' \
    "$T/out"
api petrova GET /api/me
status 200
headers "me"
contains '"csrf":"' "$T/out"
api petrova GET /api/nowhere
status 404
headers "404"
contains '"error":{"code":"not_found"' "$T/out"

# CSRF: no token, a wrong one, another Origin, no Origin: refused, and
# the session is still there.
cp "$T/petrova.csrf" csrf.keep
: > "$T/petrova.csrf"
api petrova POST /api/logout '{}'
status 403
contains '"code":"csrf"' "$T/out"
echo 0000000000000000000000000000000000000000000000000000000000000000 \
    > "$T/petrova.csrf"
api petrova POST /api/logout '{}'
status 403
cp csrf.keep "$T/petrova.csrf"
ORIGIN=https://evil.example api petrova POST /api/logout '{}'
status 403
contains '"code":"origin"' "$T/out"
ORIGIN=http://127.0.0.1:$((p + 1)) api petrova POST /api/logout '{}'
status 403
ST=$(curl -sS --cacert "$UI_CA" -b "$T/petrova.jar" -X POST \
    -H "X-CSRF-Token: $(cat "$T/petrova.csrf")" -d '{}' -o "$T/out" \
    -w '%{http_code}' "$UI/api/logout")
status 403
# A login from another site is refused too (login CSRF).
ORIGIN=https://evil.example api x POST /api/login "{\"login\":\"chief\",\"password\":\"$UI_PW\"}"
status 403
api petrova GET /api/me
status 200

# Bodies: too large (413), not JSON, nested, a NUL: 400; never echoed.
big=$(head -c 20000 /dev/zero | tr '\0' a)
api petrova POST /api/password "{\"password\":\"$big\"}"
status 413
headers "413"
# One announced too large is refused before it is sent: 413 in answer to
# its head, no "100 Continue", the body never read.
head -c 50000000 /dev/zero > big.bin
r=$(curl -sS --max-time 20 --cacert "$UI_CA" -b "$T/petrova.jar" \
    -H "Origin: $UI" -H "X-CSRF-Token: $(cat "$T/petrova.csrf")" \
    -H 'Content-Type: application/json' -H 'Expect: 100-continue' \
    --data-binary @big.bin -o "$T/out" -w '%{http_code} %{size_upload}' \
    "$UI/api/password") || fail "no answer to a body announced too large"
rm -f big.bin
[ "${r% *}" = 413 ] || fail "a body announced too large: HTTP ${r% *}"
[ "${r#* }" -lt 1000000 ] || fail "a body announced too large was read (${r#* } bytes)"
contains '"code":"too_large"' "$T/out"
api petrova POST /api/password '{"password":"<script>alert(1)</script>'
status 400
grep -q 'script' "$T/out" && fail "the body was echoed"
api petrova POST /api/password '{"password":{"a":1}}'
status 400
api petrova POST /api/password '{"password":"a\u0000b","new_password":"x"}'
status 400

# Logout ends the session on the server: the old cookie opens nothing.
cp "$T/petrova.jar" stolen.jar
api petrova POST /api/logout '{}'
status 200
grep -qi '^Set-Cookie: __Host-opora=;.*Max-Age=0' "$T/hdr" ||
    fail "logout does not clear the cookie"
cp stolen.jar "$T/thief.jar"
cp "$T/petrova.csrf" "$T/thief.csrf"
api thief GET /api/me
status 401

# An admin needs the TOTP code.
api boss POST /api/login "{\"login\":\"boss\",\"password\":\"$UI_PW\"}"
status 401
api boss POST /api/login "{\"login\":\"boss\",\"password\":\"$UI_PW\",\"code\":\"000000\"}"
status 401
login boss "$UI_PW" "$(oathtool --totp -b "$(cat "$T/n.totp")")"
contains '"role":"admin"' "$T/out"

# A password change ends every other session of the account.
login chief
cp "$T/chief.jar" "$T/chief2.jar"
cp "$T/chief.csrf" "$T/chief2.csrf"
api chief POST /api/password '{"password":"wrong-password-1","new_password":"another-long-pass-42"}'
status 401
api chief POST /api/password "{\"password\":\"$UI_PW\",\"new_password\":\"password\"}"
status 400
contains '"code":"weak_password"' "$T/out"
api chief POST /api/password "{\"password\":\"$UI_PW\",\"new_password\":\"another-long-pass-42\"}"
status 200
sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/out" > "$T/chief.csrf"
api chief GET /api/me
status 200
api chief2 GET /api/me
status 401
api chief POST /api/logout '{}'
status 200
login chief another-long-pass-42

# A one-time password opens only the password change.
ok "$OPORA_BIN" --dir n --user boss user add novice --name Novice \
    --role curator --centre "Смоленский центр" --json
otp=$(sed -n 's/.*"password":"\([^"]*\)".*/\1/p' "$T/out")
[ -n "$otp" ] || fail "no one-time password"
login novice "$otp"
contains '"must_change_password":true' "$T/out"
api novice GET "/api/search?surname=%D0%B8"
status 403
contains '"code":"password_change_required"' "$T/out"
api novice POST /api/password "{\"password\":\"$otp\",\"new_password\":\"my-own-long-pass-7\"}"
status 200
contains '"must_change_password":false' "$T/out"
sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/out" > "$T/novice.csrf"
api novice GET "/api/search?surname=%D0%B8"
status 200

# A session carries what its login proved.  One opened by a curator with
# a password alone does not go on as an admin's when the account is made
# an admin (an admin logs in with a second factor): a new role or centre
# ends the account's sessions.  Before, this session listed and made
# accounts at once.
ok "$OPORA_BIN" --dir n --user boss user set novice --role admin
api novice GET /api/accounts
status 401
# Its password alone no longer logs it in.
api novice POST /api/login '{"login":"novice","password":"my-own-long-pass-7"}'
status 401
# Another centre: another set of dossiers; the session ends too.
login petrova
api petrova GET /api/me
status 200
ok "$OPORA_BIN" --dir n --user boss user set petrova --centre \
    "Вяземский центр"
api petrova GET /api/me
status 401

# A lockout (20 failed logins of an account within an hour: someone
# guessing its password) refuses new logins, right or wrong, until an
# admin lifts it; it does not end the sessions already open, so a
# stranger who knows a curator's login cannot throw her out of her work.
login sidorov
db n "UPDATE accounts SET locked = 1 WHERE login = 'sidorov'"
api sidorov GET /api/me
status 200
api sidorov GET /api/caseload
status 200
UI_WAIT=0 api sidorov2 POST /api/login "{\"login\":\"sidorov\",\"password\":\"$UI_PW\"}"
status 401
ok "$OPORA_BIN" --dir n --user boss user unlock sidorov
api sidorov2 POST /api/login "{\"login\":\"sidorov\",\"password\":\"$UI_PW\"}"
status 200
# Disabling the account does end them (docs/admin.md, "Accounts").
ok "$OPORA_BIN" --dir n --user boss user disable sidorov
api sidorov GET /api/me
status 401

# Throttling: failures of one account soon wait (429, Retry-After).
got=
export UI_WAIT=0
for i in 1 2 3 4 5 6; do
	api sidorov POST /api/login '{"login":"sidorov","password":"wrong-password-1"}'
	[ "$ST" = 429 ] && { got=1; break; }
	status 401
done
[ -n "$got" ] || fail "failed logins are not throttled"
grep -qi '^Retry-After: [0-9]' "$T/hdr" || fail "no Retry-After"
contains '"code":"too_many_attempts"' "$T/out"

# Everything is in the audit, with the client's address.
ok "$OPORA_BIN" --dir n --user inspector audit list --json
for a in login login-failed logout password; do
	contains "\"action\":\"$a\"" "$T/out"
done
contains '"login":"petrova","role":"curator","os_user":"","addr":"127.0.0.1","action":"login"' \
    "$T/out"
contains '"login":"nobody","role":"","os_user":"","addr":"127.0.0.1","action":"login-failed"' \
    "$T/out"
ok "$OPORA_BIN" --dir n --user inspector audit verify

# The monitoring sees it too: the web pages' answers by status, and the
# logins by result (docs/admin.md, "Monitoring").
curl -s --max-time 5 "http://127.0.0.1:$((p + 2))/metrics" > metrics.txt ||
    fail "no metrics"
for l in 'opora_ui_answers_total{status="200"}' \
    'opora_ui_answers_total{status="401"}' \
    'opora_ui_answers_total{status="429"}' \
    'opora_ui_logins_total{result="ok"}' \
    'opora_ui_logins_total{result="wrong"}' \
    'opora_ui_logins_total{result="throttled"}'; do
	n=$(grep -F "$l " metrics.txt | sed 's/.* //')
	[ "${n:-0}" -ge 1 ] || { cat metrics.txt; fail "$l is ${n:-absent}"; }
done
# The peers' listener's answers are counted apart: the pages' are not in
# them.
grep -q '^opora_http_answers_total{status="401"}' metrics.txt &&
    fail "the pages' answers counted as the peers' listener's"
stop n
