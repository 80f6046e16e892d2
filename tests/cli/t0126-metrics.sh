# The Prometheus endpoint (listen_metrics): loopback only, refused
# elsewhere at config time; after real traffic between two nodes it
# answers in the text exposition format 0.0.4, with the same figures as
# 'opora status --json', and counts what went in and out per peer.
. "$TOP/tests/cli/lib.sh"

p=$(port_base)
for r in SMO KLU; do
	p=$((p + 1))
	"$OPORA" --dir "$r" init --region "RU-$r" \
	    --url "https://127.0.0.1:$p" 2>/dev/null || fail "init $r"
	"$OPORA" --dir "$r" id > "$r.card"
done
ok "$OPORA" --dir SMO peer add KLU.card
ok "$OPORA" --dir KLU peer add SMO.card
MS=$((p + 1))
MK=$((p + 2))

# Off unless set; a non-loopback address or a name is refused, saying why.
ok "$OPORA" --dir SMO config get listen_metrics
[ -z "$(cat "$T/out")" ] || fail "listen_metrics is not off by default"
refuses 65 'not a loopback address.*no TLS and no login' "$OPORA" --dir SMO \
    config set listen_metrics 0.0.0.0:$MS
refuses 65 'not a loopback address' "$OPORA" --dir SMO \
    config set listen_metrics 192.168.1.5:$MS
refuses 65 'not a loopback address' "$OPORA" --dir SMO \
    config set listen_metrics '[::]:'$MS
refuses 65 'listen_metrics: "localhost:[0-9]*" is not valid' "$OPORA" --dir SMO \
    config set listen_metrics localhost:$MS
contains '^listen_metrics = $|^[^l]' SMO/opora.conf
grep -q '^listen_metrics = 0' SMO/opora.conf && fail "a refused value was kept"
ok "$OPORA" --dir SMO config set listen_metrics 127.0.0.1:$MS
ok "$OPORA" --dir KLU config set listen_metrics "127.0.0.1:$MK"
ok "$OPORA" --dir KLU config get listen_metrics
[ "$(cat "$T/out")" = "127.0.0.1:$MK" ] || fail "config get listen_metrics"
# A file edited by hand is checked as strictly when the node opens.
cp SMO/opora.conf conf.keep
echo "listen_metrics = 10.0.0.1:$MS" >> SMO/opora.conf
refuses 78 'opora.conf:[0-9]+: listen_metrics: .* not a loopback' \
    "$OPORA" --dir SMO status
cp conf.keep SMO/opora.conf

serve SMO
serve KLU
contains "metrics on http://127.0.0.1:$MS/metrics" "$T/SMO.log"

# Traffic: a dossier offered from Smolensk to Kaluga and accepted there.
D=$("$OPORA" --dir SMO person add --surname Иванова --name Анна \
    --birth-date 2005-04-12 --sex F) || fail "person add"
for m in 01 02 03; do
	ok "$OPORA" --dir SMO event add "$D" --date 2024-$m-10 --type contact \
	    --text "Встреча $m"
done
ok "$OPORA" --dir SMO consent add "$D" --scope transfer --date 2024-07-01 \
    --document "Заявление"
ok "$OPORA" --dir SMO transfer offer "$D" --to RU-KLU --reason "Переезд"
T1=$(cat "$T/out")
until_true 20 sh -c "'$OPORA' --dir KLU transfer list --incoming | grep -q Иванова" ||
    fail "the offer did not reach Kaluga"
ok "$OPORA" --dir KLU transfer accept "$T1"
until_true 20 sh -c "'$OPORA' --dir SMO show '$D' | grep -q 'custodian RU-KLU'" ||
    fail "the acceptance did not reach Smolensk"
# And was taken in by Smolensk's puller (counted once committed).
until_true 20 sh -c "[ \$(sqlite3 -cmd '.timeout 2000' SMO/opora.db \
    \"SELECT count(*) FROM changes WHERE region = 'RU-KLU'\") -ge 1 ]" ||
    fail "Smolensk holds no change of Kaluga's"
# Let both pullers come back from the last answer with nothing new.
sleep 1

