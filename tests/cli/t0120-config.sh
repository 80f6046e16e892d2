# opora config get|set changes opora.conf as init would write it, so no
# admin edits it by hand; init --url sets a matching listen; --version
# names the program and the protocol versions it speaks.
. "$TOP/tests/cli/lib.sh"

# --version: the program, and the protocol versions.
ok "$OPORA" --version
contains '^opora [0-9]+\.[0-9]+\.[0-9]+$' "$T/out"
contains '^protocol: changes v2 \(reads v1 and v2\).*replication /v1' "$T/out"

# init --url without --listen listens where the url points.
ok "$OPORA" --dir a init --region RU-SMO --url https://127.0.0.1:30101
contains '^listen = 127.0.0.1:30101$' a/opora.conf
ok "$OPORA" --dir b init --region RU-KLU --url https://opora.kaluga.example
contains '^listen = 0.0.0.0:443$' b/opora.conf
ok "$OPORA" --dir c init --region RU-SA --url 'https://[::1]:9000'
contains '^listen = \[::1\]:9000$' c/opora.conf
ok "$OPORA" --dir d init --region RU-TUL --url https://localhost:9001/
contains '^listen = 127.0.0.1:9001$' d/opora.conf
# --listen, when given, wins.
ok "$OPORA" --dir e init --region RU-ORL --url https://opora.example:8443 \
    --listen 10.0.0.5:8443
contains '^listen = 10.0.0.5:8443$' e/opora.conf
refuses 73 'not an https' "$OPORA" --dir x init --region RU-SMO \
    --url 'https://a b:1'
refuses 73 'not an https' "$OPORA" --dir x init --region RU-SMO \
    --url 'https://host:99999'
refuses 73 'not an https' "$OPORA" --dir x init --region RU-SMO \
    --url 'https://host:12x'
[ ! -e x ] || fail "a refused init left a directory"

# config get: one value, or every setting with the defaults.
ok "$OPORA" --dir a config get listen
[ "$(cat "$T/out")" = 127.0.0.1:30101 ] || fail "config get listen"
ok "$OPORA" --dir a config get
for k in region url listen max_clock_drift stats_interval stats_threshold \
    stats_threshold_sensitive stats_release_months anti_entropy_interval \
    listen_ui ui_cert ui_key \
    session_idle_minutes session_max_hours retention_years listen_metrics; do
	contains "^$k = " "$T/out"
done
[ "$(wc -l < "$T/out")" = 16 ] || fail "config get lists 16 settings"
contains '^session_idle_minutes = 30$' "$T/out"
contains '^session_max_hours = 12$' "$T/out"
refuses 64 'unknown setting' "$OPORA" --dir a config get port

# config set: checked as init checks, the file stays 0600, comments and
# other lines stay, the node opens with the new value.
grep '^#' a/opora.conf > comments.before
ok "$OPORA" --dir a config set listen 127.0.0.1:30102
contains 'restart .opora serve' "$T/err"
contains '^listen = 127.0.0.1:30102$' a/opora.conf
[ "$(grep -c '^listen' a/opora.conf)" = 1 ] || fail "two listen lines"
[ "$(stat -c %a a/opora.conf)" = 600 ] || fail "opora.conf is not 0600"
grep '^#' a/opora.conf | cmp -s - comments.before ||
    fail "config set lost the comments"
[ ! -e a/opora.conf.new ] || fail "config set left its temporary file"
ok "$OPORA" --dir a config get listen
[ "$(cat "$T/out")" = 127.0.0.1:30102 ] || fail "config get after set"
ok "$OPORA" --dir a config set anti_entropy_interval 60
ok "$OPORA" --dir a config set url https://opora.smolensk.example:8443
contains 'opora key rotate --tls' "$T/err"
ok "$OPORA" --dir a id
contains '"url":"https://opora.smolensk.example:8443"' "$T/out"

# A refused value changes nothing, byte for byte.
sum=$(sha256sum < a/opora.conf)
refuses 65 'listen: "1.2.3.4" is not valid' "$OPORA" --dir a config set \
    listen 1.2.3.4
# What 'serve' could not bind is refused when it is set, not when serve
# starts (and fails again at each restart): no address, brackets astray,
# a host name.
for v in '[]:9' '%:9' '::::9' '[[::1]]:9' 'no_such_host:9' 'fe80::1%lo:9'; do
	refuses 65 'listen: .* is not valid' "$OPORA" --dir a config set \
	    listen "$v"
done
ok "$OPORA" --dir a config set listen '[::1]:30102'
ok "$OPORA" --dir a config set listen 127.0.0.1:30102
refuses 65 'listen: a value of more than one line' "$OPORA" --dir a config set listen \
    "$(printf '127.0.0.1:1\nregion = RU-KLU')"
refuses 65 'url: .* is not valid' "$OPORA" --dir a config set url \
    ftp://example
refuses 65 'max_clock_drift: "0" is not valid \(a whole number from 1 to 86400\)' \
    "$OPORA" --dir a config set max_clock_drift 0
refuses 65 'stats_threshold: "1" is not valid' "$OPORA" --dir a config set \
    stats_threshold 1
refuses 65 'anti_entropy_interval: "\+5" is not valid' "$OPORA" --dir a \
    config set anti_entropy_interval +5
