# opora: a federated sync node for post-institutional support records.
#
#   make run     install what is missing, build, initialise ./var/node, tour
#   make check   install what is missing, build, run every test
#   make bench   benchmarks (figures go to docs/performance.md by hand)
#   make deb     a Debian package in build/deb/ (deb-deps: debhelper, lintian)
#   make install the same files under DESTDIR and PREFIX (default /usr/local)

PREFIX	?= /usr/local
DESTDIR	?=
CC	?= cc

# libsodium-dev: Ed25519 verification in half OpenSSL's time (protocol/sig.c).
# python3-scipy: the statistics attacker's integer programs (HiGHS through
# scipy.optimize.milp; tests/stats/attack.py).  libjs-chart.js: the web
# pages' charts (served from its installed path, docs/ui.md); chromium: the
# browser the web tests drive (tests/web/, with Node.js: web-deps).
DEBIAN_PKGS = libsqlite3-dev libssl-dev libsodium-dev libcjson-dev \
	      libcurl4-openssl-dev libevent-dev libcmocka-dev pkg-config sqlite3 time curl openssl \
	      libargon2-dev liboath-dev libmicrohttpd-dev oathtool strace \
	      python3-scipy libjs-chart.js chromium

WARN	= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	  -Wpointer-arith -Wformat=2 -Werror
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(WARN) \
	  $(CPPFLAGS) $(CFLAGS) -I. -MMD -MP
# libcurl and libmicrohttpd are not linked: node/libload.c loads them
# in the commands that need them.
LIBS	= -lsqlite3 -lcjson -levent_openssl -levent_core -lssl \
	  -lcrypto -lsodium -largon2 -loath -lpthread -lm

CONFLICT_SRC = $(wildcard conflict/*.c)
PROTOCOL_SRC = $(wildcard protocol/*.c)
NODE_SRC     = $(filter-out node/main.c,$(wildcard node/*.c))
LIB_SRC      = $(CONFLICT_SRC) $(PROTOCOL_SRC) $(NODE_SRC)
UNIT_SRC     = $(wildcard tests/unit/test_*.c)
FUZZ_SRC     = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES   = $(FUZZ_SRC:tests/fuzz/%.c=%)

B	= build
# The list of common passwords (data/common-passwords.txt) and the web
# pages (node/web/, node/webfiles.h) are compiled in.
GEN_SRC	= $(B)/gen/common_passwords.c
WEB_FILES = $(sort $(wildcard node/web/*.html node/web/*.css node/web/*.js \
	    node/web/*.svg))
LIB_OBJ	= $(LIB_SRC:%.c=$(B)/%.o) $(B)/gen/common_passwords.o \
	  $(B)/gen/web_files.o
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all
# The sanitized programs are linked at a fixed address: as a PIE, each of
# the thousands of commands the CLI tests start would first apply some
# 150,000 relocations (the sanitizers' descriptors of every global) and
# copy every page they touch, about a fifth of the page faults of a
# sanitized test (docs/performance.md, "The test suite's time").  The
# program as shipped stays a PIE.  The sanitizers' runtimes are linked in
# statically: loaded as shared libraries, their own relocations and
# start cost a short command a quarter of its time (status: 110 ms ->
# 82 ms, docs/performance.md, "The sanitizers' runtimes linked in").
SAN_LDFLAGS = -no-pie -static-libasan -static-libubsan
TSAN_LDFLAGS = -no-pie	# linked in statically, its runtime saved nothing
SAN_OBJ	= $(LIB_SRC:%.c=$(B)/san/%.o) $(B)/san/gen/common_passwords.o \
	  $(B)/san/gen/web_files.o
SAN_BIN	= $(UNIT_SRC:tests/unit/%.c=$(B)/san/tests/%)
FUZZ_REPLAY = $(FUZZ_NAMES:%=$(B)/san/fuzz/%)
# ThreadSanitizer: the program and the unit tests of the code that runs
# threads (the import's checkers, reader and signers, the pull's fetching,
# checking and storing threads, the checkpoint thread, verify's workers),
# for the tests named in tests/cli/tsan and for TSAN_UNIT.  Like the
# sanitized programs, linked at a fixed address.
TSAN_FLAGS = -O1 -g -fsanitize=thread -fno-omit-frame-pointer
TSAN_OBJ = $(LIB_SRC:%.c=$(B)/tsan/%.o) $(B)/tsan/gen/common_passwords.o \
	  $(B)/tsan/gen/web_files.o
TSAN_UNIT = $(B)/tsan/tests/test_signer $(B)/tsan/tests/test_ckpt \
	  $(B)/tsan/tests/test_verifier

.SECONDARY:

.PHONY: all deps web-deps web-test check check-full unit unit-san unit-tsan bench run demo install clean vectors fuzz fuzz-deps soak \
	deb deb-deps

all: opora

opora: $(B)/node/main.o $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Sorted in byte order (node/account.c searches it): one string of the
# words, each ended by a NUL, and each word's offset in it.  Not an array
# of pointers: as a PIE, each of its 20,000 pointers would be relocated,
# and its 160 KB copied, by every command at its start
# (docs/performance.md).  Quotes, backslashes and question marks (which
# could start a trigraph) written as octal escapes.
$(GEN_SRC): data/common-passwords.txt Makefile
	@mkdir -p $(dir $@)
	LC_ALL=C sort -u $< | LC_ALL=C awk 'BEGIN { \
	  print "/* Generated from data/common-passwords.txt. */"; \
	  print "#include <stddef.h>"; \
	  print "extern const char account_common_text[];"; \
	  print "extern const unsigned int account_common_at[];"; \
	  print "extern const size_t account_common_count;"; \
	  print "const char account_common_text[] ="; } \
	  { at[n++] = off; off += length($$0) + 1; w = ""; \
	    for (i = 1; i <= length($$0); i++) { c = substr($$0, i, 1); \
	      if (c == "\\") c = "\\134"; else if (c == "\"") c = "\\042"; \
	      else if (c == "?") c = "\\077"; w = w c } \
	    printf "\t\"%s\\0\"\n", w } \
	  END { print "\t\"\";"; \
	    print "const unsigned int account_common_at[] = {"; \
	    for (i = 0; i < n; i++) printf "\t%d,\n", at[i]; \
	    print "};"; \
	    printf "const size_t account_common_count = %d;\n", n }' > $@.tmp
	mv $@.tmp $@