scrape() {
	curl -sS --max-time 5 -D "$T/$1.head" -o "$T/$1.prom" \
	    "http://127.0.0.1:$2/metrics" || fail "scrape $1"
}
# v FILE SERIES: the value of one series (name and labels as written).
v() {
	awk -v s="$2" '$1 == s { print $2; f = 1 } END { exit !f }' "$T/$1" ||
	    { cat "$T/$1" >&2; fail "no series $2 in $1"; }
}
# The exposition format 0.0.4: HELP then TYPE once per family, before its
# samples; every sample a known family's, with a number; labels quoted.
format_ok() {
	awk '
	/^# HELP / { if ($3 in help) bad("HELP twice: " $3); help[$3] = 1
		next }
	/^# TYPE / { if (!($3 in help)) bad("TYPE before HELP: " $3)
		if ($3 in type) bad("TYPE twice: " $3)
		if ($4 != "gauge" && $4 != "counter") bad("type " $4)
		type[$3] = $4; last = $3; next }
	/^#/ { bad("comment: " $0) }
	{ name = $1; sub(/\{.*/, "", name)
		if (name != last) bad("sample out of its family: " $0)
		if ($1 ~ /\{/ && $1 !~ /^[a-z_]+\{[a-z_]+="([^"\\]|\\.)*"(,[a-z_]+="([^"\\]|\\.)*")*\}$/)
			bad("labels: " $0)
		if (NF != 2 || $2 !~ /^-?[0-9]+(\.[0-9]+)?$/) bad("value: " $0)
		n++ }
	function bad(m) { print "format: " m > "/dev/stderr"; err = 1 }
	END { exit err || n < 20 }' "$T/$1" || fail "$1 is not in format 0.0.4"
}

