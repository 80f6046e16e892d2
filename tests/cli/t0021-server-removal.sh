# Removal is immediate on the server side (issue 10, item 5): after
# 'opora peer remove' / 'opora researcher remove', run as other processes,
# the serving node closes that party's open connections (a long poll, an
# idle connection) within a second, and refuses its next handshake.
. "$TOP/tests/cli/lib.sh"
three_nodes
serve SMO
URL=$(sed -n 's/^url = //p' SMO/opora.conf)
HOST=${URL#https://}

now_ms() {
	date +%s%3N
}

# Kaluga holds a long poll of 30 s and an idle TLS connection.
curl -sk --max-time 40 --cert KLU/tls.crt --key KLU/tls.key \
    -o poll.json -w '%{http_code}\n' "$URL/v1/feed?since=0&wait=30" \
    > poll.code 2>/dev/null &
poll=$!
PIDS="$PIDS $poll"
sleep 30 | timeout 40 openssl s_client -quiet -connect "$HOST" \
    -cert KLU/tls.crt -key KLU/tls.key >/dev/null 2>&1 &
idle=$!
PIDS="$PIDS $idle"
# Both are in: the long poll parked (no answer yet), the idle one open.
sleep 2
kill -0 $poll 2>/dev/null || fail "the long poll did not wait"
kill -0 $idle 2>/dev/null || fail "the idle connection did not stay"
# Sakha, not removed, long-polls too and must keep its connection.
curl -sk --max-time 40 --cert SA/tls.crt --key SA/tls.key \
    -o sa.json -w '%{http_code}\n' "$URL/v1/feed?since=0&wait=5" \
    > sa.code 2>/dev/null &
sa=$!
PIDS="$PIDS $sa"
sleep 0.5

t0=$(now_ms)
ok "$OPORA" --dir SMO peer remove RU-KLU
# The long poll is cut, not answered, within a second.
until_true 2 sh -c "! kill -0 $poll" || fail "the long poll outlived the removal"
t1=$(now_ms)
[ $((t1 - t0)) -le 1500 ] || fail "the long poll was cut after $((t1 - t0)) ms"
grep -q '^200' poll.code && fail "the removed peer's long poll was answered"
until_true 2 sh -c "! kill -0 $idle" || fail "the idle connection stayed open"
grep -q 'RU-KLU: connection closed: no longer a peer' SMO.log ||
    fail "no log line for the closed connections"
# Its next handshake is refused; the other peer is served as before.
curl -sk --max-time 5 --cert KLU/tls.crt --key KLU/tls.key \
    "$URL/v1/health" >/dev/null 2>&1 && fail "a removed peer was served"
grep -q 'refused a client certificate' SMO.log ||
    fail "no log line for the refused handshake"
wait $sa
grep -q '^200' sa.code || fail "the other peer lost its long poll"
stop SMO

# The federal node and a researcher: the same.
p=$(port_base)
"$OPORA" --dir FED init --region RU-FED --url "https://127.0.0.1:$p" \
    --listen "127.0.0.1:$p" >/dev/null 2>&1 || fail "init FED"
ok "$OPORA" --dir FED researcher add alice --out .
serve FED
FURL=https://127.0.0.1:$p
sleep 30 | timeout 40 openssl s_client -quiet -connect "127.0.0.1:$p" \
    -cert alice.crt -key alice.key >/dev/null 2>&1 &
ridle=$!
PIDS="$PIDS $ridle"
sleep 1
kill -0 $ridle 2>/dev/null || fail "the researcher's connection did not stay"
ok "$OPORA" --dir FED researcher remove alice
until_true 2 sh -c "! kill -0 $ridle" ||
    fail "the researcher's connection outlived the removal"
grep -q 'alice: connection closed: no longer a researcher' FED.log ||
    fail "no log line for the researcher's connection"
curl -sk --max-time 5 --cert alice.crt --key alice.key \
    "$FURL/v1/stats/flows?period=2025" >/dev/null 2>&1 &&
    fail "a removed researcher was answered"
stop FED
