# 'make deb' builds a Debian package (debhelper) that lintian finds clean:
# the program, its manual page, a hardened systemd unit, the sysusers.d
# and tmpfiles.d entries for the opora user and /var/lib/opora, and
# /etc/default/opora.  Its contents are read back with dpkg-deb.
. "$TOP/tests/cli/lib.sh"
# The package is built from the source tree, not from the program under
# test: the run with the shipped build (tests/cli/plain) covers it.
if [ $SANITIZED = 1 ]; then
	echo "skipped: the package is built from the source, as shipped"
	exit 0
fi
command -v dh >/dev/null && command -v lintian >/dev/null ||
    fail "debhelper or lintian missing: run 'make deb-deps'"

make -s -C "$TOP" deb >deb.out 2>&1 || { cat deb.out; fail "make deb"; }
deb="$TOP/$(tail -1 deb.out)"
[ -f "$deb" ] || { cat deb.out; fail "make deb named no package"; }
ver=$("$OPORA" --version | sed -n 's/^opora //p')
[ "$(dpkg-deb -f "$deb" Package)" = opora ] || fail "package name"
[ "$(dpkg-deb -f "$deb" Version)" = "$ver" ] ||
    fail "package version $(dpkg-deb -f "$deb" Version), program $ver"
dpkg-deb -f "$deb" Depends | grep -q 'systemd-sysusers' ||
    fail "no dependency that provides systemd-sysusers"

# The files, with their modes and owners.
dpkg-deb -c "$deb" | awk '{ print $1, $2, $6 }' > files.txt
for want in '-rwxr-xr-x root/root ./usr/bin/opora' \
    '-rw-r--r-- root/root ./usr/share/man/man1/opora.1.gz' \
    '-rw-r--r-- root/root ./lib/systemd/system/opora.service' \
    '-rw-r--r-- root/root ./usr/lib/sysusers.d/opora.conf' \
    '-rw-r--r-- root/root ./usr/lib/tmpfiles.d/opora.conf' \
    '-rw-r--r-- root/root ./etc/default/opora' \
    '-rw-r--r-- root/root ./usr/share/doc/opora/copyright'; do
	grep -qxF -- "$want" files.txt || { cat files.txt >&2
		fail "not in the package: $want"; }
done
grep -q 'usr/local' files.txt && fail "the package installs under /usr/local"
dpkg-deb -I "$deb" conffiles | grep -qx /etc/default/opora ||
    fail "/etc/default/opora is not a conffile"

# The unit's settings.
mkdir x
dpkg-deb -x "$deb" x
unit=x/lib/systemd/system/opora.service
for want in 'User=opora' 'StateDirectory=opora' 'StateDirectoryMode=0700' \
    'ProtectSystem=strict' 'NoNewPrivileges=yes' 'PrivateTmp=yes' \
    'Restart=on-failure' 'Wants=network-online.target' \
    'After=network-online.target' 'ExecStart=/usr/bin/opora serve' \
    'ProtectHome=yes' 'CapabilityBoundingSet=' 'UMask=0077' \
    'LimitNOFILE=2048' 'WantedBy=multi-user.target'; do
	grep -qxF "$want" "$unit" || fail "the unit lacks $want"
done
# systemd itself reads it without a complaint (the program's path made
# one that exists here).
sed "s|^ExecStart=/usr/bin/opora|ExecStart=$OPORA|" "$unit" > opora.service
systemd-analyze verify --man=no ./opora.service >verify.out 2>&1 ||
    { cat verify.out; fail "systemd-analyze verify"; }
[ ! -s verify.out ] || { cat verify.out; fail "systemd complains of the unit"; }

# The system user and its private directory; made in that order when the
# package is configured, and the service is neither enabled nor started
# before a node exists.
grep -qx 'u opora - "opora federated sync node" /var/lib/opora' \
    x/usr/lib/sysusers.d/opora.conf || fail "sysusers entry"
grep -qx 'd /var/lib/opora 0700 opora opora -' \
    x/usr/lib/tmpfiles.d/opora.conf || fail "tmpfiles entry"
dpkg-deb -I "$deb" postinst > postinst
u=$(grep -n 'systemd-sysusers' postinst | head -1 | cut -d: -f1)
t=$(grep -n 'systemd-tmpfiles' postinst | head -1 | cut -d: -f1)
[ -n "$u" ] && [ -n "$t" ] && [ "$u" -lt "$t" ] ||
    { cat postinst; fail "postinst must make the user, then its directory"; }
grep -Eq 'deb-systemd-invoke (start|restart)' postinst &&
    fail "postinst starts the service before a node exists"
# What postinst does, run with stand-ins for the system's commands (each
# records its arguments) and a directory of its own for systemd's
# /run/systemd/system: a first install starts nothing; an upgrade
# restarts the service if it runs (try-restart: a stopped one stays
# stopped), after systemd reads the new unit; without systemd, nothing.
mkdir bin
for c in systemd-sysusers systemd-tmpfiles deb-systemd-helper \
    deb-systemd-invoke systemctl; do
	printf '#!/bin/sh\necho "%s $*" >> "%s/calls"\n' "$c" "$PWD" > bin/$c
	chmod +x bin/$c
done
mkdir run-systemd
sed "s|/run/systemd/system|$PWD/run-systemd|g" postinst > postinst.t
runpi() {	# runpi ARGS...: postinst's calls of systemctl and deb-systemd-invoke
	rm -f calls
	PATH="$PWD/bin:$PATH" sh postinst.t "$@" ||
	    fail "postinst $* exits $?"
	grep -E '^(systemctl|deb-systemd-invoke) ' calls 2>/dev/null
	return 0
}
[ -z "$(runpi configure '')" ] ||
    { runpi configure ''; fail "postinst of a first install starts something"; }
[ "$(runpi configure 0.0.9)" = "systemctl --system daemon-reload
deb-systemd-invoke try-restart opora.service" ] ||
    { runpi configure 0.0.9; fail "postinst of an upgrade does not restart a running service"; }
grep -q '^systemd-sysusers ' calls || fail "postinst of an upgrade forgets the user"
rmdir run-systemd
[ -z "$(runpi configure 0.0.9)" ] ||
    fail "postinst without systemd calls systemctl"
x/usr/bin/opora --version | grep -q "^opora $ver\$" ||
    fail "the packaged program does not run"

# lintian: no error and no warning.
lintian --pedantic "$deb" >lintian.out 2>&1
grep -E '^[EW]: ' lintian.out && fail "lintian: errors or warnings"
exit 0
