# The web listener's session timeouts are opora.conf settings (issue 13,
# docs/admin.md "Configuration"): 30 minutes idle and 12 hours in all by
# default, changed with 'opora config set' within their bounds.
. "$TOP/tests/cli/lib.sh"
mknode n
ok "$OPORA" --dir n config get session_idle_minutes
[ "$(cat "$T/out")" = 30 ] || fail "default idle timeout"
ok "$OPORA" --dir n config get session_max_hours
[ "$(cat "$T/out")" = 12 ] || fail "default absolute timeout"
ok "$OPORA" --dir n config set session_idle_minutes 15
ok "$OPORA" --dir n config set session_max_hours 8
ok "$OPORA" --dir n config get session_idle_minutes
[ "$(cat "$T/out")" = 15 ] || fail "idle timeout not set"
contains '^session_max_hours = 8$' n/opora.conf
refuses 65 'session_idle_minutes.*1 to 1440' "$OPORA" --dir n config set \
    session_idle_minutes 0
refuses 65 'session_max_hours.*1 to 24' "$OPORA" --dir n config set \
    session_max_hours 25
contains '^session_idle_minutes = 15$' n/opora.conf
# A bad value by hand stops every command, naming the line.
echo "session_max_hours = 100" >> n/opora.conf
refuses 78 'session_max_hours' "$OPORA" --dir n config get