$(B)/gen/common_passwords.o: $(GEN_SRC)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
$(B)/san/gen/common_passwords.o: $(GEN_SRC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<
$(B)/tsan/gen/common_passwords.o: $(GEN_SRC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TSAN_FLAGS) -c -o $@ $<
$(B)/fuzz/gen/common_passwords.o: $(GEN_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CC_FLAGS) -c -o $@ $<

# Every file of node/web/ as a byte array with its name and Content-Type
# (node/webfiles.h); a file of any other kind is refused.
$(B)/gen/web_files.c: $(WEB_FILES) Makefile
	@mkdir -p $(dir $@)
	@{ echo '/* Generated from node/web/ by the Makefile. */'; \
	  echo '#include "node/webfiles.h"'; i=0; \
	  for f in $(WEB_FILES); do \
	    echo "static const unsigned char f$$i[] = {"; \
	    od -An -v -tx1 "$$f" | sed 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	    echo '0 };'; i=$$((i + 1)); done; \
	  echo 'const struct webfile webfiles_table[] = {'; i=0; \
	  for f in $(WEB_FILES); do \
	    case $$f in \
	    *.html) t='text/html; charset=utf-8' ;; \
	    *.css) t='text/css; charset=utf-8' ;; \
	    *.js) t='text/javascript; charset=utf-8' ;; \
	    *.svg) t='image/svg+xml' ;; \
	    *) echo "$$f: not a web file" >&2; exit 1 ;; \
	    esac; \
	    echo "{ \"/$${f##*/}\", \"$$t\", f$$i, sizeof(f$$i) - 1 },"; \
	    i=$$((i + 1)); done; \
	  echo '};'; echo "const size_t webfiles_count = $$i;"; } > $@.tmp
	mv $@.tmp $@
$(B)/gen/web_files.o: $(B)/gen/web_files.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
$(B)/san/gen/web_files.o: $(B)/gen/web_files.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<
$(B)/tsan/gen/web_files.o: $(B)/gen/web_files.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TSAN_FLAGS) -c -o $@ $<
$(B)/fuzz/gen/web_files.o: $(B)/gen/web_files.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CC_FLAGS) -c -o $@ $<

$(B)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(B)/tsan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(TSAN_FLAGS) -c -o $@ $<

