# The server refuses what is not a peer, answers malformed requests with
# JSON errors, cuts off slow clients, and keeps serving the others.
. "$TOP/tests/cli/lib.sh"
three_nodes
serve SMO
URL=$(sed -n 's/^url = //p' SMO/opora.conf)
HOST=${URL#https://}

# A monitor without a certificate may ask for health, nothing else.
curl -sk "$URL/v1/health" > h.json || fail "health without a certificate"
contains '"status":"ok"' h.json
contains '"region":"RU-SMO"' h.json
code=$(curl -sk -o body.json -w '%{http_code}' "$URL/v1/feed")
[ "$code" = 403 ] || fail "feed without a certificate: HTTP $code"
contains '"error":\{"code":"forbidden"' body.json

# A peer's certificate: the feed.
peer() {
	curl -sk --cert KLU/tls.crt --key KLU/tls.key "$@"
}
code=$(peer -o body.json -w '%{http_code}' "$URL/v1/feed?since=0&limit=10")
[ "$code" = 200 ] || fail "peer feed: HTTP $code"
contains '"changes":\[\]' body.json

# An unknown certificate is refused in the handshake.
mkdir other
"$OPORA" --dir other/x init --region RU-TUL >/dev/null 2>&1
curl -sk --cert other/x/tls.crt --key other/x/tls.key "$URL/v1/health" \
    >/dev/null 2>&1 && fail "an unknown certificate was accepted"
# A pinned certificate with a key that is not its own fails TLS too.
curl -sk --cert KLU/tls.crt --key other/x/tls.key "$URL/v1/health" \
    >/dev/null 2>&1 && fail "a certificate with the wrong key was accepted"
# TLS 1.2 is refused.
curl -sk --tlsv1.2 --tls-max 1.2 --cert KLU/tls.crt --key KLU/tls.key \
    "$URL/v1/health" >/dev/null 2>&1 && fail "TLS 1.2 was accepted"

# Malformed requests get JSON errors with the right status.
expect() {	# expect CODE ERRORCODE PATH
	c=$(peer -o body.json -w '%{http_code}' "$URL$3")
	[ "$c" = "$1" ] || fail "$3: HTTP $c, expected $1"
	contains "\"code\":\"$2\"" body.json
}
expect 400 bad_request '/v1/feed?since=-1'
expect 400 bad_request '/v1/feed?since=abc'
expect 400 bad_request '/v1/feed?limit=100000'
expect 400 bad_request '/v1/feed?wait=3600'
expect 400 bad_request '/v1/feed?bogus=1'
expect 404 not_found '/v1/nothing'
expect 404 not_found '/v1/dossiers/5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/changes'
c=$(peer -o body.json -w '%{http_code}' -X POST -d '{}' "$URL/v1/feed")
[ "$c" = 405 ] || fail "POST: HTTP $c"
c=$(peer -o body.json -w '%{http_code}' -X GET -H 'Content-Length: 5' \
    --data-binary 'hello' "$URL/v1/feed")
[ "$c" = 413 ] || fail "a body: HTTP $c"
c=$(peer -o body.json -w '%{http_code}' -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' a)" \
    "$URL/v1/feed")
[ "$c" = 431 ] || fail "a huge header: HTTP $c"
# Error bodies never echo what was sent.
expect 404 not_found '/v1/<script>alert(1)</script>'
grep -q script body.json && fail "an error echoed the request"

# A client that sends one byte a second is cut off, and the node keeps
# serving others meanwhile.
(
	exec 3>"$T/slow.out"
	{ for ch in G E T ' ' / v 1 / h e a l t h; do printf %s "$ch"; sleep 1; done; } |
	    timeout 20 openssl s_client -quiet -connect "$HOST" \
	    -cert KLU/tls.crt -key KLU/tls.key >&3 2>/dev/null
) & slow=$!
PIDS="$PIDS $slow"
sleep 2
peer -o body.json "$URL/v1/health" || fail "the node stopped serving others"
wait $slow
grep -q 'HTTP/1.1 200' "$T/slow.out" && fail "the slow client was answered"
grep -q 'cut off: too slow' SMO.log || fail "no log line for the slow client"
peer -o body.json "$URL/v1/health" || fail "the node stopped serving"
stop SMO
