# init creates a node with safe modes, refuses to overwrite one, and id
# prints its signed card.
. "$TOP/tests/cli/lib.sh"

ok "$OPORA" --dir smo init --region RU-SMO --url https://127.0.0.1:8443
for f in opora.conf opora.db signing.key tls.key tls.crt; do
	[ -f "smo/$f" ] || fail "init did not make $f"
done
[ "$(stat -c %a smo)" = 700 ] || fail "node directory is not 0700"
[ "$(stat -c %a smo/signing.key)" = 600 ] || fail "signing.key is not 0600"
[ "$(stat -c %a smo/tls.key)" = 600 ] || fail "tls.key is not 0600"
contains '^region = RU-SMO$' smo/opora.conf
[ "$(db smo 'PRAGMA journal_mode')" = wal ] || fail "database not in WAL mode"
cur=$(schema_version) || exit 1
[ "$(db smo 'PRAGMA user_version')" = "$cur" ] ||
    fail "schema version not $cur"
openssl x509 -in smo/tls.crt -noout -subject | grep -q 'opora RU-SMO' ||
    fail "TLS certificate subject"

# Refuses to overwrite: the files stay as they were.
sum=$(cat smo/signing.key smo/opora.conf | sha256sum)
refuses 73 'not empty' "$OPORA" --dir smo init --region RU-KLU
[ "$(cat smo/signing.key smo/opora.conf | sha256sum)" = "$sum" ] ||
    fail "a refused init changed the node"

# Bad input is named, and nothing is left behind.
refuses 73 'RU-XXX.*not a region code' "$OPORA" --dir x init --region RU-XXX
[ ! -e x ] || fail "a refused init left a directory"
refuses 73 'ru-smo' "$OPORA" --dir x init --region ru-smo
refuses 73 'not an https' "$OPORA" --dir x init --region RU-SMO --url ftp://a
refuses 73 'ADDRESS:PORT' "$OPORA" --dir x init --region RU-SMO --listen 1.2.3.4
refuses 64 'usage' "$OPORA" --dir x init
ok "$OPORA" --dir fed init --region RU-FED --listen '[::1]:9443'
contains '^listen = \[::1\]:9443$' fed/opora.conf

# The card.
ok "$OPORA" --dir smo id
contains '"region":"RU-SMO"' "$T/out"
contains '"url":"https://127.0.0.1:8443"' "$T/out"
contains '"tls_pin":"sha256//[A-Za-z0-9+/]{43}="' "$T/out"
contains '"signature":"[0-9a-f]{128}"' "$T/out"
pin=$(openssl x509 -in smo/tls.crt -pubkey -noout | openssl pkey -pubin \
    -outform der | openssl dgst -sha256 -binary | base64)
grep -qF "sha256//$pin" "$T/out" || fail "the card pin is not the certificate key hash"

# OPORA_DIR is honoured, and a missing node is explained.
OPORA_DIR=smo ok "$OPORA" id
refuses 78 'holds no node' "$OPORA" --dir nowhere id
# A config that was edited wrongly is named with its line.
printf 'region = RU-SMO\nport = 1\n' > smo/opora.conf.new
chmod 600 smo/opora.conf.new
cp smo/opora.conf smo/opora.conf.good
mv smo/opora.conf.new smo/opora.conf
refuses 78 'opora.conf:2: unknown setting' "$OPORA" --dir smo id
mv smo/opora.conf.good smo/opora.conf
ok "$OPORA" --dir smo id
# The clock-drift bound: written with its default, checked when read.
contains '^max_clock_drift = 300$' smo/opora.conf
sed -i 's/^max_clock_drift = .*/max_clock_drift = 0/' smo/opora.conf
refuses 78 'opora.conf:[0-9]+: max_clock_drift: "0" is not valid' "$OPORA" --dir smo id
sed -i 's/^max_clock_drift = .*/max_clock_drift = 900/' smo/opora.conf
ok "$OPORA" --dir smo id
