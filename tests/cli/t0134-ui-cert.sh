# The browsers' listener shows the certificate admin.md tells an admin to
# set (ui_cert, ui_key) rather than the node's own; refuses to start with
# only one of them or with a key others may read; an empty listen_ui
# serves no browser.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-ui.sh"
p=$(port_base)
ui_node n RU-SMO "$p"
mkdir -m 700 etc
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout etc/ui.key -out etc/ui.crt -days 30 -subj /CN=opora-ui \
    -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 ||
    fail "openssl could not make a certificate"
chmod 600 etc/ui.key
# One without the other is refused at start.
ok "$OPORA_BIN" --dir n --user boss config set ui_cert "$T/etc/ui.crt"
"$OPORA_BIN" --dir n serve > serve1.log 2>&1 &
pid=$!
PIDS="$PIDS $pid"
until_true 10 sh -c "! kill -0 $pid" || fail "serve started with ui_cert alone"
contains 'set both ui_cert and ui_key' serve1.log
refuses 65 'ui_key' "$OPORA_BIN" --dir n --user boss config set ui_key etc/ui.key
ok "$OPORA_BIN" --dir n --user boss config set ui_key "$T/etc/ui.key"
# A key others may read is refused too.
chmod 644 etc/ui.key
"$OPORA_BIN" --dir n serve > serve2.log 2>&1 &
pid=$!
PIDS="$PIDS $pid"
until_true 10 sh -c "! kill -0 $pid" || fail "serve started with a readable key"
contains 'browser TLS key' serve2.log
chmod 600 etc/ui.key
serve n
until_true 10 curl -s --cacert etc/ui.crt "$UI/api/me" ||
    { cat "$T/n.log"; fail "the listener does not show ui_cert"; }
curl -s --max-time 5 --cacert n/tls.crt "$UI/api/me" >/dev/null 2>&1 &&
    fail "the listener still shows the node's own certificate"
# The peers still see the node's own.
ok curl -sS --max-time 5 --cacert n/tls.crt "https://127.0.0.1:$p/v1/health"
# TLS 1.3, or 1.2 with a forward-secret key exchange and an AEAD cipher
# only: no CBC, no RSA key transport, nothing older than 1.2.
hs() {	# hs OPTIONS...: the cipher a handshake with them agreed, or ""
	echo | timeout 10 openssl s_client -connect "127.0.0.1:$((p + 1))" \
	    "$@" 2>/dev/null | sed -n 's/^New, [^,]*, Cipher is //p' |
	    grep -v '(NONE)'
}
c=$(hs -tls1_3)
[ -n "$c" ] || fail "no TLS 1.3 handshake"
c=$(hs -tls1_2)
case $c in
*GCM*|*CHACHA20*) ;;
*) fail "TLS 1.2 agreed '$c', not an AEAD cipher" ;;
esac
for weak in ECDHE-ECDSA-AES128-SHA ECDHE-ECDSA-AES256-SHA384 \
    ECDHE-ECDSA-AES128-SHA256 AES128-SHA AES128-GCM-SHA256; do
	c=$(hs -tls1_2 -cipher "$weak")
	[ -z "$c" ] || fail "TLS 1.2 with $weak was agreed ($c)"
done
c=$(hs -tls1_1 -cipher 'ALL:@SECLEVEL=0')
[ -z "$c" ] || fail "TLS 1.1 was agreed ($c)"
stop n
# Empty listen_ui: no browsers' listener.
ok "$OPORA_BIN" --dir n --user boss config set listen_ui ""
serve n
curl -s --max-time 3 --cacert etc/ui.crt "$UI/api/me" >/dev/null 2>&1 &&
    fail "listen_ui is empty but browsers are served"
grep -q 'web pages' "$T/n.log" && fail "serve claims to serve the web pages"
stop n
