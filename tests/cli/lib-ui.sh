# tests/cli/lib-ui.sh: for the tests of the web pages' API (t013x), after
# lib.sh: curl as a browser, one cookie jar per person.

# ui_node DIR REGION PORT: a node whose peers' listener is on PORT and
# whose browsers' listener (listen_ui) is on PORT + 1; $UI is its origin.
# Accounts (passwords given, so none must be changed): boss (admin, its
# TOTP secret in $T/DIR.totp), petrova and sidorov (curators of two
# centres), chief (supervisor), inspector (auditor).
UI_PW=stolz-kalinka-97
ui_node() {
	"$OPORA_BIN" --dir "$1" init --region "$2" --url "https://127.0.0.1:$3" \
	    >/dev/null 2>&1 || fail "init $1"
	echo "$UI_PW" | "$OPORA_BIN" --dir "$1" user add boss --name Boss \
	    --role admin --password-stdin > "$T/$1.boss" ||
	    fail "user add boss"
	"$OPORA_BIN" --dir "$1" --user boss config set listen_ui \
	    "127.0.0.1:$(($3 + 1))" >/dev/null 2>&1 ||
	    fail "config set listen_ui"
	sed -n 's/.*secret=\([A-Z2-7]*\).*/\1/p' "$T/$1.boss" > "$T/$1.totp"
	[ -s "$T/$1.totp" ] || fail "no TOTP secret for boss"
	ui_user "$1" petrova curator "Смоленский центр"
	ui_user "$1" sidorov curator "Вяземский центр"
	ui_user "$1" chief supervisor ""
	ui_user "$1" inspector auditor ""
	UI=https://127.0.0.1:$(($3 + 1))
	UI_CA=$1/tls.crt
}

# ui_user DIR LOGIN ROLE CENTRE: an account with the password $UI_PW.
ui_user() {
	if [ -n "$4" ]; then
		echo "$UI_PW" | "$OPORA_BIN" --dir "$1" --user boss user add \
		    "$2" --name "$2" --role "$3" --centre "$4" \
		    --password-stdin >/dev/null || fail "user add $2"
	else
		echo "$UI_PW" | "$OPORA_BIN" --dir "$1" --user boss user add \
		    "$2" --name "$2" --role "$3" --password-stdin >/dev/null ||
		    fail "user add $2"
	fi
}

# api WHO METHOD PATH [JSON]: a request of browser WHO (cookie jar
# $T/$JAR$WHO.jar, CSRF token $T/$JAR$WHO.csrf; JAR tells nodes apart)
# from the pages' origin; the body
# answered in $T/out, its headers in $T/hdr, the status in $ST.  All the
# tests' browsers share one address, whose failed logins are throttled:
# a 429 is waited out (Retry-After, at most 40 s) and the request sent
# again, unless UI_WAIT=0.
api() {
	_api "$@"
	_n=0
	while [ "$ST" = 429 ] && [ "${UI_WAIT:-1}" = 1 ] && [ $_n -lt 3 ]; do
		_s=$(sed -n 's/^Retry-After: \([0-9]*\).*/\1/ip' "$T/hdr")
		[ "${_s:-1}" -le 40 ] || fail "Retry-After $_s"
		sleep "${_s:-1}"
		_api "$@"
		_n=$((_n + 1))
	done
}
_api() {
	_who=$1 _m=$2 _p=$3
	shift 3
	_csrf=$(cat "$T/${JAR:-}$_who.csrf" 2>/dev/null)
	ST=$(curl -sS --max-time 30 --cacert "$UI_CA" -b "$T/${JAR:-}$_who.jar" \
	    -c "$T/${JAR:-}$_who.jar" -X "$_m" -H "Origin: ${ORIGIN:-$UI}" \
	    -H "X-CSRF-Token: $_csrf" -H 'Content-Type: application/json' \
	    ${1+--data-binary "$1"} -D "$T/hdr" -o "$T/out" \
	    -w '%{http_code}' "$UI$_p") || fail "curl $_m $_p"
}

# status CODE: the last answer's status must be CODE.
status() {
	[ "$ST" = "$1" ] || { cat "$T/out" >&2; echo >&2
		fail "expected HTTP $1, got $ST"; }
}

# login WHO [PASSWORD [CODE]]: log in as WHO (200 expected); keeps the
# CSRF token.
login() {
	api "$1" POST /api/login "{\"login\":\"$1\",\"password\":\"${2:-$UI_PW}\"${3:+,\"code\":\"$3\"}}"
	status 200
	sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' "$T/out" > "$T/${JAR:-}$1.csrf"
	[ -s "$T/${JAR:-}$1.csrf" ] || fail "no CSRF token for $1"
}

# json_get KEY: the first string value of KEY in $T/out.
json_get() {
	sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$T/out" | head -n 1
}
