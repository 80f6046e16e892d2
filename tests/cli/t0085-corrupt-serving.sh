# A node whose database holds a damaged change (bytes flipped on disk)
# refuses to serve it: the pull fails whole with HTTP 500 and a JSON
# reason, the node logs the change's id and 'opora status' lists it as a
# problem (exit 1).  The peer refuses nothing and skips nothing, so once
# the bytes are restored it gets every change.  Before, peers refused the
# damaged changes for good and stayed short of them after the restore.
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
ok "$OPORA" --dir SMO consent add "$D" --scope transfer --date 2024-01-11 \
    --document "№ 1"
for m in 01 02 03; do
	ok "$OPORA" --dir SMO event add "$D" --date 2024-$m-10 --type contact \
	    --text "Встреча $m"
done
share SMO KLU "$D"	# KLU follows SMO's writes to D (lib.sh)
held=$(db KLU "SELECT count(*) FROM changes")
ok "$OPORA" --dir SMO event add "$D" --date 2024-04-10 --type contact \
    --text "Встреча 04"

# Flip one byte of the third change as a failing disk would.
id3=$(db SMO "SELECT id FROM changes WHERE seq = 3")
good=$(db SMO "SELECT hex(bytes) FROM changes WHERE seq = 3")
db SMO "UPDATE changes SET bytes = substr(bytes, 1, 1) || X'5A' ||
    substr(bytes, 3) WHERE seq = 3"
[ "$(db SMO "SELECT hex(bytes) FROM changes WHERE seq = 3")" != "$good" ] ||
    fail "the bytes did not change"

serve SMO
url=$(sed -n 's/^url = //p' SMO/opora.conf)
# The peer's pull fails whole: nothing applied, nothing refused.
"$OPORA" --dir KLU sync --once >"$T/out" 2>"$T/err" &&
    fail "the pull from a damaged node succeeded"
[ "$(db KLU "SELECT count(*) FROM changes")" = "$held" ] ||
    fail "the peer took part of a damaged node's feed"
[ "$(db KLU "SELECT count(*) FROM rejected")" = 0 ] ||
    fail "the peer refused changes of a damaged node"
[ "$(db KLU "SELECT cursor FROM peers WHERE region = 'RU-SMO'")" = 0 ] ||
    fail "the peer's cursor moved"
exits 1 "$OPORA" --dir KLU status --json
contains '"peer RU-SMO: [^"]*HTTP 500' "$T/out"
# The whole dossier, asked for by its id, is refused as well.
curl -sk --max-time 5 --cert KLU/tls.crt --key KLU/tls.key \
    -o dossier.json -w '%{http_code}\n' "$url/v1/dossiers/$D/changes" \
    > code || fail "curl"
[ "$(cat code)" = 500 ] || fail "the dossier was served: $(cat code)"
contains '"code":"corrupted"' dossier.json
contains 'damaged' dossier.json
grep -q bytes dossier.json && fail "part of the dossier was sent"

# The serving node says which change and what to do.
contains "change $id3 \\(feed #3\\): its stored bytes do not match its id" \
    "$T/SMO.log"
contains 'restore it from a backup' "$T/SMO.log"
exits 1 "$OPORA" --dir SMO status
contains "corrupted change $id3 \\(feed #3\\)" "$T/out"
contains 'restore' "$T/out"
exits 1 "$OPORA" --dir SMO status --json
contains "\"corrupted change $id3" "$T/out"
refuses 65 "change $id3" "$OPORA" --dir SMO verify
# Nor is it exported to a file.
"$OPORA" --dir SMO export --for RU-KLU >feed.json 2>"$T/err" &&
    fail "a damaged change was exported"
contains 'a stored change is damaged' "$T/err"

# Restored, the node serves again and the peer gets everything.
db SMO "UPDATE changes SET bytes = X'$good' WHERE seq = 3"
ok "$OPORA" --dir SMO verify
"$OPORA" --dir SMO status >"$T/out" 2>&1
grep -q corrupted "$T/out" && fail "status still lists the restored change"
ok "$OPORA" --dir KLU sync --once
[ "$(db KLU "SELECT count(*) FROM changes")" = \
    "$(db SMO "SELECT count(*) FROM changes")" ] ||
    fail "the peer holds $(db KLU "SELECT count(*) FROM changes") changes, not all"
ok "$OPORA" --dir KLU show "$D"
contains 'Встреча 02' "$T/out"
contains 'Встреча 04' "$T/out"
ok "$OPORA" --dir KLU verify
stop SMO
