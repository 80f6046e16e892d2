# The docs run as written: every shell block marked ```sh in README.md
# (the tour) and docs/admin.md (the two-region story) is extracted and
# run, with a PATH that has the built opora, in a temporary directory, on
# loopback ports.  Blocks that need root or systemd are not marked sh.
#
# How the docs' addresses are rewritten (the documented placeholders):
#   ```sh MACHINE          a block run on that machine (default: tour)
#   /var/lib/opora         in a MACHINE block: the directory MACHINE/
#   opora.NAME.example:8443  127.0.0.1 and a free port of machine NAME
#   127.0.0.1:8443         in a tour block: 127.0.0.1 and a free port
#   CMD &                  a server: stopped by PID when the script ends
# All blocks of one file run in order in one shell (set -e), so a
# variable set in one block is seen by the next, as by a reader.
. "$TOP/tests/cli/lib.sh"
mkdir bin
ln -s "$OPORA_BIN" bin/opora   # the program, not lib.sh's wrapper
p=$(port_base)

# docs_script FILE: the sh blocks of FILE, rewritten, as one script.
docs_script() {
	awk -v base="$p" '
	BEGIN {
		print "set -e"
		print "PIDS="
		print "trap '\''for q in $PIDS; do kill $q 2>/dev/null; " \
		    "wait $q 2>/dev/null; done'\'' EXIT"
		nports = 0
	}
	function port(name) {
		if (!(name in ports))
			ports[name] = base + (++nports)
		return ports[name]
	}
	/^```sh( [a-z]+)?$/ {
		inblock = 1
		machine = NF > 1 ? $2 : "tour"
		printf("# block at line %d (%s)\n", NR, machine)
		if (machine != "tour")
			printf("mkdir -p -m 700 %s\n", machine)
		next
	}
	/^```/ && inblock { inblock = 0; next }
	inblock {
		line = $0
		if (machine != "tour")
			gsub("/var/lib/opora", machine, line)
		while (match(line, /opora\.[a-z]+\.example:8443/)) {
			name = substr(line, RSTART + 6, RLENGTH - 19)
			line = substr(line, 1, RSTART - 1) "127.0.0.1:" \
			    port(name) substr(line, RSTART + RLENGTH)
		}
		if (machine == "tour")
			gsub("127\\.0\\.0\\.1:8443", "127.0.0.1:" port("tour"),
			    line)
		# A server started in the background is stopped at the end.
		if (match(line, /&( +#.*)?$/))
			line = substr(line, 1, RSTART) " PIDS=\"$PIDS $!\"" \
			    substr(line, RSTART + 1)
		print line
	}' "$1"
}

for doc in README.md docs/admin.md; do
	name=$(basename "$doc" .md)
	docs_script "$TOP/$doc" > "$name.sh"
	grep -q '^# block at line' "$name.sh" || fail "$doc has no sh block"
	mkdir "$name"
	(cd "$name" && unset OPORA_USER && PATH="$T/bin:$PATH" \
	    timeout 120 sh -x ../"$name.sh") > "$name.out" 2>&1 ||
	    { cat "$name.sh"; tail -40 "$name.out"; fail "$doc does not run as written"; }
done

# What the docs promise came true.
OPORA_DIR=README/smolensk "$OPORA_BIN" --user petrova find --surname иванова > find.out ||
    fail "tour: find"
contains 'Иванова' find.out
[ "$(grep -c '^# block at line.*(smolensk)' admin.sh)" -ge 3 ] ||
    fail "admin.md's story lost its Smolensk blocks"
[ "$(grep -c '^# block at line.*(kaluga)' admin.sh)" -ge 3 ] ||
    fail "admin.md's story lost its Kaluga blocks"
"$OPORA_BIN" --dir admin/kaluga --user sokolova transfer list --incoming > tr.out ||
    fail "Kaluga: transfer list"
contains 'accepted' tr.out
"$OPORA_BIN" --dir admin/kaluga --user orlov status --json > st.out 2>&1 || true
contains '"custodian_of":1' st.out
exit 0
