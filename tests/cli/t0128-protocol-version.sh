# Versions of the replication protocol: --version names them; a server
# refuses a request in a version it does not speak with a JSON error body
# and a log line; a puller refuses an answer in a version it does not
# speak, and a peer's refusal of its own, saying so in its log and status.
. "$TOP/tests/cli/lib.sh"

ok "$OPORA" --version
contains '^protocol: .*replication /v1 version 1 \(speaks 1 to 1; feed epochs\)' \
    "$T/out"

p=$(port_base)
PS=$((p + 1))
PK=$((p + 2))
ok "$OPORA" --dir SMO init --region RU-SMO --url "https://127.0.0.1:$PS"
ok "$OPORA" --dir KLU init --region RU-KLU --url "https://127.0.0.1:$PK"
"$OPORA" --dir SMO id > SMO.card
"$OPORA" --dir KLU id > KLU.card
ok "$OPORA" --dir SMO peer add KLU.card
ok "$OPORA" --dir KLU peer add SMO.card
serve SMO

# ask VERSION: Kaluga's certificate asks Smolensk's feed in VERSION ("":
# no field, as an older node asks).
ask() {
	if [ -n "$1" ]; then
		set -- -H "Opora-Protocol: $1"
	else
		set --
	fi
	curl -sk --max-time 5 --cert KLU/tls.crt --key KLU/tls.key \
	    -D "$T/head" -o "$T/body" -w '%{http_code}' "$@" \
	    "https://127.0.0.1:$PS/v1/feed?since=0" > "$T/code"
}
ask 1
[ "$(cat "$T/code")" = 200 ] || fail "version 1 answered $(cat "$T/code")"
contains '^Opora-Protocol: 1' "$T/head"
ask ""
[ "$(cat "$T/code")" = 200 ] || fail "no version (an older node) refused"
ask 2
[ "$(cat "$T/code")" = 400 ] || fail "version 2 answered $(cat "$T/code")"
contains '^Opora-Protocol: 1' "$T/head"
[ "$(jq -r .error.code "$T/body")" = protocol_version ] ||
    fail "no protocol_version error: $(cat "$T/body")"
jq -r .error.message "$T/body" > msg
contains 'speaks replication protocol version 1 to 1; the request was in version 2: upgrade the older of the two nodes' msg
contains 'RU-KLU: refused a request in replication protocol version 2 \(this node speaks 1 to 1\)' \
    "$T/SMO.log"
ask 'x1b'
[ "$(cat "$T/code")" = 400 ] || fail "a bad version answered $(cat "$T/code")"
jq -r .error.message "$T/body" > msg
contains 'the request was in version unknown' msg
ask 0100
[ "$(cat "$T/code")" = 400 ] || fail "a version with a leading zero taken"
curl -sk --max-time 5 --cert KLU/tls.crt --key KLU/tls.key -o "$T/body" \
    -H 'Opora-Protocol: 1' -H 'Opora-Protocol: 1' -w '%{http_code}' \
    "https://127.0.0.1:$PS/v1/feed" > "$T/code"
[ "$(cat "$T/code")" = 400 ] || fail "the field twice was taken"
stop SMO

