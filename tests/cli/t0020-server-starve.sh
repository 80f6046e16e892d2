# Strangers cannot starve the peers (issue 10, item 4).  While an attacker
# holds hundreds of idle TCP connections to Smolensk's server, dozens of
# half-done and trickled TLS handshakes and slowloris requests, and a
# fourth peer (Tula) opens a dozen long polls at once, the three regions
# still exchange transfer offers within a bound, a monitor still gets
# /v1/health, and the greedy peer gets 429 with Retry-After beyond its
# share of long polls.
. "$TOP/tests/cli/lib.sh"
FLOOD="$TOP/build/flood"
[ -x "$FLOOD" ] || fail "build/flood is missing: make unit"
# The attack holds ~400 descriptors in this test alone.
ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null
three_nodes
"$OPORA" --dir TUL init --region RU-TUL 2>/dev/null || fail "init TUL"
"$OPORA" --dir TUL id > TUL.card
ok "$OPORA" --dir SMO peer add TUL.card
serve SMO
serve KLU
serve SA
URL=$(sed -n 's/^url = //p' SMO/opora.conf)
HOST=${URL#https://}
IP=${HOST%:*}
PORT=${HOST##*:}

person() {	# person DIR SURNAME: register one, print its id
	"$OPORA" --dir "$1" person add --surname "$2" --name Анна \
	    --birth-date 2005-04-12 --sex F || fail "person add on $1"
}
offer() {	# offer DIR ID TO: offer a transfer
	ok "$OPORA" --dir "$1" consent add "$2" --scope transfer \
	    --date 2024-07-01 --document "Заявление"
	ok "$OPORA" --dir "$1" transfer offer "$2" --to "$3" --reason "Переезд"
}
arrives() {	# arrives DIR SURNAME WHAT: the offer reaches DIR within 15 s
	until_true 15 sh -c "'$OPORA' --dir $1 transfer list --incoming |
	    grep -q $2" || fail "$3 did not arrive under attack"
}

# Before the attack: the pullers are connected and long-polling.
A=$(person SMO Первая)
offer SMO "$A" RU-KLU
arrives KLU Первая "the first offer to Kaluga"

# The attack, for 30 s: idle sockets from two addresses, half-done and
# trickled handshakes, and slowloris requests after a completed handshake.
"$FLOOD" -m idle -n 200 -t 25 -b 127.0.0.2 "$IP" "$PORT" > flood1.out &
PIDS="$PIDS $!"
"$FLOOD" -m idle -n 100 -t 25 -b 127.0.0.5 "$IP" "$PORT" > flood2.out &
PIDS="$PIDS $!"
"$FLOOD" -m hello -n 40 -t 25 -b 127.0.0.3 "$IP" "$PORT" > flood3.out &
PIDS="$PIDS $!"
"$FLOOD" -m slow -n 20 -t 25 -b 127.0.0.4 "$IP" "$PORT" > flood4.out &
PIDS="$PIDS $!"
for i in 1 2 3 4 5; do
	{ for ch in G E T ' ' / v 1 / h e a l t h; do printf %s "$ch"
		sleep 1; done; } | timeout 25 openssl s_client -quiet \
	    -connect "$HOST" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
done
# A greedy peer: a dozen long polls at once.
HEAD=$(curl -sk --max-time 5 "$URL/v1/health" | sed 's/.*"feed":\([0-9]*\).*/\1/')
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	curl -sk --max-time 40 --cert TUL/tls.crt --key TUL/tls.key \
	    -D "greedy$i.head" -o "greedy$i.json" -w "%{http_code} %{errormsg}\n" \
	    "$URL/v1/feed?since=${HEAD:-0}&wait=30" >> greedy.codes 2>/dev/null &
	PIDS="$PIDS $!"
	sleep 0.2
done
sleep 3
# Kaluga and Sakha start again, so their pullers must reach Smolensk's
# server through the flood (no connection from before the attack helps).
stop KLU
stop SA
serve KLU
serve SA

# Under attack: new offers in every direction still arrive.
B=$(person SMO Вторая)
offer SMO "$B" RU-KLU
C=$(person SMO Третья)
offer SMO "$C" RU-SA
D=$(person KLU Четвёртая)
offer KLU "$D" RU-SMO
arrives KLU Вторая "an offer from Smolensk to Kaluga"
arrives SA Третья "an offer from Smolensk to Sakha"
arrives SMO Четвёртая "an offer from Kaluga to Smolensk"
# And the next ones, on the connections opened after those.
E=$(person SMO Пятая)
offer SMO "$E" RU-KLU
F=$(person SMO Шестая)
offer SMO "$F" RU-SA
arrives KLU Пятая "a second offer from Smolensk to Kaluga"
arrives SA Шестая "a second offer from Smolensk to Sakha"
# A monitor without a certificate still gets its answer.
until_true 10 curl -sk --max-time 2 -o health.json "$URL/v1/health" ||
    fail "no health answer under attack"
contains '"status":"ok"' health.json

# The greedy peer: at most 2 long polls held; every other request was
# answered at once (429), or lost its handshake to the flood (curl 000:
# here it shares its address with the slowloris clients).
total=$(wc -l < greedy.codes)
n429=$(grep -c '^429' greedy.codes)
[ "$total" -ge 10 ] && [ "$n429" -ge 6 ] && ! grep -q '^200' greedy.codes ||
    { cat greedy.codes >&2
	fail "the greedy peer was not held to 2 long polls"; }
grep -l '"code":"too_many_requests"' greedy*.json >/dev/null ||
    fail "no JSON error for a refused long poll"
grep -qi '^Retry-After: 1' greedy*.head || fail "no Retry-After"

# The attack really was there: the server refused or dropped its sockets.
wait_floods=0
while [ $wait_floods -lt 40 ] && ! [ -s flood1.out ]; do
	sleep 1
	wait_floods=$((wait_floods + 1))
done
cat flood1.out
o=$(sed 's/opened \([0-9]*\).*/\1/' flood1.out)
[ "${o:-0}" -ge 200 ] || fail "the idle flood did not open its sockets"
grep -q 'refused [0-9]* connections over the budgets' SMO.log ||
    fail "no log line for the refused connections"
# And the server is still well.
curl -sk --max-time 5 --cert KLU/tls.crt --key KLU/tls.key \
    "$URL/v1/health" >/dev/null || fail "the server stopped serving"
stop SMO
stop KLU
stop SA
