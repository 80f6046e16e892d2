# 'make install' (DESTDIR, PREFIX) installs what the Debian package
# installs: the program, the manual page, the systemd unit naming the
# installed program, the sysusers.d and tmpfiles.d entries, and
# /etc/default/opora, which it never overwrites.
. "$TOP/tests/cli/lib.sh"

make -s -C "$TOP" install DESTDIR="$T/usr" PREFIX=/usr >out 2>&1 ||
    { cat out; fail "make install PREFIX=/usr"; }
(cd usr && find . -type f | sort) > files.txt
cat > want.txt <<'EOW'
./etc/default/opora
./lib/systemd/system/opora.service
./usr/bin/opora
./usr/lib/sysusers.d/opora.conf
./usr/lib/tmpfiles.d/opora.conf
./usr/share/man/man1/opora.1
EOW
cmp -s files.txt want.txt || { diff want.txt files.txt >&2
	fail "make install PREFIX=/usr installs other files"; }
[ "$(stat -c %a usr/usr/bin/opora)" = 755 ] || fail "opora is not 0755"
for f in lib/systemd/system/opora.service usr/share/man/man1/opora.1 \
    etc/default/opora usr/lib/sysusers.d/opora.conf; do
	[ "$(stat -c %a "usr/$f")" = 644 ] || fail "$f is not 0644"
done
contains '^ExecStart=/usr/bin/opora serve$' usr/lib/systemd/system/opora.service

# The default prefix: /usr/local, where systemd looks too.
make -s -C "$TOP" install DESTDIR="$T/local" >out 2>&1 ||
    { cat out; fail "make install"; }
[ -x local/usr/local/bin/opora ] || fail "no /usr/local/bin/opora"
contains '^ExecStart=/usr/local/bin/opora serve$' \
    local/usr/local/lib/systemd/system/opora.service
[ -f local/usr/local/lib/sysusers.d/opora.conf ] || fail "sysusers entry"
[ -f local/usr/local/lib/tmpfiles.d/opora.conf ] || fail "tmpfiles entry"
[ -f local/usr/local/share/man/man1/opora.1 ] || fail "manual page"

# An admin's /etc/default/opora survives a second install.
echo 'OPORA_DIR=/srv/opora' >> local/etc/default/opora
make -s -C "$TOP" install DESTDIR="$T/local" >out 2>&1 ||
    { cat out; fail "make install again"; }
contains '^OPORA_DIR=/srv/opora$' local/etc/default/opora
exit 0
