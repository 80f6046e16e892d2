# Logins do not hold the database: the password hash (Argon2id, tens of
# milliseconds by design, several times that under the sanitizers) is
# checked before the login's write transaction, not inside it.  While
# browsers log in back to back, every write of the CLI (a curator's
# event, a transfer offer) and of the pullers goes through at once, not
# after a queue of hashes; the logins that were wrong are still counted
# and throttled as before.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-ui.sh"
p=$(port_base)
ui_node SMO RU-SMO "$p"
serve SMO
until_true 10 curl -s --cacert "$UI_CA" "$UI/api/me" || fail "no listener"
C() { "$OPORA_BIN" --dir SMO --user petrova "$@"; }
D=$(C person add --surname Иванова --name Анна --birth-date 2005-04-12 \
    --sex F) || fail "person add"

cat > logins.sh <<'S'
#!/bin/sh
# logins.sh N: log in as petrova until stop exists.
while [ ! -e "$T/stop" ]; do
	curl -sS --max-time 60 --cacert "$UI_CA" -H "Origin: $UI" \
	    -H 'Content-Type: application/json' -o /dev/null \
	    -d "{\"login\":\"petrova\",\"password\":\"$UI_PW\"}" \
	    "$UI/api/login" 2>/dev/null
done
S
export T UI UI_CA UI_PW
for i in 1 2 3 4; do
	sh logins.sh "$i" &
	PIDS="$PIDS $!"
done
sleep 2
# Each write within the time of a few hashes, not of the queue: the
# slowest of ten under 2 s (the sanitized build's hash takes ~0.3 s).
slowest=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	s=$(date +%s%N)
	ok C event add "$D" --date 2024-05-01 --type contact \
	    --text "Запись $i"
	ms=$((($(date +%s%N) - s) / 1000000))
	[ "$ms" -gt "$slowest" ] && slowest=$ms
done
touch stop
echo "slowest write: $slowest ms"
[ "$slowest" -lt 2000 ] || fail "a write waited $slowest ms behind the logins"
# The logins went on meanwhile.
ok "$OPORA_BIN" --dir SMO --user inspector audit list --user petrova --json
n=$(tr '{' '\n' < "$T/out" | grep -c '"action":"login"')
[ "$n" -ge 4 ] || fail "only $n logins during the writes"
stop SMO

# What the logins left: 'serve' deletes the sessions that have ended and
# the counters of failed logins whose hour began two hours ago (a
# stranger with many addresses leaves one at every attempt), when it
# starts and then hourly; live sessions and this hour's counters stay.
[ "$(db SMO 'SELECT count(*) FROM sessions')" -ge 4 ] || fail "no sessions"
db SMO "UPDATE sessions SET last_seen = 0"
db SMO "INSERT INTO throttle (key, failures, window, last)
    VALUES ('address:192.0.2.1', 3, 0, 0),
    ('address:192.0.2.2', 3, strftime('%s', 'now'), strftime('%s', 'now'))"
serve SMO
login petrova
until_true 20 sh -c "[ \"\$(sqlite3 SMO/opora.db 'SELECT count(*) FROM
    sessions')\" = 1 ]" || fail "ended sessions were not deleted"
[ "$(db SMO "SELECT group_concat(key) FROM throttle")" = \
    'address:192.0.2.2' ] || fail "old failed-login counters were kept"
api petrova GET /api/me
status 200
stop SMO