for side in SMO:$MS KLU:$MK; do
	r=${side%%:*}
	port=${side#*:}
	node_status "$r" --json
	cp "$T/out" "$T/$r.json"
	scrape "$r" "$port"
	contains '^HTTP/1.1 200' "$T/$r.head"
	contains '^Content-Type: text/plain; version=0.0.4; charset=utf-8' \
	    "$T/$r.head"
	format_ok "$r.prom"
	# The same figures as status --json.
	j="$T/$r.json"
	[ "$(v $r.prom opora_log_changes)" = "$(jq .changes "$j")" ] ||
	    fail "$r: changes differ from status --json"
	[ "$(v $r.prom opora_log_dossiers)" = "$(jq .dossiers "$j")" ] ||
	    fail "$r: dossiers differ"
	[ "$(v $r.prom opora_custodian_of_dossiers)" = \
	    "$(jq .custodian_of "$j")" ] || fail "$r: custody differs"
	[ "$(v $r.prom opora_open_conflicts)" = "$(jq .open_conflicts "$j")" ] ||
	    fail "$r: open conflicts differ"
	for why in signature key form rules parents erased other; do
		[ "$(v $r.prom "opora_refused_changes{reason=\"$why\"}")" = \
		    "$(jq ".refused_by_reason.$why" "$j")" ] ||
		    fail "$r: refused ($why) differs"
	done
	# The audit log only grows, and status itself is audited.
	a=$(v $r.prom opora_audit_entries_total)
	[ "$a" -ge "$(jq .audit_entries "$j")" ] && [ "$a" -gt 0 ] ||
	    fail "$r: audit entries $a, status said $(jq .audit_entries "$j")"
	[ "$a" = "$(db $r 'SELECT count(*) FROM audit')" ] ||
	    fail "$r: audit entries are not the audit log's"
	[ "$(v $r.prom opora_database_read_ok)" = 1 ] || fail "$r: read_ok"
	# The WAL alone, part of the database's bytes (both move with each
	# write, status's own among them); no checkpoint of serve failed.
	w=$(v $r.prom opora_wal_bytes)
	[ -n "$w" ] && [ "$w" -ge 0 ] && [ "$w" -le \
	    "$(v $r.prom opora_database_bytes)" ] || fail "$r: wal bytes $w"
	jq -e '.wal_bytes >= 0' "$j" >/dev/null || fail "$r: status wal_bytes"
	[ "$(v $r.prom opora_checkpoint_failures_total)" = 0 ] ||
	    fail "$r: checkpoint failures"
	[ "$(v $r.prom opora_peers)" = 1 ] || fail "$r: peers"
done

# Per peer: last success as in status --json, in seconds; the lag; up.
for pair in SMO:KLU KLU:SMO; do
	a=${pair%%:*}
	b=${pair#*:}
	ms=$(jq ".peers[] | select(.region == \"RU-$b\") | .last_ok_ms" \
	    "$T/$a.json")
	[ "$ms" -gt 0 ] || fail "$a: no success with RU-$b in status --json"
	s=$(v $a.prom "opora_peer_last_pull_success_timestamp_seconds{peer=\"RU-$b\"}")
	[ "${s%.*}" -ge $((ms / 1000)) ] ||
	    fail "$a: last success $s, status said $ms ms"
	[ "$(v $a.prom "opora_peer_behind_changes{peer=\"RU-$b\"}")" = \
	    "$(jq ".peers[] | select(.region == \"RU-$b\") | .behind" \
	    "$T/$a.json")" ] || fail "$a: lag differs"
	[ "$(v $a.prom "opora_peer_up{peer=\"RU-$b\"}")" = 1 ] ||
	    fail "$a: RU-$b not up"
done

# Anti-entropy (a round with each peer at start): its outcome, time and
# dossiers left apart, as status --json's "anti_entropy".
for pair in SMO:KLU:$MS KLU:SMO:$MK; do
	a=${pair%%:*}
	b=${pair#*:}
	port=${b#*:}
	b=${b%%:*}
	had_round() {
		node_status "$a" --json
		jq -e ".peers[] | select(.region == \"RU-$b\") | .anti_entropy" \
		    "$T/out" > "$T/ae.json"
	}
	until_true 20 had_round || fail "$a: no anti-entropy round with RU-$b"
	scrape "$a" "$port"
	format_ok "$a.prom"
	[ "$(v $a.prom "opora_peer_anti_entropy_ok{peer=\"RU-$b\"}")" = \
	    "$(jq 'if .ok then 1 else 0 end' "$T/ae.json")" ] ||
	    fail "$a: anti-entropy ok differs from status --json"
	[ "$(v $a.prom "opora_peer_anti_entropy_unresolved_dossiers{peer=\"RU-$b\"}")" = \
	    "$(jq .unresolved "$T/ae.json")" ] ||
	    fail "$a: anti-entropy unresolved differs"
	s=$(v $a.prom "opora_peer_anti_entropy_timestamp_seconds{peer=\"RU-$b\"}")
	[ "${s%.*}" -ge $(($(jq .at_ms "$T/ae.json") / 1000)) ] ||
	    fail "$a: anti-entropy time $s"
done

# Changes in and out: Kaluga took Smolensk's whole dossier (the offer
# brings it), Smolensk served it; Smolensk took Kaluga's accept.
smo=$(db KLU "SELECT count(*) FROM changes WHERE region = 'RU-SMO'")
[ "$smo" -ge 6 ] || fail "Kaluga holds $smo of Smolensk's changes"
[ "$(v KLU.prom 'opora_peer_changes_in_total{peer="RU-SMO"}')" = "$smo" ] ||
    fail "Kaluga's changes in from RU-SMO are not the $smo it holds"
out=$(v SMO.prom 'opora_peer_changes_out_total{peer="RU-KLU"}')
[ "$out" -ge "$smo" ] || fail "Smolensk served $out changes, Kaluga took $smo"
# (The puller counts a batch once it returns: scrape again until it did.)
took_from_klu() {
	scrape SMO "$MS"
	[ "$(v SMO.prom 'opora_peer_changes_in_total{peer="RU-KLU"}')" -ge 1 ]
}
until_true 10 took_from_klu || fail "Smolensk took nothing from Kaluga"
# Connections by kind, HTTP answers by status: the pullers' requests.
[ "$(v SMO.prom 'opora_connections_total{kind="peer"}')" -ge 1 ] ||
    fail "no peer connection counted"
[ "$(v SMO.prom 'opora_http_answers_total{status="200"}')" -ge 1 ] ||
    fail "no 200 answer counted"
v SMO.prom 'opora_connections_open{kind="stranger"}' >/dev/null
v SMO.prom 'opora_stats_published_timestamp_seconds' >/dev/null

# A stranger without a certificate: counted, and its 403 answer too.
curl -sk --max-time 5 "https://127.0.0.1:$((MS - 2))/v1/feed" >/dev/null
scrape SMO2 "$MS"
[ "$(v SMO2.prom 'opora_http_answers_total{status="403"}')" -ge 1 ] ||
    fail "the stranger's 403 was not counted"
[ "$(v SMO2.prom 'opora_connections_total{kind="stranger"}')" -ge 1 ] ||
    fail "the stranger's connection was not counted"

# A refused change, counted by its reason: Smolensk's feed for Kaluga,
# one change's text altered (a new id whose signature does not verify).
ok "$OPORA" --dir SMO export --for RU-KLU
python3 - "$T/out" > bad.feed <<'EOF'
import base64, json, sys
f = json.load(open(sys.argv[1]))
for c in f["changes"]:
    b = base64.b64decode(c["bytes"])
    if "Встреча 01".encode() in b:
        c["bytes"] = base64.b64encode(b.replace("Встреча 01".encode(),
            "Встреча 07".encode())).decode()
        f["changes"] = [c]
        break
print(json.dumps(f))
EOF
"$OPORA" --dir KLU receive --from RU-SMO bad.feed >/dev/null 2>&1
node_status KLU --json
[ "$(jq .refused_by_reason.signature "$T/out")" = 1 ] ||
    fail "status --json does not count the refused signature"
scrape KLU2 "$MK"
[ "$(v KLU2.prom 'opora_refused_changes{reason="signature"}')" = 1 ] ||
    fail "the refused signature is not counted by its reason"
[ "$(v KLU2.prom 'opora_refused_changes{reason="rules"}')" = 0 ] ||
    fail "the refusal is counted under another reason"

# Only GET /metrics; a head too large is refused; nothing else answers.
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MS/")
[ "$code" = 404 ] || fail "/ answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
    "http://127.0.0.1:$MS/metrics")
[ "$code" = 405 ] || fail "POST answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' \
    -H "X-Big: $(head -c 5000 /dev/zero | tr '\0' a)" \
    "http://127.0.0.1:$MS/metrics")
[ "$code" = 431 ] || fail "a 5000-byte head answered $code"
# A client that says nothing is cut off; the endpoint still answers.
( sleep 8 | nc -q 0 127.0.0.1 $MS >/dev/null 2>&1 & echo $! > nc.pid )
PIDS="$PIDS $(cat nc.pid)"
scrape SMO3 "$MS"
# Eight clients (every place) that each send a byte a second, never
# ending their request: each is cut off 5 s after it came (the whole
# exchange's deadline, not an idle timeout that every byte restarts), and
# the endpoint answers again.
timeout 30 python3 - "$MS" > drip.out 2>&1 <<'PY' || { cat drip.out; fail "slow clients held the endpoint"; }
import socket, sys, threading, time
port = int(sys.argv[1])
cut = [None] * 8
def drip(i):
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    s.sendall(b"GET /metrics HTTP/1.1\r\nX-Slow: ")
    t0 = time.monotonic()
    s.settimeout(1)
    while time.monotonic() - t0 < 15:
        try:
            s.sendall(b"a")
            if s.recv(1) == b"":
                break
        except socket.timeout:
            continue
        except OSError:
            break
    cut[i] = time.monotonic() - t0
th = [threading.Thread(target=drip, args=(i,)) for i in range(8)]
for t in th: t.start()
for t in th: t.join()
print("cut after", [round(c, 1) for c in cut])
sys.exit(0 if max(cut) < 9 else 1)
PY
scrape SMO4 "$MS"

# docs/admin.md's table of metrics names every family the program
# exposes (a regional node with peers; the federal node's one family
# apart), and no other: the docs cannot drift.
sed -n 's/^# TYPE \(opora_[a-z_]*\) .*/\1/p' "$T/SMO.prom" | sort -u > emitted
sed -n 's/^| `\(opora_[a-z_]*\)` |.*/\1/p' "$TOP/docs/admin.md" |
    grep -vx opora_stats_snapshot_regions | sort -u > documented
[ "$(wc -l < emitted)" -ge 30 ] || fail "too few families emitted"
diff emitted documented > drift ||
    { cat drift; fail "admin.md's metrics differ from /metrics (< emitted, > documented)"; }
# And every metric the sample alert rules ask of is one of them.
sed -n 's/^ *expr: //p' "$TOP/docs/admin.md" | grep -o 'opora_[a-z_]*' |
    sort -u > asked
[ "$(wc -l < asked)" -ge 10 ] || fail "too few metrics in the alert rules"
comm -23 asked documented > unknown
[ ! -s unknown ] || { cat unknown; fail "an alert rule asks of no metric"; }

stop SMO
stop KLU
grep -q 'shutting down' SMO.log || fail "SMO did not shut down cleanly"
exit 0
