# What docs/admin.md (and opora(1)) state as facts is checked against the
# program: the file modes init makes, the configuration table against
# 'opora config get', the exit codes against those the source returns,
# the unit shown against dist/opora.service.in, and the package's files
# against what 'make install' installs.
. "$TOP/tests/cli/lib.sh"
A="$TOP/docs/admin.md"

# section TITLE: the lines of admin.md's section "## TITLE".
section() {
	awk -v t="## $1" '$0 == t { on = 1; next } /^## / { on = 0 } on' "$A"
}

# File modes: the table in "Create the node", and the directory, as
# init and the first command (which writes feed.head) leave them.
ok "$OPORA" --dir n init --region RU-SMO
ok "$OPORA" --dir n id
section 'Create the node' | sed -n 's/^| `\([a-z.]*\)`.*| \(0[0-7]*\) |$/\1 \2/p' \
    > modes.txt
[ "$(wc -l < modes.txt)" -ge 6 ] || { cat modes.txt; fail "no file table"; }
while read -r f m; do
	[ -f "n/$f" ] || fail "admin.md lists $f, init makes no such file"
	[ "0$(stat -c %a "n/$f")" = "$m" ] ||
	    fail "admin.md: $f is $m, init makes it 0$(stat -c %a "n/$f")"
done < modes.txt
for f in $(ls n); do
	grep -q "^$f " modes.txt || fail "init makes $f, admin.md does not list it"
done
section 'Create the node' | grep -q 'The directory itself is 0700' ||
    fail "admin.md no longer says the directory is 0700"
[ "$(stat -c %a n)" = 700 ] || fail "the directory is not 0700"

# Settings: the table in "Configuration" against 'opora config get' of a
# node made with the defaults.
ok "$OPORA" --dir n config get
sed 's/ = /|/' "$T/out" | sort > have.txt
section Configuration | sed -n 's/^| `\([a-z_]*\)` |.*| \(.*\) |$/\1|\2/p' |
    sed 's/|`\(.*\)`$/|\1/' | sort > doc.txt
cut -d'|' -f1 have.txt > a.txt
cut -d'|' -f1 doc.txt > b.txt
cmp -s a.txt b.txt || { diff b.txt a.txt >&2
	fail "admin.md's settings are not the program's"; }
while IFS='|' read -r k v; do
	[ "$v" = "(required)" ] && continue
	[ "$v" = "(empty)" ] && v=
	grep -qxF "$k|$v" have.txt ||
	    fail "admin.md: $k defaults to $v, the program says $(grep "^$k|" have.txt)"
done < doc.txt

# Exit codes: those the source returns, those admin.md's table and
# opora(1)'s EXIT STATUS name.
for e in $(grep -ohE '\bEX_[A-Z]+\b' "$TOP"/node/*.c | sort -u); do
	sed -n "s/^#define[[:space:]]*$e[[:space:]]*\([0-9]*\).*/\1/p" \
	    /usr/include/sysexits.h
done > src.txt
sed -n 's/^#define[[:space:]]*CLI_EX_DISKFULL[[:space:]]*\([0-9]*\).*/\1/p' \
    "$TOP/node/cli.h" >> src.txt
grep -q '? 1 : EX_OK' "$TOP/node/cmd_status.c" && echo 1 >> src.txt
sort -un src.txt > src.sorted
section 'Exit codes' | sed -n 's/^| \([0-9][0-9]*\) |.*/\1/p' | sort -un > adm.txt
cmp -s src.sorted adm.txt || { diff src.sorted adm.txt >&2
	fail "admin.md's exit codes are not those the program returns"; }
awk '/^\.Sh EXIT STATUS/ { on = 1; next } /^\.Sh/ { on = 0 } on' \
    "$TOP/docs/opora.1" | grep -oE '\b[0-9]+\b' | sort -un > man.txt
cmp -s src.sorted man.txt || { diff src.sorted man.txt >&2
	fail "opora(1)'s exit codes are not those the program returns"; }

# The unit admin.md shows is the one installed (ExecStart as packaged).
section 'Running the server' | awk '/^```$/ { n++; next } n == 1' |
    grep -E '^\[|=' > unit.doc
[ "$(wc -l < unit.doc)" -ge 10 ] || fail "no unit in admin.md"
sed 's|@BINDIR@|/usr/bin|' "$TOP/dist/opora.service.in" > unit.real
while IFS= read -r l; do
	grep -qxF -- "$l" unit.real || fail "admin.md's unit has '$l', the installed one not"
done < unit.doc

# The WAL's size at which it is copied into the database, as admin.md and
# the metrics' help give it, against the store's STORE_CHECKPOINT_BYTES.
mib=$(sed -n 's/^#define STORE_CHECKPOINT_BYTES[^(]*(\([0-9]*\) \* 1024 \* 1024)$/\1/p' \
    "$TOP/node/store.h")
[ -n "$mib" ] || fail "STORE_CHECKPOINT_BYTES is not N MiB in node/store.h"
grep '^| `opora_wal_bytes`' "$A" | grep -q "copied into the database at $mib MiB" ||
    fail "admin.md's opora_wal_bytes row does not say $mib MiB"
grep -q "grows to about $mib" "$A" ||
    fail "admin.md does not say the WAL grows to about $mib MiB"

# The files admin.md says the package installs: 'make install PREFIX=/usr'.
make -s -C "$TOP" install DESTDIR="$T/root" PREFIX=/usr >out 2>&1 ||
    { cat out; fail "make install"; }
section Install | sed -n 's/^| `\(\/[^`]*\)` |.*/\1/p' > pkg.txt
[ "$(wc -l < pkg.txt)" -ge 6 ] || fail "no package table in admin.md"
while read -r f; do
	[ -f "root${f%.gz}" ] || fail "admin.md: the package installs $f; make install does not"
done < pkg.txt
exit 0
