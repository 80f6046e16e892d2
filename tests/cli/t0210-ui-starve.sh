# Strangers cannot lock the curators out of the web pages.  An attacker
# on four addresses (a NAT's worth each) holds every connection the
# browsers' listener takes: idle sockets, TLS handshakes trickled a byte
# a second, and request heads trickled after a whole handshake.  A
# curator on another address still logs in, searches and opens a dossier
# within seconds, again and again while the attack goes on; idle and
# trickling connections are cut within the head deadline (docs/
# security.md, "The web pages' listener").
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-ui.sh"
FLOOD="$TOP/build/flood"
[ -x "$FLOOD" ] || fail "build/flood is missing: make unit"
ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
p=$(port_base)
ui_node SMO RU-SMO "$p"
ok "$OPORA_BIN" --dir SMO --user boss config set listen_metrics \
    "127.0.0.1:$((p + 2))"
serve SMO
until_true 10 curl -s --cacert "$UI_CA" "$UI/api/me" || fail "no listener"
login petrova
api petrova POST /api/persons '{"surname":"Иванова","name":"Анна","birth-date":"2005-04-12","sex":"F"}'
status 201
D=$(json_get dossier)
UIPORT=$((p + 1))

# Idle, the listener and its watchdog cost next to nothing: over 4 s the
# server uses less than 1 s of CPU (its watchdog once woke at once,
# every time, and took a whole core: its condition waited on the wall
# clock for a deadline on the monotonic one).
ticks() { awk '{ print $14 + $15 }' "/proc/$PID_SMO/stat"; }
t0=$(ticks)
sleep 4
t1=$(ticks)
echo "idle: $((t1 - t0)) ticks of CPU in 4 s"
[ $((t1 - t0)) -lt "$(getconf CLK_TCK)" ] ||
    fail "the idle server used $((t1 - t0)) ticks of CPU in 4 s"

# The attack, for 40 s: as many connections as the listener holds in
# all (ui.h: 256, 64 an address), from four addresses.
"$FLOOD" -m idle -n 64 -t 40 -b 127.0.0.2 127.0.0.1 "$UIPORT" > flood1.out &
PIDS="$PIDS $!"
"$FLOOD" -m idle -n 64 -t 40 -b 127.0.0.3 127.0.0.1 "$UIPORT" > flood2.out &
PIDS="$PIDS $!"
"$FLOOD" -m slow -n 64 -t 40 -b 127.0.0.4 127.0.0.1 "$UIPORT" > flood3.out &
PIDS="$PIDS $!"
"$FLOOD" -m slow -n 64 -t 40 -b 127.0.0.5 127.0.0.1 "$UIPORT" > flood4.out &
PIDS="$PIDS $!"
# Slowloris after a whole handshake: a request head a byte a second.
for i in 1 2 3 4; do
	{ for ch in G E T ' ' / a p i / m e ' ' H T T P / 1 . 1; do
		printf %s "$ch"; sleep 1; done; } |
	    timeout 40 openssl s_client -quiet -connect "127.0.0.1:$UIPORT" -bind 127.0.0.6:0 \
	    >/dev/null 2>&1 &
	PIDS="$PIDS $!"
done
sleep 4

# Under attack (the slots more than half held), a request whose head
# came whole but whose body trickles a byte a second is cut within the
# deadline (10 s from its first line), long before its 40 bytes are in.
# (With room enough, nothing is cut: a server slowed by its own load must
# not cut its own users' requests; t0132.)
start=$(date +%s)
{ printf 'POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\n'
  printf 'Content-Type: application/json\r\nContent-Length: 40\r\n\r\n'
  for i in $(seq 1 40); do printf x; sleep 1; done; } |
    timeout 45 openssl s_client -quiet -connect "127.0.0.1:$UIPORT" \
    -bind 127.0.0.7:0 >/dev/null 2>&1
took=$(($(date +%s) - start))
[ "$took" -le 16 ] || fail "a trickled body held its connection $took s"

# Under attack: a curator (another browser, another address) gets
# through, each request within 10 s, three times over 20 s.
session() {	# session N: log in, search, open, log out as petrova
	JAR=s$1
	start=$(date +%s)
	ST=$(curl -sS --max-time 10 --cacert "$UI_CA" -c "$T/s$1petrova.jar" \
	    -H "Origin: $UI" -H 'Content-Type: application/json' \
	    --data-binary "{\"login\":\"petrova\",\"password\":\"$UI_PW\"}" \
	    -o "$T/out" -w '%{http_code}' "$UI/api/login") ||
	    fail "session $1: no answer to the login under attack"
	status 200
	json_get csrf > "$T/s$1petrova.csrf"
	ST=$(curl -sS --max-time 10 --cacert "$UI_CA" -b "$T/s$1petrova.jar" \
	    -o "$T/out" -w '%{http_code}' \
	    "$UI/api/search?surname=%D0%B8%D0%B2") ||
	    fail "session $1: no answer to a search under attack"
	status 200
	contains "$D" "$T/out"
	ST=$(curl -sS --max-time 10 --cacert "$UI_CA" -b "$T/s$1petrova.jar" \
	    -o "$T/out" -w '%{http_code}' "$UI/api/dossiers/$D") ||
	    fail "session $1: no answer to a dossier under attack"
	status 200
	[ $(($(date +%s) - start)) -le 20 ] || fail "session $1 took too long"
	JAR=
}
session 1
sleep 6
session 2
sleep 6
session 3

# The attack really was there, and the listener cut it again and again.
for f in flood1.out flood2.out flood3.out; do
	until_true 40 test -s "$f" || fail "$f: the flood did not end"
	cat "$f"
done
o=$(sed 's/opened \([0-9]*\).*/\1/' flood1.out)
c=$(sed 's/.*closed-by-server \([0-9]*\).*/\1/' flood1.out)
[ "${o:-0}" -ge 64 ] || fail "the idle flood did not open its sockets"
[ "${c:-0}" -ge 64 ] || fail "idle sockets were not cut"
c=$(sed 's/.*closed-by-server \([0-9]*\).*/\1/' flood3.out)
[ "${c:-0}" -ge 64 ] || fail "trickled handshakes were not cut"
grep 'web pages: cut [0-9]* connections' SMO.log ||
    fail "no log line for the connections cut"
# The monitoring counts them (docs/admin.md, "Monitoring").
curl -s --max-time 5 "http://127.0.0.1:$((p + 2))/metrics" > metrics.txt ||
    fail "no metrics"
for r in late taken; do
	n=$(sed -n "s/^opora_ui_connections_cut_total{reason=\"$r\"} //p" \
	    metrics.txt)
	[ "${n:-0}" -ge 1 ] || { grep ui_conn metrics.txt >&2
		fail "opora_ui_connections_cut_total{reason=$r} is ${n:-absent}"; }
done
# And the listener is still well.
api petrova GET /api/me
status 200
stop SMO
