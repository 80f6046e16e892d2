# Certificates name the host of the node's url (subjectAltName), so the
# documented curl commands work with --cacert or --pinnedpubkey and
# without -k; status on a node with no peers says so and exits 0; serve
# does not claim to publish statistics for a federal node it lacks.
. "$TOP/tests/cli/lib.sh"
p=$(port_base)

ok "$OPORA" --dir SMO init --region RU-SMO --url "https://127.0.0.1:$p"
openssl x509 -in SMO/tls.crt -noout -ext subjectAltName > san.txt ||
    fail "no subjectAltName"
contains 'IP Address:127.0.0.1' san.txt
ok "$OPORA" --dir KLU init --region RU-KLU \
    --url https://opora.kaluga.example:8443 --listen "127.0.0.1:$((p + 1))"
openssl x509 -in KLU/tls.crt -noout -ext subjectAltName > san.txt
contains 'DNS:opora.kaluga.example' san.txt

# No peers: said, and not a failure (exit 0), in text and JSON.
node_status SMO
contains 'no peers yet' "$T/out"
contains 'nothing needs attention, but there are no peers yet' "$T/out"
contains 'nobody fetches them' "$T/out"
node_status SMO --json
contains '"no_peers":true' "$T/out"
contains '"problems":\[\]' "$T/out"

serve SMO
# admin.md's health check, as written there: --cacert, no -k.
ok curl -sS --max-time 5 --cacert SMO/tls.crt "https://127.0.0.1:$p/v1/health"
contains '"status":"ok"' "$T/out"
pin=$("$OPORA" --dir SMO id | sed 's/.*"tls_pin":"\([^"]*\)".*/\1/')
ok curl -sS --max-time 5 --cacert SMO/tls.crt --pinnedpubkey "$pin" \
    "https://127.0.0.1:$p/v1/health"
# Another node's certificate is not this one: curl refuses (60 or 90).
curl -sS --max-time 5 --cacert KLU/tls.crt "https://127.0.0.1:$p/v1/health" \
    >/dev/null 2>&1 && fail "curl accepted a certificate it was not given"
# No federal node among the peers: the log does not say it published for one.
until_true 10 grep -q 'statistics snapshot' "$T/SMO.log" ||
    fail "serve made no statistics snapshot"
grep -q 'for the federal node' "$T/SMO.log" &&
    fail "serve claims to publish for a federal node it does not have"
contains 'no federal node is a peer yet' "$T/SMO.log"
stop SMO

# A rotated TLS key names the host too; after 'config set url', the new
# host.
ok "$OPORA" --dir KLU config set url "https://127.0.0.1:$((p + 1))"
ok "$OPORA" --dir KLU key rotate --tls
ok "$OPORA" --dir KLU key rotate --tls
openssl x509 -in KLU/tls.crt -noout -ext subjectAltName > san.txt
contains 'IP Address:127.0.0.1' san.txt

# The federal node and a researcher: statistics.md's curl, without -k.
ok "$OPORA" --dir FED init --region RU-FED --url "https://127.0.0.1:$((p + 2))"
mkdir -m 700 res
ok "$OPORA" --dir FED researcher add alice --out res
openssl x509 -in res/alice.crt -noout -ext subjectAltName > san.txt
contains 'IP Address:127.0.0.1' san.txt
cp FED/tls.crt fed-tls.crt
serve FED
curl -sS --max-time 10 --cert res/alice.crt --key res/alice.key \
    --cacert fed-tls.crt \
    "https://127.0.0.1:$((p + 2))/v1/stats/releases" \
    >"$T/out" 2>"$T/err" || { cat "$T/err" "$T/FED.log"
	fail "the researcher's curl, without -k"; }
contains '"releases"' "$T/out"
stop FED
exit 0