# A Kaluga of a later release (its TLS key, so Smolensk's pin holds):
# MODE "answer" answers a feed in version 2 (or VERSION); "refuse"
# refuses version 1; "interim" answers in version 2 after an interim
# answer (1xx) that says version 1.
cat > fake.py <<'EOF'
import http.server, json, ssl, sys
mode, port = sys.argv[1], int(sys.argv[2])
version = sys.argv[3] if len(sys.argv) > 3 else "2"
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        if mode == "interim":
            self.wfile.write(b"HTTP/1.1 102 Processing\r\n"
                             b"Opora-Protocol: 1\r\n\r\n")
        if mode in ("answer", "interim"):
            code, body = 200, {"changes": [], "more": False, "next": 0}
        else:
            code, body = 400, {"error": {"code": "protocol_version",
                "message": "this node speaks replication protocol version "
                "2 to 3; the request was in version 1: upgrade the older "
                "of the two nodes\x1b[2J"}}
        b = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.send_header("Connection", "close")
        self.send_header("Opora-Protocol", version)
        self.end_headers()
        self.wfile.write(b)
    def log_message(self, *a):
        pass
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
ctx.load_cert_chain("KLU/tls.crt", "KLU/tls.key")
s = http.server.HTTPServer(("127.0.0.1", port), H)
s.socket = ctx.wrap_socket(s.socket, server_side=True)
s.serve_forever()
EOF
fake() {
	python3 fake.py "$1" "$PK" ${2:+"$2"} 2>fake.err &
	FAKE=$!
	PIDS="$PIDS $FAKE"
	until_true 10 curl -sk --max-time 1 "https://127.0.0.1:$PK/" \
	    -o /dev/null || fail "the fake peer did not start"
}
unfake() {
	kill "$FAKE"
	wait "$FAKE" 2>/dev/null
}

fake answer
# sync_once PATTERN: one pull round fails (69), its report says PATTERN.
sync_once() {
	"$OPORA" --dir SMO sync --once >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc = 69 ] || { cat "$T/out" "$T/err" >&2
		fail "sync --once exited $rc, not 69"; }
	contains "$1" "$T/out"
}
sync_once '^RU-KLU: it answers in replication protocol version 2, which this node does not speak \(it speaks version 1 to 1\): upgrade the older of the two nodes$'
node_status SMO --json
contains 'peer RU-KLU: it answers in replication protocol version 2, which this node does not speak' \
    "$T/out"
[ "$(jq '.peers[0].ok' "$T/out")" = false ] || fail "RU-KLU shown ok"
ok "$OPORA" --dir SMO peer list
unfake
# Only the final answer's field counts, not an interim answer's.
fake interim
sync_once '^RU-KLU: it answers in replication protocol version 2, which'
unfake
# A value that is not a version is shown (escaped), not only called so.
fake answer "$(printf 'two\033[2J')"
sync_once '^RU-KLU: it answers in replication protocol "two\\x1b\[2J", not a version number, which this node does not speak'
unfake

fake refuse
sync_once '^RU-KLU: it does not speak this node.s replication protocol \(version 1 to 1\): it said "this node speaks replication protocol version 2 to 3; the request was in version 1: upgrade the older of the two nodes\\x1b\[2J"; upgrade the older of the two nodes$'
node_status SMO
contains 'RU-KLU: it does not speak this node.s replication protocol' "$T/out"
# The peer's words, escaped when recorded, are not escaped again.
grep -qF 'of the two nodes\x1b[2J"' "$T/out" ||
    { cat "$T/out" >&2; fail "status does not show the peer's escape once"; }
if grep -qF '\\x1b' "$T/out"; then fail "status escaped the peer's words twice"; fi
grep -q "$(printf '\033')" "$T/out" "$T/err" &&
    fail "the peer's escape byte reached the terminal"
unfake

# The same from a running server: the puller's log says it (journal form).
fake answer
serve SMO
until_true 20 grep -q 'pull from RU-KLU: it answers in replication protocol version 2' \
    "$T/SMO.log" || { cat "$T/SMO.log"; fail "serve's puller did not say it"; }
grep -q '^<4>level=warning msg="pull from RU-KLU: it answers in replication protocol version 2' \
    "$T/SMO.log" || fail "not in the journal's form"
stop SMO
unfake
# The peer's words in the journal: escaped once, by the log.
fake refuse
serve SMO
until_true 20 grep -q 'pull from RU-KLU: it does not speak' "$T/SMO.log" ||
    { cat "$T/SMO.log"; fail "serve's puller did not say the refusal"; }
grep -qF 'of the two nodes\x1b[2J\"' "$T/SMO.log" ||
    { cat "$T/SMO.log"; fail "the peer's escape is not in the log once"; }
if grep -qF '\\x1b' "$T/SMO.log"; then
	fail "the log escaped the peer's words twice"
fi
stop SMO
unfake
exit 0
