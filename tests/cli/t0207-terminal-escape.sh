# What a command prints on a terminal is shown, not obeyed (node/ttyout.h).
# A card or a note may hold characters that are valid text for the
# protocol but drive or deceive a terminal: the C1 control U+009B (CSI on
# terminals that take C1 controls) and U+202E (which shows the rest of a
# line backwards); a peer's change carries them as a curator's does.  On a
# terminal (script(1) gives the command one) 'show', 'log' and 'list'
# write them as \xNN; into a pipe or a file the bytes stay exact.
. "$TOP/tests/cli/lib.sh"
csi=$(printf '\302\233')
rlo=$(printf '\342\200\256')
ok "$OPORA" --dir a init --region RU-SMO --url https://127.0.0.1:1
D=$("$OPORA" --dir a person add --surname "Ив${rlo}анова" --name Анна \
    --birth-date 2004-05-06 --sex F) || fail "person add"
D=${D%%/*}
ok "$OPORA" --dir a event add "$D" --date 2024-02-01 --type housing \
    --text "Заселена ${csi}2J${csi}31m в общежитие"

# tty CMD...: run CMD on a terminal, its output in $T/tty.
tty() {
	script -qec "$*" /dev/null > "$T/tty" 2>&1 ||
	    { cat "$T/tty" >&2; fail "on a terminal: $*"; }
}
for cmd in "show $D" "log $D" "list"; do
	tty "$OPORA" --dir a $cmd
	if grep -q "$csi" "$T/tty" || grep -q "$rlo" "$T/tty"; then
		fail "'$cmd' put a control character on the terminal"
	fi
	[ "$cmd" = "log $D" ] || contains 'Ив\\xe2\\x80\\xaeанова' "$T/tty"
done
tty "$OPORA" --dir a show "$D"
contains 'Заселена \\xc2\\x9b2J\\xc2\\x9b31m в общежитие' "$T/tty"

# Into a pipe, exact: a script or a --json reader gets the bytes.
ok "$OPORA" --dir a show "$D"
contains "Заселена ${csi}2J${csi}31m в общежитие" "$T/out"
ok "$OPORA" --dir a show "$D" --json
contains "Ив${rlo}анова" "$T/out"

# Fail closed: when the escaping stream cannot be made (memory ran out:
# the shim makes fopencookie fail so), the command refuses before it
# prints anything, rather than print a peer's text raw.
SHIM="$TOP/build/shortwrite.so"
[ -f "$SHIM" ] || fail "build/shortwrite.so is missing (make unit)"
asan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
rc=0
script -qec "env LD_PRELOAD=$SHIM SHORTWRITE_NOCOOKIE=1 ASAN_OPTIONS=$asan \
    $OPORA --dir a show $D" /dev/null > "$T/tty" 2>&1 || rc=$?
[ "$rc" -eq 71 ] || { cat "$T/tty" >&2; fail "exit $rc, not 71 (EX_OSERR)"; }
contains "cannot set up the terminal's output safely" "$T/tty"
if grep -q "$csi" "$T/tty" || grep -q "Заселена" "$T/tty"; then
	fail "the command printed the dossier without its terminal stream"
fi
# Into a pipe no stream is needed, and none is made.
ok env LD_PRELOAD="$SHIM" SHORTWRITE_NOCOOKIE=1 ASAN_OPTIONS="$asan" \
    "$OPORA" --dir a show "$D"
contains "Заселена ${csi}2J" "$T/out"
exit 0