# Unit tests may build nodes in process with tests/sim/net.c.
$(B)/tests/%: $(B)/tests/unit/%.o $(B)/tests/sim/net.o $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.o,$^) $(LIBS) -lcmocka

$(B)/san/tests/%: $(B)/san/tests/unit/%.o $(B)/san/tests/sim/net.o $(SAN_OBJ)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(SAN_LDFLAGS) -o $@ $(filter %.o,$^) \
	  $(LIBS) -lcmocka

$(B)/tsan/tests/%: $(B)/tsan/tests/unit/%.o $(B)/tsan/tests/sim/net.o \
    $(TSAN_OBJ)
	$(CC) $(ALL_CFLAGS) $(TSAN_FLAGS) $(TSAN_LDFLAGS) -o $@ \
	  $(filter %.o,$^) $(LIBS) -lcmocka

# Installs the Debian packages that are missing; a quick no-op otherwise.
deps:
	@missing=""; for p in $(DEBIAN_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' \
	    || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

unit: $(UNIT_BIN) $(B)/sim $(B)/forge $(B)/flood $(B)/hostile $(B)/shortwrite.so

# The attack tests' tools (tests/tools): a pen that signs whatever bytes it
# is given, a stranger flooding a server (t0020-server-starve.sh), and a
# scripted hostile peer that the victim pulls from over TLS (t006x).
$(B)/forge: tests/tools/forge.c $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c %.o,$^) $(LIBS)
$(B)/flood: tests/tools/flood.c
	$(CC) $(ALL_CFLAGS) -o $@ $<
$(B)/hostile: tests/tools/hostile.c
	$(CC) $(ALL_CFLAGS) -o $@ $< -lssl -lcrypto
# The fault suite's short writes (t0096): an LD_PRELOAD shim.
$(B)/shortwrite.so: tests/tools/shortwrite.c
	$(CC) $(ALL_CFLAGS) -fPIC -shared -o $@ $< -ldl

# The simulator of regions exchanging changes (tests/sim/sim.c).
$(B)/sim: tests/sim/sim.c tests/sim/net.c tests/sim/net.h tests/sim/fault.c \
    tests/sim/fault.h $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c %.o,$^) $(LIBS)

SEEDS ?= 20000
soak: all $(B)/sim
	SIM_SEEDS=$(SEEDS) $(B)/sim
unit-san: $(SAN_BIN) $(FUZZ_REPLAY) $(B)/san/opora

unit-tsan: $(TSAN_UNIT) $(B)/tsan/opora

$(B)/tsan/opora: $(B)/tsan/node/main.o $(TSAN_OBJ)
	$(CC) $(ALL_CFLAGS) $(TSAN_FLAGS) $(TSAN_LDFLAGS) -o $@ \
	  $(filter %.o,$^) $(LIBS)

# The whole program under the sanitizers, for the CLI and server tests.
$(B)/san/opora: $(B)/san/node/main.o $(SAN_OBJ)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(SAN_LDFLAGS) -o $@ $(filter %.o,$^) \
	  $(LIBS)

# Fuzz targets: tests/fuzz/fuzz_NAME.c, one per parser of outside input,
# each with its corpus in tests/fuzz/corpus/NAME/.  'make check' replays
# every corpus under the sanitizers (tests/fuzz/replay.c is their main);
# 'make fuzz' runs each with libFuzzer (clang) for FUZZ_SECONDS.
$(B)/san/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c $(SAN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(SAN_LDFLAGS) -o $@ \
	  $(filter %.c %.o,$^) $(LIBS)

FUZZ_SECONDS ?= 600
FUZZ_CC_FLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -g -O1 \
	  -I. -fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJ = $(LIB_SRC:%.c=$(B)/fuzz/%.o) $(B)/fuzz/gen/common_passwords.o \
	  $(B)/fuzz/gen/web_files.o
$(B)/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CC_FLAGS) -c -o $@ $<
$(B)/fuzz/bin/%: tests/fuzz/%.c $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CC_FLAGS) -fsanitize=fuzzer -o $@ $(filter %.c %.o,$^) \
	  $(LIBS)
fuzz-deps:
	@dpkg-query -W -f='$${Status}' libclang-rt-14-dev 2>/dev/null | \
	  grep -q 'ok installed' || apt-get install -y -qq libclang-rt-14-dev
