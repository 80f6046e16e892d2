# Logs in the journal's form: 'opora serve' whose stderr is not a terminal
# writes one line per event, "<P>level=L msg="..." [err="..."]" and the
# fields of an answer, a pull or a refusal (k="v"), with sd-daemon
# priorities, quotes and control characters escaped; any
# command whose stderr is the journal (JOURNAL_STREAM names it) does too;
# on anything else a command's message stays "opora: text".
. "$TOP/tests/cli/lib.sh"

p=$(port_base)
ok "$OPORA" --dir SMO init --region RU-SMO --url "https://127.0.0.1:$((p + 1))"

# A command's error: plain, unless stderr is what JOURNAL_STREAM names.
: > j.err
"$OPORA" --dir SMO peer add /nonexistent.card 2>>j.err
grep -qx 'opora: /nonexistent.card: cannot open the file' j.err ||
    { cat j.err; fail "a command's error is not plain"; }
: > j.err
JOURNAL_STREAM=$(stat -c '%d:%i' j.err) "$OPORA" --dir SMO peer add \
    /nonexistent.card 2>>j.err
grep -qx '<3>level=error msg="/nonexistent.card: cannot open the file"' j.err ||
    { cat j.err; fail "a command's error to the journal is not in its form"; }
# Another stream's numbers (inherited, stderr redirected since): plain.
: > j.err
JOURNAL_STREAM=1:2 "$OPORA" --dir SMO peer add /nonexistent.card 2>>j.err
grep -q '^opora: ' j.err || fail "a foreign JOURNAL_STREAM was believed"

# serve to a file: the journal's form, every line.
serve SMO
curl -sk --max-time 5 -o /dev/null "https://127.0.0.1:$((p + 1))/v1/x%22y\"z"
curl -sk --max-time 5 -o /dev/null "https://127.0.0.1:$((p + 1))/v1/feed"
# The method as it came, and for a head that does not parse, its path
# (not the whole request line, nor a query).
curl -sk --max-time 5 -o /dev/null -X POST "https://127.0.0.1:$((p + 1))/v1/feed?since=0"
curl -sk --max-time 5 -o /dev/null -X "$(printf 'P[2J')" \
    "https://127.0.0.1:$((p + 1))/v1/feed"
stop SMO
L="$T/SMO.log"
contains '^<6>level=info msg="serving RU-SMO on 127.0.0.1:[0-9]+ \(https://' "$L"
contains '^<6>level=info msg="signal 15: shutting down"$' "$L"
# The client's quote comes escaped inside the quoted value, in the
# message and in the answer's fields: it cannot end a value and forge a
# field of its own.
contains '^<6>level=info msg="127.0.0.1 - GET /v1/x%22y\\"z 40[34] ' "$L"
contains ' addr="127.0.0.1" peer="-" method="GET" path="/v1/x%22y\\"z" status="40[34]" bytes="[0-9]+" ms="[0-9]+"$' "$L"
contains '^<6>level=info msg="127.0.0.1 - GET /v1/feed 4[0-9][0-9] .* path="/v1/feed" status="4[0-9][0-9]"' "$L"
contains '^<6>level=info msg="127.0.0.1 - POST /v1/feed 405 .* method="POST" path="/v1/feed" status="405"' "$L"
contains ' method="P\\\\x1b\[2J" path="/v1/feed" status="405"' "$L"
bad=$(grep -cvE '^<[3-7]>level=(error|warning|info|debug) msg="([^"\\]|\\.)*"( err="([^"\\]|\\.)*")?( [a-z0-9_]+="([^"\\]|\\.)*")*$' "$L")
[ "$bad" = 0 ] || { cat "$L"; fail "$bad lines not in the journal's form"; }
LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$L" &&
    fail "a control character in the log"

# A system error comes as err="...": the metrics port taken by another
# program (config set refuses this node's own listeners' ports); serve
# stops, saying why.
python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
time.sleep(60)' "$((p + 3))" &
holder=$!
PIDS="$PIDS $holder"
until_true 10 python3 -c '
import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' \
    "$((p + 3))" || fail "nothing holds the port"
ok "$OPORA" --dir SMO config set listen_metrics "127.0.0.1:$((p + 3))"
"$OPORA" --dir SMO serve 2> serve2.err &
pid=$!
PIDS="$PIDS $pid"
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 $pid 2>/dev/null && fail "serve runs without its metrics listener"
wait $pid
rc=$?
[ $rc = 69 ] || fail "serve exited $rc, not 69"
contains '^<4>level=warning msg="metrics: cannot listen on 127.0.0.1:[0-9]+" err="Address already in use"$' \
    serve2.err
# ... and says, at priority error, that it stopped ('journalctl -p err').
contains '^<3>level=error msg="serve: stopped on an error \(the lines above say why\)"$' \
    serve2.err
kill "$holder"
wait "$holder" 2>/dev/null
# A node that cannot be opened: serve is not started, said at error too.
cp SMO/opora.conf conf.keep
echo 'port = 1' >> SMO/opora.conf
: > serve3.err
JOURNAL_STREAM=$(stat -c '%d:%i' serve3.err) "$OPORA" --dir SMO serve \
    2>> serve3.err
[ $? = 78 ] || fail "serve with a bad setting did not exit 78"
contains '^<4>level=warning msg=".*unknown setting' serve3.err
contains '^<3>level=error msg="serve: not started: the node cannot be opened' \
    serve3.err
cp conf.keep SMO/opora.conf
exit 0
