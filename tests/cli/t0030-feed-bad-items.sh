# Each change stands alone in a feed: malformed items (an oversized change,
# a 63-byte signature, bytes that are not base64, no seq, not an object)
# are refused and recorded, the good changes around them applied.  The
# same file again adds to counts, not rows; the record of refusals keeps
# at most 4096 rows and 16 MiB of refused bytes per peer.  A feed that is
# not a feed at all fails whole.
. "$TOP/tests/cli/lib.sh"

exits() {	# exits CODE CMD...: CMD must exit with CODE
	code=$1
	shift
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = "$code" ] || { cat "$T/err" >&2
		fail "expected exit $code, got $rc: $*"; }
}
p=$(port_base)
for r in SMO KLU; do
	p=$((p + 1))
	"$OPORA" --dir $r init --region RU-$r --url "https://127.0.0.1:$p" \
	    --listen "127.0.0.1:$p" 2>/dev/null || fail "init $r"
	"$OPORA" --dir $r id > $r.card
done
ok "$OPORA" --dir KLU peer add SMO.card
ok "$OPORA" --dir SMO peer add KLU.card
D=$("$OPORA" --dir SMO person add --surname Иванова --name Анна \
    --birth-date 2005-04-12 --sex F) || fail "person add"
ok "$OPORA" --dir SMO consent add "$D" --scope transfer --date 2024-01-11 --document "№ 1"
# Kaluga accepts the offer (it holds the offer and its accept, issue 13);
# Smolensk, now a former custodian, adds two late notes; its feed for
# Kaluga then carries the history with the accept, and the notes.
ok "$OPORA" --dir SMO transfer offer "$D" --to RU-KLU --reason "Переезд"
O=$(cat "$T/out")
xfer SMO KLU
ok "$OPORA" --dir KLU transfer accept "$O"
xfer KLU SMO
ok "$OPORA" --dir SMO event add "$D" --date 2024-01-20 --type contact --text "Первый"
ok "$OPORA" --dir SMO event add "$D" --date 2024-02-01 --type contact --text "Лист"
"$OPORA" --dir SMO export --for RU-KLU > feed.json || fail "export"

# One item a line, without the offer and the accept Kaluga holds; the last
# one (a leaf: the second note) gets a 63-byte sig.
sed 's/^{"changes":\[{//; s/}\],"more".*//; s/},{/\n/g' feed.json > all
cp all items
for s in $(db SMO "SELECT seq FROM changes WHERE id = '${O%/0}' OR id IN
    (SELECT decided_by FROM transfers WHERE dossier = '$D')"); do
	grep -v "\"seq\":$s," items > items.new
	mv items.new items
done
n=$(wc -l < items)
[ "$n" = 4 ] || fail "expected 4 changes in the export, got $n"
sig63=$(head -c 63 /dev/zero | base64 -w0)
head -c 70000 /dev/zero | tr '\0' a > big
big=$(base64 -w0 < big)
bigid=$(sha256sum < big | cut -d' ' -f1)
goodsig=$(sed -n '1s/.*"sig":"\([^"]*\)".*/\1/p' items)
{
	printf '{"changes":[{%s},' "$(sed -n 1p items)"
	printf '{"bytes":"%s","seq":90,"sig":"%s"},' "$big" "$goodsig"
	printf '{%s},{%s},' "$(sed -n 2p items)" "$(sed -n 3p items)"
	printf '{%s},' "$(sed -n 4p items | sed "s|\"sig\":\"[^\"]*\"|\"sig\":\"$sig63\"|")"
	printf '{"bytes":"not base64!","seq":91,"sig":"%s"},' "$goodsig"
	printf '{"bytes":"QUJD","sig":"%s"},42' "$goodsig"
	printf '],"more":false,"next":4}\n'
} > bad.json

exits 65 "$OPORA" --dir KLU receive --from RU-SMO bad.json
contains 'applied 3, already here 0, refused 5' "$T/out"
ok "$OPORA" --dir KLU show "$D"
contains 'Иванова' "$T/out"
grep -q 'Лист' "$T/out" && fail "the change with a 63-byte signature was applied"
ok "$OPORA" --dir KLU rejected list
contains 'RU-SMO \(file\) .*more than the limit of 65536' "$T/out"
contains 'RU-SMO \(file\) .*"sig" is not base64 of 64 bytes' "$T/out"
contains 'RU-SMO \(file\) .*"bytes" are not base64' "$T/out"
contains 'RU-SMO \(file\) .*"seq" is not a whole number' "$T/out"
contains 'RU-SMO \(file\) .*not a JSON object' "$T/out"
# The oversized change is recorded by its change id, with 1 KiB of it.
[ "$(db KLU "SELECT length(bytes) FROM rejected WHERE id = '$bigid'")" = 1024 ] ||
    fail "the oversized change is not recorded by its id with 1 KiB kept"