fuzz: fuzz-deps
	$(MAKE) $(FUZZ_NAMES:%=$(B)/fuzz/bin/%)
	@for t in $(FUZZ_NAMES); do \
	  name=$${t#fuzz_}; mkdir -p $(B)/fuzz/corpus/$$name; \
	  echo "== $$t: $(FUZZ_SECONDS) s"; \
	  $(B)/fuzz/bin/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    $(B)/fuzz/corpus/$$name tests/fuzz/corpus/$$name 2>&1 | \
	    grep -E '^(stat::number_of_executed_units|stat::new_units_added|==|SUMMARY)' \
	    || exit 1; \
	done

# make check stays within 15 minutes on two cores: the long fault tests
# run at a smaller depth, with new random moments each run (tests/cli/
# lib.sh, depth), the simulator over 600 seeds, and the kill tests
# t0090 and t0094 not under ThreadSanitizer (tests/cli/tsan).  make
# check-full runs the tests at full depth, those two under
# ThreadSanitizer too, and the simulator over 5,000 seeds (some 45
# minutes): before a release, or after a change to sync, feed, offers or
# the store.
NPROC := $(shell nproc 2>/dev/null || echo 2)
check: deps deb-deps web-deps
	$(MAKE) -j$(NPROC) all unit unit-san unit-tsan
	@sh tests/run.sh

check-full: deps deb-deps web-deps
	$(MAKE) -j$(NPROC) all unit unit-san unit-tsan
	@OPORA_TEST_DEPTH=full SIM_SEEDS=5000 sh tests/run.sh

# The browser tests (tests/web/): Node.js and npm (Debian's, unless a
# node is already there), then playwright-core and axe-core at the
# versions of tests/web/package-lock.json ('npm ci').  They drive Debian's
# chromium (deps).
web-deps: deps
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  $$SUDO apt-get install -y -qq nodejs npm; }
	@[ tests/web/node_modules/.package-lock.json -nt \
	    tests/web/package-lock.json ] || \
	  (cd tests/web && npm ci --no-audit --no-fund)

web-test: all web-deps
	OPORA=$$PWD/opora TOP=$$PWD sh tests/web/run.sh

# Each bench script within BENCH_TIMEOUT seconds: one that hangs stops
# 'make bench' with timeout's exit 124 (its EXIT trap stops what it
# started) instead of waiting for ever.
BENCH_TIMEOUT ?= 3600
BENCH_RUN = timeout $(BENCH_TIMEOUT) sh
# The feed's bench at about 1,000, 100,000 and 1,000,000 changes (51
# changes a person): the curve, as bench.sh's sizes give it for import.
BENCH_FEED_DOSSIERS ?= 20 2000 20000
bench: deps
	$(MAKE) all $(B)/bench_merge $(B)/bench_stats $(B)/bench_entropy \
	  $(B)/bench_verify $(B)/bench_decode $(B)/bench/opora-noaudit
	@$(B)/bench_decode tests/fuzz/corpus/change/vector-*
	@$(BENCH_RUN) tests/bench/bench.sh
	@$(BENCH_RUN) tests/bench/bench_audit.sh
	@$(BENCH_RUN) tests/bench/bench_sync.sh
	@for d in $(BENCH_FEED_DOSSIERS); do \
	  DOSSIERS=$$d $(BENCH_RUN) tests/bench/bench_feed.sh || exit 1; done
	@$(BENCH_RUN) tests/bench/bench_merge.sh
	@$(BENCH_RUN) tests/bench/bench_stats.sh
	@$(BENCH_RUN) tests/bench/bench_web.sh
	@$(BENCH_RUN) tests/bench/bench_ui_flood.sh
	@$(BENCH_RUN) tests/bench/bench_entropy.sh
	@$(BENCH_RUN) tests/bench/bench_memlimit.sh

# What the audit of a read costs (tests/bench/bench_audit.sh): the same
# program with audit_record writing nothing, for the bench only.
$(B)/bench/audit-noaudit.o: node/audit.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DOPORA_BENCH_NO_AUDIT -c -o $@ $<
$(B)/bench/opora-noaudit: $(B)/node/main.o \
    $(filter-out $(B)/node/audit.o,$(LIB_OBJ)) $(B)/bench/audit-noaudit.o
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBS)

# The federal node's queries (tests/bench/bench_stats.c).
$(B)/bench_stats: tests/bench/bench_stats.c $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c %.o,$^) $(LIBS)

