# A peer whose responses bring nothing is asked again only after a backoff
# (1 s, doubling up to 10 min), shown in 'opora status': here two hostile
# peers, played by 'openssl s_server -HTTP' with the TLS keys of real
# nodes, one answering an empty page that says more is to come, the other
# the same refused change again and again.  Before, the first brought
# hundreds of requests a second.
. "$TOP/tests/cli/lib.sh"
p=$(port_base)
for r in KLU SMO TUL; do
	p=$((p + 1))
	"$OPORA" --dir $r init --region RU-$r --url "https://127.0.0.1:$p" \
	    --listen "127.0.0.1:$p" 2>/dev/null || fail "init $r"
	"$OPORA" --dir $r id > $r.card
done
ok "$OPORA" --dir KLU peer add SMO.card
ok "$OPORA" --dir KLU peer add TUL.card

# fake DIR: serve the files under DIR.www as SMO's or TUL's node would.
fake() {
	url=$(sed -n 's/^url = https:\/\///p' "$1/opora.conf")
	mkdir -p "$1.www/v1"
	(cd "$1.www" && exec openssl s_server -HTTP -tls1_3 -cert "../$1/tls.crt" \
	    -key "../$1/tls.key" -accept "$url") >"$1.requests" 2>&1 &
	PIDS="$PIDS $!"
}
# page DIR SINCE BODY: what DIR's fake answers to a pull from SINCE.
page() {
	printf 'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n%s' \
	    "$3" > "$1.www/v1/feed?since=$2&limit=5000&wait=25"
	# The fetch ahead of a page with more asks without waiting.
	printf 'HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n%s' \
	    "$3" > "$1.www/v1/feed?since=$2&limit=5000&wait=0"
}
fake SMO
fake TUL
page SMO 0 '{"changes":[],"more":true,"next":0}'
bad='{"bytes":"QUJD","seq":5,"sig":"eA=="}'
page TUL 0 "{\"changes\":[$bad],\"more\":true,\"next\":5}"
page TUL 5 "{\"changes\":[$bad],\"more\":true,\"next\":5}"
sleep 0.3

serve KLU
sleep 5
# status shows the backoff as a problem, in text and JSON.
node_status KLU
contains 'backing off: not asked again for [0-9]+ s: its last response was empty' "$T/out"
contains 'peer RU-TUL: not asked again for [0-9]+ s: nothing applied' "$T/out"
node_status KLU --json
contains '"backoff_reason":[[:space:]]*"its last response was empty but said more was to come"' "$T/out"
contains '"peer RU-SMO: not asked again for [0-9]+ s: its last' "$T/out"

sleep 1
stop KLU
smo=$(grep -c '^FILE:' SMO.requests)
tul=$(grep -c '^FILE:' TUL.requests)
echo "requests in 6 s: $smo empty, $tul refused" >&2
[ "$smo" -ge 2 ] && [ "$smo" -le 6 ] || fail "$smo requests for an empty page with more"
[ "$tul" -ge 2 ] && [ "$tul" -le 6 ] || fail "$tul requests for refused pages"
contains 'pull from RU-SMO: its last response was empty but said more was to come \(next try in [0-9]+ s\)' KLU.log
contains 'pull from RU-TUL: nothing applied from its last response: 1 changes refused' KLU.log
# The same refused change is one record.
[ "$(db KLU "SELECT count(*) FROM rejected WHERE peer = 'RU-TUL'")" = 1 ] ||
    fail "the same refused change made several records"
# (the last request may be a page fetched ahead and never taken in)
c=$(db KLU "SELECT count FROM rejected WHERE peer = 'RU-TUL'")
[ "$c" = "$tul" ] || [ "$c" = $((tul - 1)) ] ||
    fail "counted $c times for $tul requests"

# 'sync --once' asks such a peer once, not 100,000 times.
n0=$(grep -c '^FILE:' SMO.requests)
ok "$OPORA" --dir KLU sync --once
contains 'RU-SMO: 0 applied, 0 already here, 0 refused; stopped: its last response was empty' "$T/out"
n1=$(grep -c '^FILE:' SMO.requests)
[ $((n1 - n0)) -le 2 ] || fail "sync --once asked $((n1 - n0)) times"
