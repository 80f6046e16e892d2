# The committed test vectors are what this build makes: a change of the
# change format, or of the merge rules (the state vectors fold changes into
# states and digests), shows here and must be made on purpose, with
# 'make vectors' and docs/protocol.md.
. "$TOP/tests/cli/lib.sh"
"$OPORA" vectors >changes.json || fail "opora vectors"
cmp -s changes.json "$TOP/tests/vectors/changes.json" ||
    fail "tests/vectors/changes.json is not what 'opora vectors' prints"
"$OPORA" vectors --states >states.json || fail "opora vectors --states"
cmp -s states.json "$TOP/tests/vectors/states.json" ||
    fail "tests/vectors/states.json is not what 'opora vectors --states' prints"
grep -q '"state":	"resolved"' states.json || fail "no resolved conflict"
grep -q '"late":	"accepted"' states.json || fail "no late accept"
