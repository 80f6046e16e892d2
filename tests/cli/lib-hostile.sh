# tests/cli/lib-hostile.sh: the hostile-peer harness for the attack tests
# (t006x).  Source it after lib.sh.
#
# The victim is a real node, RU-SMO in SMO/, served with 'opora serve' and
# pulling with its normal puller.  The hostile region is RU-KLU: a real
# node is made in KLU/ for its keys and card (the victim adds the card),
# is never served, and build/hostile plays it on its URL's port with its
# tls.crt and tls.key, answering from the script directory $T/script.
HOSTILE="$TOP/build/hostile"
FORGE="$TOP/build/forge"
[ -x "$HOSTILE" ] || fail "build/hostile is missing (make unit)"
[ -x "$FORGE" ] || fail "build/forge is missing (make unit)"
ESC=$(printf '\033')

# hostile_setup: init the victim SMO and the hostile region's node KLU,
# each knowing the other; sets VPORT, HPORT, VURL, KEY (KLU's key id).
hostile_setup() {
	p=$(port_base)
	VPORT=$((p + 1))
	HPORT=$((p + 2))
	"$OPORA" --dir SMO init --region RU-SMO \
	    --url "https://127.0.0.1:$VPORT" --listen "127.0.0.1:$VPORT" \
	    2>/dev/null || fail "init SMO"
	"$OPORA" --dir KLU init --region RU-KLU \
	    --url "https://127.0.0.1:$HPORT" --listen "127.0.0.1:$HPORT" \
	    2>/dev/null || fail "init KLU"
	"$OPORA" --dir SMO id > SMO.card || fail "id SMO"
	"$OPORA" --dir KLU id > KLU.card || fail "id KLU"
	ok "$OPORA" --dir SMO peer add KLU.card
	ok "$OPORA" --dir KLU peer add SMO.card
	VURL="https://127.0.0.1:$VPORT"
	KEY=$(db KLU "SELECT key_id FROM keys WHERE region = 'RU-KLU'")
	mkdir -p "$T/script"
	: > "$T/hostile.log"
}

# hostile_start: run build/hostile as RU-KLU on KLU's port, answering from
# $T/script; wait until it answers (at most 5 s).  HPID is its PID.
hostile_start() {
	"$HOSTILE" --cert KLU/tls.crt --key KLU/tls.key \
	    --listen "127.0.0.1:$HPORT" --dir "$T/script" \
	    --log "$T/hostile.log" --region RU-KLU --seconds 55 \
	    2>"$T/hostile.err" &
	HPID=$!
	PIDS="$PIDS $HPID"
	until_true 5 curl -sk --max-time 1 "https://127.0.0.1:$HPORT/v1/health" ||
	    fail "hostile did not start"
}

# hostile_offer SURNAME: a person of Kaluga's, with a consent, offered to
# RU-SMO; prints the dossier.
hostile_offer() {
	_p=$("$OPORA" --dir KLU person add --surname "$1" --name Олег \
	    --birth-date 2004-01-02 --sex M) || fail "person add at Kaluga"
	ok "$OPORA" --dir KLU consent add "$_p" --scope transfer \
	    --date 2024-07-01 --document "Заявление"
	ok "$OPORA" --dir KLU transfer offer "$_p" --to RU-SMO --reason Переезд
	echo "$_p"
}

# hostile_stop: stop it by PID and wait for it.
hostile_stop() {
	kill "$HPID" 2>/dev/null
	wait "$HPID" 2>/dev/null
	PIDS=$(echo "$PIDS" | sed "s/ $HPID\\b//")
}

# requests PATTERN: how many requests the hostile peer saw whose request
# line matches PATTERN (grep -E).
requests() {
	grep -Ec -- "$1" "$T/hostile.log"
}

# hlc [K]: a clock value of now, counter K (default 0), as a change has it.
hlc() {
	printf '%016x' $(( $(date +%s%3N) * 65536 + ${1:-0} ))
}

# change DOSSIER PARENTS OPS [V]: the canonical bytes of a change by RU-KLU
# (user mallory), PARENTS and OPS being JSON arrays written canonically.
change() {
	printf '{"dossier":"%s","hlc":"%s","key":"%s","ops":%s,"parents":%s,"region":"RU-KLU","user":"mallory","v":%s}' \
	    "$1" "$(hlc "${5:-1}")" "$KEY" "$3" "$2" "${4:-2}"
}

# change_id BYTES: its id.
change_id() {
	printf '%s' "$1" | sha256sum | cut -c1-64
}

# items FEED: the items of a feed document written by build/forge, without
# the brackets, to splice into another feed.
items() {
	sed -e 's/^{"changes":\[//' -e 's/\],"more":.*$//' "$1"
}

# served_dossiers FILE: the dossiers of the changes in a feed document,
# one per line (the bytes decoded).
served_dossiers() {
	grep -o '"bytes":"[^"]*"' "$1" | cut -d'"' -f4 | while read -r b; do
		printf '%s' "$b" | base64 -d | grep -o '"dossier":"[^"]*"' |
		    head -1 | cut -d'"' -f4
	done
}