refuses 65 'region cannot change' "$OPORA" --dir a config set region RU-KLU
refuses 65 'unknown setting "port"' "$OPORA" --dir a config set port 1
refuses 64 'usage: opora config' "$OPORA" --dir a config set listen
[ "$(sha256sum < a/opora.conf)" = "$sum" ] || fail "a refused set changed the file"
# Two listeners on one port of one address (or of every address, for
# 0.0.0.0 and ::) could not both start: refused when set, and in a file
# edited by hand.
refuses 65 'listen and listen_metrics are on the same port' "$OPORA" \
    --dir a config set listen_metrics 127.0.0.1:30102
refuses 65 'listen and listen_ui are on the same port' "$OPORA" \
    --dir a config set listen_ui '[::]:30102'
ok "$OPORA" --dir a config set listen_ui 127.0.0.1:30103
refuses 65 'listen and listen_ui are on the same port' "$OPORA" \
    --dir a config set listen 0.0.0.0:30103
refuses 65 'listen_ui and listen_metrics are on the same port' "$OPORA" \
    --dir a config set listen_metrics 127.0.0.1:30103
ok "$OPORA" --dir a config set listen_metrics '[::1]:30103'
ok "$OPORA" --dir a config set listen_metrics 127.0.0.2:30102
ok "$OPORA" --dir a config set listen_ui ''
ok "$OPORA" --dir a config set listen_metrics ''
cp a/opora.conf "$T/conf"
echo 'listen_metrics = 127.0.0.1:30102' >> a/opora.conf
refuses 78 'opora.conf: listen and listen_metrics are on the same port' \
    "$OPORA" --dir a config get listen
cp "$T/conf" a/opora.conf
ok "$OPORA" --dir a config set region RU-SMO	# the same region: no change

# A setting the file leaves out is appended.
sed -i '/^stats_interval/d' a/opora.conf
ok "$OPORA" --dir a config set stats_interval 12
contains '^stats_interval = 12$' a/opora.conf

# Two admins at once, 40 times: each change is kept and the file always
# reads (each used to splice into the file as it was, and one could rename
# the other's still-empty temporary file over opora.conf).
i=1
while [ "$i" -le 40 ]; do
	"$OPORA" --dir a config set stats_interval "$i" 2>"$T/e1" & p1=$!
	"$OPORA" --dir a config set anti_entropy_interval "$((i + 100))" \
	    2>"$T/e2" & p2=$!
	wait "$p1" || { cat "$T/e1"; fail "concurrent config set $i failed"; }
	wait "$p2" || { cat "$T/e2"; fail "concurrent config set $i failed"; }
	contains "^stats_interval = $i\$" a/opora.conf
	contains "^anti_entropy_interval = $((i + 100))\$" a/opora.conf
	i=$((i + 1))
done
[ ! -e a/opora.conf.new ] || fail "concurrent config set left a temporary file"

# The new file meets a full disk, or an I/O error (strace injects them
# into its write): exit 79 or 74, opora.conf as it was, no temporary file.
cp a/opora.conf "$T/before.conf"
for e in ENOSPC:79:'No space left' EIO:74:'Input/output error'; do
	refuses "$(echo "$e" | cut -d: -f2)" "cannot write .*$(echo "$e" |
	    cut -d: -f3)" strace -f -o /dev/null -P "$PWD/a/opora.conf.new" \
	    -e trace=write -e inject=write:error="${e%%:*}" \
	    "$OPORA" --dir a config set stats_interval 7
	cmp -s "$T/before.conf" a/opora.conf ||
	    fail "a config set whose write failed (${e%%:*}) changed opora.conf"
	[ ! -e a/opora.conf.new ] || fail "a failed config set left its file"
done

# The node's trust checks hold for config set too.
chmod 644 a/opora.conf
refuses 78 'chmod 600' "$OPORA" --dir a config set stats_interval 6
chmod 600 a/opora.conf
refuses 78 'holds no node' "$OPORA" --dir nowhere config set listen \
    127.0.0.1:1
# A line a hand broke: config set of that very setting mends it (the
# node opens as it will read, so the account is checked and the change
# audited); another setting, or a bad value, leaves the file as it is and
# names the line at fault.
cp a/opora.conf "$T/conf"
sed -i 's/^listen = .*/listen = 127.0.0.1:30102x/' a/opora.conf
cp a/opora.conf "$T/broken"
refuses 78 'opora.conf:[0-9]+: listen: "127.0.0.1:30102x" is not valid' \
    "$OPORA" --dir a config get listen
refuses 78 'opora.conf:[0-9]+: listen: "127.0.0.1:30102x" is not valid' \
    "$OPORA" --dir a config set anti_entropy_interval 61
refuses 78 'listen: "nowhere" is not valid' "$OPORA" --dir a config set \
    listen nowhere
cmp -s "$T/broken" a/opora.conf || fail "a refused mend changed opora.conf"
ok "$OPORA" --dir a config set listen 127.0.0.1:30104
contains '^listen = 127.0.0.1:30104$' a/opora.conf
[ "$(grep -c '^listen =' a/opora.conf)" = 1 ] || fail "two listen lines"
[ "$(db a "SELECT count(*) FROM audit WHERE action = 'config set' AND
    detail = 'listen = 127.0.0.1:30104'")" = 1 ] || fail "the mend is not audited"
ok "$OPORA" --dir a config get listen
cp "$T/conf" a/opora.conf

# The usage names every setting there is.
ok "$OPORA" --dir a config get
cut -d' ' -f1 "$T/out" > "$T/keys"
"$OPORA" config --help > "$T/help" 2>&1
for k in $(cat "$T/keys"); do
	grep -Eq "(^|[ (])$k([,.( ]|$)" "$T/help" ||
	    fail "config --help does not name the setting $k"
done
exit 0
