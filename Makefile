# opora: a federated sync node for post-institutional support records.
#
#   make run     install what is missing, build, initialise ./var/node, tour
#   make check   install what is missing, build, run every test
#   make bench   benchmarks (figures go to docs/performance.md by hand)

PREFIX	?= /usr/local
DESTDIR	?=
CC	?= cc

DEBIAN_PKGS = libsqlite3-dev libssl-dev libcjson-dev libcurl4-openssl-dev \
	      libevent-dev libcmocka-dev pkg-config sqlite3 time curl openssl

WARN	= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	  -Wpointer-arith -Wformat=2 -Werror
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(WARN) \
	  $(CFLAGS) -I. -MMD -MP
LIBS	= -lsqlite3 -lcjson -lcurl -levent_openssl -levent_core -lssl \
	  -lcrypto -lpthread -lm

CONFLICT_SRC = $(wildcard conflict/*.c)
PROTOCOL_SRC = $(wildcard protocol/*.c)
NODE_SRC     = $(filter-out node/main.c,$(wildcard node/*.c))
LIB_SRC      = $(CONFLICT_SRC) $(PROTOCOL_SRC) $(NODE_SRC)
UNIT_SRC     = $(wildcard tests/unit/test_*.c)
FUZZ_SRC     = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES   = $(FUZZ_SRC:tests/fuzz/%.c=%)

B	= build
LIB_OBJ	= $(LIB_SRC:%.c=$(B)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all
SAN_OBJ	= $(LIB_SRC:%.c=$(B)/san/%.o)
SAN_BIN	= $(UNIT_SRC:tests/unit/%.c=$(B)/san/tests/%)
FUZZ_REPLAY = $(FUZZ_NAMES:%=$(B)/san/fuzz/%)

.SECONDARY:

.PHONY: all deps check unit unit-san bench run demo install clean vectors fuzz fuzz-deps soak

all: opora

opora: $(B)/node/main.o $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.o,$^) $(LIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

# Unit tests may build nodes in process with tests/sim/net.c.
$(B)/tests/%: $(B)/tests/unit/%.o $(B)/tests/sim/net.o $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.o,$^) $(LIBS) -lcmocka

$(B)/san/tests/%: $(B)/san/tests/unit/%.o $(B)/san/tests/sim/net.o $(SAN_OBJ)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $(filter %.o,$^) $(LIBS) -lcmocka

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

unit: $(UNIT_BIN) $(B)/sim $(B)/forge $(B)/flood $(B)/hostile

# The attack tests' tools (tests/tools): a pen that signs whatever bytes it
# is given, a stranger flooding a server (t0020-server-starve.sh), and a
# scripted hostile peer that the victim pulls from over TLS (t006x).
$(B)/forge: tests/tools/forge.c $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c %.o,$^) $(LIBS)
$(B)/flood: tests/tools/flood.c
	$(CC) $(ALL_CFLAGS) -o $@ $<
$(B)/hostile: tests/tools/hostile.c
	$(CC) $(ALL_CFLAGS) -o $@ $< -lssl -lcrypto

# The simulator of regions exchanging changes (tests/sim/sim.c).
$(B)/sim: tests/sim/sim.c tests/sim/net.c tests/sim/net.h tests/sim/fault.c \
    tests/sim/fault.h $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c %.o,$^) $(LIBS)

SEEDS ?= 20000
soak: all $(B)/sim
	SIM_SEEDS=$(SEEDS) $(B)/sim
unit-san: $(SAN_BIN) $(FUZZ_REPLAY) $(B)/san/opora

# The whole program under the sanitizers, for the CLI and server tests.
$(B)/san/opora: $(B)/san/node/main.o $(SAN_OBJ)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $(filter %.o,$^) $(LIBS)

# Fuzz targets: tests/fuzz/fuzz_NAME.c, one per parser of outside input,
# each with its corpus in tests/fuzz/corpus/NAME/.  'make check' replays
# every corpus under the sanitizers (tests/fuzz/replay.c is their main);
# 'make fuzz' runs each with libFuzzer (clang) for FUZZ_SECONDS.
$(B)/san/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c $(SAN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $(filter %.c %.o,$^) $(LIBS)

FUZZ_SECONDS ?= 600
FUZZ_CC_FLAGS = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -g -O1 \
	  -I. -fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJ = $(LIB_SRC:%.c=$(B)/fuzz/%.o)
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

check: deps
	$(MAKE) all unit unit-san
	@sh tests/run.sh

bench: deps
	$(MAKE) all $(B)/bench_merge $(B)/bench_stats $(B)/bench_entropy
	@sh tests/bench/bench.sh
	@sh tests/bench/bench_sync.sh
	@sh tests/bench/bench_merge.sh
	@sh tests/bench/bench_stats.sh
	@sh tests/bench/bench_entropy.sh

# The federal node's queries (tests/bench/bench_stats.c).
$(B)/bench_stats: tests/bench/bench_stats.c $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c %.o,$^) $(LIBS)

# What conflicts cost (tests/bench/bench_merge.c).
$(B)/bench_merge: tests/bench/bench_merge.c tests/sim/net.c tests/sim/net.h \
    $(LIB_OBJ)
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

install: opora
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 opora $(DESTDIR)$(PREFIX)/bin/opora
	install -m 0644 docs/opora.1 $(DESTDIR)$(PREFIX)/share/man/man1/opora.1

clean:
	rm -rf $(B) opora

-include $(shell find $(B) -name '*.d' 2>/dev/null)