# What conflicts cost (tests/bench/bench_merge.c).
$(B)/bench_merge: tests/bench/bench_merge.c tests/sim/net.c tests/sim/net.h \
    $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c %.o,$^) $(LIBS)

# How fast opora's own verification runs (tests/bench/bench_verify.c).
$(B)/bench_verify: tests/bench/bench_verify.c $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c %.o,$^) $(LIBS)

# What reading a change costs (tests/bench/bench_decode.c).
$(B)/bench_decode: tests/bench/bench_decode.c $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c %.o,$^) $(LIBS)

# What anti-entropy costs (tests/bench/bench_entropy.c).
$(B)/bench_entropy: tests/bench/bench_entropy.c tests/sim/net.c \
    tests/sim/net.h $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c %.o,$^) $(LIBS)

vectors: opora
	./opora vectors > tests/vectors/changes.json
	./opora vectors --states > tests/vectors/states.json

run: deps
	$(MAKE) all
	@sh node/run.sh

demo: deps
	$(MAKE) all
	@sh node/demo.sh

# What 'make install' and the Debian package install (dist/ holds the
# service files; docs/admin.md, "Install").  systemd reads units,
# sysusers.d and tmpfiles.d under /usr/local/lib as under /usr/lib;
# Debian 12 keeps its units in /lib/systemd/system.
BINDIR	= $(PREFIX)/bin
MANDIR	= $(PREFIX)/share/man
UNITDIR	?= $(if $(filter /usr,$(PREFIX)),/lib,$(PREFIX)/lib)/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
SYSCONFDIR ?= /etc

install: opora
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
	    $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(SYSCONFDIR)/default
	install -m 0755 opora $(DESTDIR)$(BINDIR)/opora
	install -m 0644 docs/opora.1 $(DESTDIR)$(MANDIR)/man1/opora.1
	sed 's|@BINDIR@|$(BINDIR)|g' dist/opora.service.in > \
	    $(DESTDIR)$(UNITDIR)/opora.service.tmp
	chmod 0644 $(DESTDIR)$(UNITDIR)/opora.service.tmp
	mv $(DESTDIR)$(UNITDIR)/opora.service.tmp \
	    $(DESTDIR)$(UNITDIR)/opora.service
	install -m 0644 dist/opora.sysusers $(DESTDIR)$(SYSUSERSDIR)/opora.conf
	install -m 0644 dist/opora.tmpfiles $(DESTDIR)$(TMPFILESDIR)/opora.conf
	@# An admin's /etc/default/opora is kept.
	[ -e $(DESTDIR)$(SYSCONFDIR)/default/opora ] || \
	    install -m 0644 dist/opora.default \
	    $(DESTDIR)$(SYSCONFDIR)/default/opora

# The Debian package, built with debhelper on a copy of the tree in
# build/deb/ (dpkg-buildpackage writes beside the tree it builds), so the
# tree and its build/ stay as they are.  VERSION is the program's.
VERSION	= $(shell sed -n 's/^\#define OPORA_VERSION[^"]*"\(.*\)"/\1/p' \
	    node/cli.c)
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
DEB	= $(B)/deb/opora_$(VERSION)_$(DEB_ARCH).deb
DEB_SRC	= Makefile LICENSE $(wildcard conflict/*.[ch] protocol/*.[ch] \
	  node/*.[ch] node/web/* dist/* debian/* debian/source/* data/*) \
	  docs/opora.1
DEB_PKGS = debhelper lintian dpkg-dev fakeroot

deb-deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' \
	    || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

deb: $(DEB)
	@echo $(DEB)

$(DEB): $(DEB_SRC)
	@[ -n "$(VERSION)" ] || { echo "no OPORA_VERSION in node/cli.c"; exit 1; }
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version); \
	  [ "$$v" = "$(VERSION)" ] || { echo "debian/changelog is at $$v," \
	  "the program at $(VERSION): add a changelog entry"; exit 1; }
	rm -rf $(B)/deb && mkdir -p $(B)/deb/opora-$(VERSION)
	tar -cf - $(DEB_SRC) | tar -xf - -C $(B)/deb/opora-$(VERSION)
	cd $(B)/deb/opora-$(VERSION) && \
	  dpkg-buildpackage -b -us -uc -j2 >../build.log 2>&1 || \
	  { tail -30 ../build.log; exit 1; }

clean:
	rm -rf $(B) opora

-include $(shell find $(B) -path $(B)/deb -prune -o -name '*.d' -print 2>/dev/null)
