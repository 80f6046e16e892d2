# A bounded load on the browsers' listener: rounds of 200 sessions log
# in, search and open a dossier, 16 at a time, while the node's peer
# pulls from it; every browser request is answered (no 5xx, no
# connection refused) and the peers' listener keeps answering within a
# second meanwhile.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-ui.sh"
# Argon2id is the cost of a login; under the sanitizers it is several
# times slower, so the sanitized builds (ThreadSanitizer's too: races
# show with 16 sessions at a time as with 200 in all) run 50 sessions.
N=200
[ $SANITIZED = 1 ] && N=50
p=$(port_base)
ui_node SMO RU-SMO "$p"
ok "$OPORA" --dir KLU init --region RU-KLU --url "https://127.0.0.1:$((p + 5))"
"$OPORA_BIN" --dir SMO id > SMO.card
"$OPORA" --dir KLU id > KLU.card
ok "$OPORA_BIN" --dir SMO --user boss peer add KLU.card
ok "$OPORA" --dir KLU peer add SMO.card
serve SMO
serve KLU
until_true 10 curl -s --cacert "$UI_CA" "$UI/api/me" || fail "no listener"
login petrova
api petrova POST /api/persons '{"surname":"Иванова","name":"Анна","birth-date":"2005-04-12","sex":"F"}'
status 201
D=$(json_get dossier)
ok "$OPORA_BIN" --dir SMO --user chief consent add "$D" --scope transfer \
    --date 2024-01-09 --document "№ 1"

cat > session.sh <<'S'
#!/bin/sh
# session.sh N: one browser session: log in, search, open, log out.
j=$T/jar.$1
o=$T/o.$1
c() { curl -sS --max-time 60 --cacert "$UI_CA" -b "$j" -c "$j" \
    -H "Origin: $UI" -H 'Content-Type: application/json' -o "$o" \
    -w '%{http_code}\n' "$@"; }
s=$(c -d "{\"login\":\"petrova\",\"password\":\"$UI_PW\"}" "$UI/api/login")
[ "$s" = 200 ] || { echo "login $s"; exit 1; }
t=$(sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$o")
s=$(c "$UI/api/search?surname=%D0%B8%D0%B2")
[ "$s" = 200 ] && grep -q "$D" "$o" || { echo "search $s"; exit 1; }
s=$(c "$UI/api/dossiers/$D")
[ "$s" = 200 ] || { echo "show $s"; exit 1; }
s=$(c -H "X-CSRF-Token: $t" -d '{}' "$UI/api/logout")
[ "$s" = 200 ] || { echo "logout $s"; exit 1; }
echo ok
S
export T UI UI_CA UI_PW D
start=$(date +%s)
# Rounds of N sessions, until the poller below has seen KLU take the
# offer (load.stop), at most 5: a quick machine ends a round before a
# pull could have happened, and the pull is to happen under the load.
( r=0
while [ ! -e load.stop ] && [ $r -lt 5 ]; do
	seq 1 $N | xargs -P 16 -n 1 sh session.sh
	r=$((r + 1))
done ) > results.txt 2>&1 &
load=$!
# Meanwhile the peers' listener answers, and KLU pulls the offer SMO
# makes now.
sleep 2
ok "$OPORA_BIN" --dir SMO --user chief transfer offer "$D" --to RU-KLU \
    --reason "Переезд"
slow=0 polls=0 got=
while kill -0 $load 2>/dev/null; do
	[ -n "$got" ] || ! "$OPORA" --dir KLU transfer list --incoming \
	    2>/dev/null | grep -q Иванова || { got=$polls; : > load.stop; }
	t0=$(date +%s%N)
	curl -sk --max-time 5 "https://127.0.0.1:$p/v1/health" >/dev/null ||
	    fail "the peers' listener did not answer during the load"
	t1=$(date +%s%N)
	[ $(((t1 - t0) / 1000000)) -lt 1000 ] || slow=$((slow + 1))
	polls=$((polls + 1))
	sleep 0.5
done
wait $load
end=$(date +%s)
n=$(grep -c '^ok$' results.txt)
all=$(wc -l < results.txt)
echo "$n sessions in $((end - start)) s; peers' health polled $polls times, $slow over 1 s; KLU had the offer at poll ${got:-never}"
[ "$n" -ge $N ] && [ "$n" = "$all" ] || { sort results.txt | uniq -c >&2
	fail "only $n of $all sessions went through"; }
[ "$slow" -le 1 ] || fail "the peers' listener was slow $slow times"
[ -n "$got" ] ||
    fail "KLU never received the offer while the browsers were served"
ok "$OPORA_BIN" --dir SMO --user inspector audit verify
stop SMO
stop KLU
