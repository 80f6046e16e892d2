# Issue 10, class 8, through the real protocol: a hostile peer puts ANSI
# escapes and control characters where a victim might copy them out -- in
# an error's status line, headers and body, in a body that is not JSON, and
# in the text and the author of changes.  Nothing of it reaches the
# victim's log, 'opora status' or 'opora rejected list' raw (no ESC byte).
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-hostile.sh"
hostile_setup
S="$T/script"

# no_esc FILE...: none of the files holds an ESC byte.
no_esc() {
	for f in "$@"; do
		if grep -q "$ESC" "$f"; then
			od -c "$f" | grep -m3 '033' >&2
			fail "an ESC byte reached $f"
		fi
	done
}
# error_now: the victim's last error about the peer.
error_now() {
	db SMO "SELECT last_error FROM peers WHERE region = 'RU-KLU'"
}

# raw FILE STATUS HEADER BODY: a whole answer, as the hostile peer sends
# it (printf escapes in each part).
raw() {
	printf "$4" > "$T/body"
	{
		printf "HTTP/1.1 $2\r\nContent-Type: application/json\r\n"
		printf "$3\r\nContent-Length: %d\r\n" "$(wc -c < "$T/body")"
		printf 'Connection: close\r\n\r\n'
		cat "$T/body"
	} > "$1.new"
	mv "$1.new" "$1"
}

# 1. An error answer full of escapes.
raw "$S/feed-0.http" '500 \033[2J\033[31mGone' 'X-Note: \033]0;owned\007' \
    '{"error":{"code":"internal","message":"\033[2J\033[1;31mPANIC"}}'
hostile_start
serve SMO
until_true 10 sh -c "[ -n \"\$(sqlite3 SMO/opora.db \"SELECT last_error FROM peers WHERE region = 'RU-KLU'\")\" ]" ||
    fail "the victim recorded no error"
contains 'HTTP 500' "$T/SMO.log"
"$OPORA" --dir SMO status > "$T/status1" 2>&1
contains 'RU-KLU' "$T/status1"

# 2. A 200 whose body is not JSON but escapes.
raw "$S/feed-0.http" '200 OK' 'X-Note: \033[2J' \
    '\033[2J\033[31mnot json\033[0m'
until_true 15 sh -c "sqlite3 SMO/opora.db \"SELECT last_error FROM peers WHERE region = 'RU-KLU'\" | grep -q 'not a JSON object'" ||
    fail "the victim did not refuse a body that is not JSON: $(error_now)"
"$OPORA" --dir SMO status > "$T/status2" 2>&1

# 3. A page: P offered to Smolensk (good), then changes of P whose text
# and whose author hold escapes (refused on their form).
P=$("$OPORA" --dir KLU person add --surname Петров --name Олег \
    --birth-date 2004-01-02 --sex M) || fail "person add at Kaluga"
ok "$OPORA" --dir KLU consent add "$P" --scope transfer --date 2024-07-01 \
    --document "Заявление № 5"
ok "$OPORA" --dir KLU transfer offer "$P" --to RU-SMO --reason "Переезд"
HEAD=$(db KLU "SELECT id FROM changes WHERE dossier = '$P' ORDER BY seq DESC LIMIT 1")
sleep 0.01
TEXT=$(change "$P" "[\"$HEAD\"]" \
    '[{"date":"2024-08-01","op":"event.add","text":"\u001b[2J\u001b]0;owned\u0007Кризис","type":"crisis"}]')
USER=$(change "$P" "[\"$HEAD\"]" \
    '[{"date":"2024-08-02","op":"event.add","text":"Встреча","type":"contact"}]' |
    sed 's/"user":"mallory"/"user":"\\u001b[2Jmallory"/')
{
	db KLU "SELECT bytes FROM changes WHERE dossier = '$P' ORDER BY seq"
	echo "$TEXT"
	echo "$USER"
} | "$FORGE" KLU/signing.key > "$S/feed-0.json" || fail "forge"
rm "$S/feed-0.http"
until_true 20 sh -c "[ \$(sqlite3 SMO/opora.db \"SELECT cursor FROM peers WHERE region = 'RU-KLU'\") = 5 ]" ||
    fail "the page did not go in: $(error_now)"
"$OPORA" --dir SMO status > "$T/status3" 2>&1
"$OPORA" --dir SMO rejected list > "$T/rejected" 2>&1
"$OPORA" --dir SMO rejected list --json > "$T/rejected.json" 2>&1
"$OPORA" --dir SMO show "$P" > "$T/show" 2>&1
stop SMO
hostile_stop

# STORES: P's offer alone (its history is not Smolensk's before it
# accepts, issue 13: the two good changes before it are refused as not
# entitled); the two with escapes refused on their form.
[ "$(db SMO "SELECT count(*) FROM changes WHERE dossier = '$P'")" = 1 ] ||
    fail "expected P's offer alone"
[ "$(db SMO "SELECT count(*) FROM rejected WHERE peer = 'RU-KLU'")" = 4 ] ||
    fail "expected four refusals"
[ "$(db SMO "SELECT count(*) FROM rejected WHERE peer = 'RU-KLU'
    AND reason LIKE '%not entitled%'")" = 2 ] ||
    fail "expected the history refused as not entitled"
contains 'text: empty, too long, not UTF-8, or holds control characters' \
    "$T/rejected"
contains 'user: empty, too long or not plain text' "$T/rejected"
# LOGS, SHOWS, RECORDS: no ESC byte anywhere an admin reads.
no_esc "$T/SMO.log" "$T/status1" "$T/status2" "$T/status3" \
    "$T/rejected" "$T/rejected.json" "$T/show"
[ -z "$(db SMO "SELECT 1 FROM rejected WHERE instr(reason, char(27)) > 0")" ] ||
    fail "a refusal's reason holds an ESC byte"
[ -z "$(db SMO "SELECT 1 FROM peers WHERE instr(last_error, char(27)) > 0")" ] ||
    fail "the peer's last error holds an ESC byte"