# 2. The same file again: no new rows; counts of 2; nothing applied twice.
exits 65 "$OPORA" --dir KLU receive --from RU-SMO bad.json
contains 'applied 0, already here 3, refused 5' "$T/out"
[ "$(db KLU "SELECT count(*) || ' ' || sum(count) FROM rejected")" = "5 10" ] ||
    fail "a replay grew the record: $(db KLU "SELECT count(*), sum(count) FROM rejected")"
ok "$OPORA" --dir KLU rejected list
contains '\(2 times, first ' "$T/out"
ok "$OPORA" --dir KLU verify

# 3. Not a feed at all: the whole file fails, nothing is recorded.
for doc in '{"changes":[],"more":false,"next":1e300}' \
    '{"changes":[],"more":false,"next":-1}' \
    '{"changes":[],"more":false,"next":1.5}' \
    '{"changes":{},"more":false,"next":0}' \
    '{"changes":[],"more":"yes","next":0}' \
    '{"changes":[],"more":false,"next":0,"behind":1e300}' '[]' 'x'; do
	printf '%s\n' "$doc" > env.json
	refuses 65 'feed response' "$OPORA" --dir KLU receive --from RU-SMO env.json
done
[ "$(db KLU "SELECT count(*) FROM rejected")" = 5 ] || fail "an envelope was recorded"

# 4. --from names a peer: a file from nobody known is refused whole.
refuses 66 'no peer RU-TUL' "$OPORA" --dir KLU receive --from RU-TUL bad.json

# 5. At most 4096 rows per peer: 4200 more malformed items, the least
# recently seen records go and are counted.
awk 'BEGIN { printf "{\"changes\":["; for (i = 1000; i < 5200; i++)
    printf "%s{\"bytes\":\"%d\",\"seq\":%d,\"sig\":\"x\"}", (i > 1000 ? "," : ""), i, i;
    printf "],\"more\":false,\"next\":9000}\n" }' > many.json
exits 65 "$OPORA" --dir KLU receive --from RU-SMO many.json
contains 'refused 4200' "$T/out"
[ "$(db KLU "SELECT count(*) FROM rejected WHERE peer = 'RU-SMO'")" = 4096 ] ||
    fail "rows: $(db KLU "SELECT count(*) FROM rejected")"
[ "$(db KLU "SELECT rows || ' ' || dropped FROM rejected_peers WHERE peer = 'RU-SMO'")" = "4096 109" ] ||
    fail "totals: $(db KLU "SELECT * FROM rejected_peers")"
ok "$OPORA" --dir KLU rejected list
contains 'RU-SMO: 109 older records dropped' "$T/out"
node_status KLU --json
contains '"rejected_dropped":[[:space:]]*109' "$T/out"

# 6. At most 16 MiB of refused bytes per peer: 300 changes of 64,000
# random bytes each (not changes) keep 16 MiB, the rest ids and reasons.
{
	printf '{"changes":['
	i=0
	while [ $i -lt 300 ]; do
		[ $i = 0 ] || printf ','
		printf '{"bytes":"%s","seq":%d,"sig":"%s"}' \
		    "$(head -c 64000 /dev/urandom | base64 -w0)" $i "$goodsig"
		i=$((i + 1))
	done
	printf '],"more":false,"next":9500}\n'
} > heavy.json
exits 65 "$OPORA" --dir KLU receive --from RU-SMO heavy.json
kept=$(db KLU "SELECT coalesce(sum(length(bytes)), 0) + coalesce(sum(length(sig)), 0) FROM rejected WHERE peer = 'RU-SMO'")
[ "$kept" -le $((16 * 1024 * 1024)) ] || fail "kept $kept refused bytes"
[ "$kept" -ge $((15 * 1024 * 1024)) ] || fail "kept only $kept refused bytes"
[ "$(db KLU "SELECT kept FROM rejected_peers WHERE peer = 'RU-SMO'")" = "$kept" ] ||
    fail "running total differs from the rows"
[ "$(db KLU "SELECT count(*) FROM rejected WHERE bytes IS NULL AND reason LIKE 'malformed: %'")" -gt 0 ] ||
    fail "no row beyond the cap"
ok "$OPORA" --dir KLU rejected list
contains '\[bytes not kept\]' "$T/out"
